-- grain: one distinct SES event (valid records with redeliveries removed),
-- with the mail fields every event class shares

with records as (

    select * from {{ ref('base_ses__records') }}
    where rejection_reason is null and not is_duplicate

),

mail_parsed as (

    select
        *,
        {{ ses_json_to_struct('mail', ses_mail_columns()) }} as mail_struct
    from records

),

final as (

    select
        event_id,
        message_id,
        event_class,
        ses_event_type,
        event_at,
        {%- for column in ses_mail_columns() if column.name != 'message_id' %}
            {{ ses_struct_field('mail_struct', column) }} as {{ column.name }},
        {%- endfor %}
        {%- set tags_column = ses_struct_field('mail_struct', {'json': 'tags', 'type': 'string_list_map'}) %}
        {{ ses_tag_value(tags_column, 'ses:configuration-set') }} as configuration_set,
        event_details,
        envelope_type,
        transport_message_id,
        is_legacy_notification,
        raw_record_id,
        file_name,
        loaded_at
    from mail_parsed

)

select * from final
