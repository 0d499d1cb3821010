-- grain: one distinct SES event (records that could not become an event, and
-- redeliveries of an event already read, left out), with the mail fields all
-- classes share and each type object as parsed, for the per-class models
{{ config(schema=ses_schema('staging')) }}


with records as (

    select * from {{ ref('base_ses__records') }}
    where rejection_reason is null

),

batches as (

    select * from {{ ref('base_ses__batches') }}

),

events as (

    {{ ses_without_redeliveries('records', 'batches') }}

),

final as (

    select
        event_id,
        message_id,
        event_class,
        ses_event_type,
        event_at,
        {%- for field in ses_mail_fields() if field.name != 'message_id' %}
            {{ field.name }},
        {%- endfor %}
        configuration_set,
        {%- for event_type in ses_event_types() if ses_type_object_parsed_fields(event_type) %}
            {{ ses_type_object_column(event_type.event_class) }},
        {%- endfor %}
        is_apple_privacy_open,
        is_image_proxy_open,
        is_scanner_click,
        envelope_type,
        transport_message_id,
        is_legacy_notification,
        raw_record_id,
        file_name,
        loaded_at
    from events

)

select * from final
