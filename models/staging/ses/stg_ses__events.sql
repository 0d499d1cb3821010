-- grain: one distinct SES event (valid records with redeliveries removed),
-- with the mail fields every event class shares

with records as (

    select * from {{ ref('base_ses__records') }}
    where rejection_reason is null and not is_duplicate

),

final as (

    select
        event_id,
        message_id,
        event_class,
        ses_event_type,
        event_at,
        {%- for column in ses_mail_columns() if column.name != 'message_id' %}
            {{ column.name }},
        {%- endfor %}
        configuration_set,
        event_details,
        envelope_type,
        transport_message_id,
        is_legacy_notification,
        raw_record_id,
        file_name,
        loaded_at
    from records

)

select * from final
