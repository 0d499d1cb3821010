-- grain: one raw record, unwrapped from its envelope (SNS, EventBridge or none)
-- into one canonical SES record, or marked with the reason it cannot be one

{%- set envelope_fields = [
    {'name': 'sns_type', 'json': 'Type', 'type': 'varchar'},
    {'name': 'sns_topic_arn', 'json': 'TopicArn', 'type': 'varchar'},
    {'name': 'sns_message_id', 'json': 'MessageId', 'type': 'varchar'},
    {'name': 'sns_message', 'json': 'Message', 'type': 'varchar'},
    {'name': 'eventbridge_source', 'json': 'source', 'type': 'varchar'},
    {'name': 'eventbridge_id', 'json': 'id', 'type': 'varchar'},
    {'name': 'eventbridge_detail', 'json': 'detail', 'type': 'json'},
] %}

{%- set ses_record_fields = [
    {'name': 'event_type', 'json': 'eventType', 'type': 'varchar'},
    {'name': 'notification_type', 'json': 'notificationType', 'type': 'varchar'},
    {'name': 'mail', 'json': 'mail', 'type': 'json'},
] %}
{%- for event_type in ses_event_types() %}
    {%- do ses_record_fields.append({'name': event_type.details_key, 'json': event_type.details_key, 'type': 'json'}) %}
{%- endfor %}

{#- event publishing names the type in eventType, legacy notifications in notificationType -#}
{%- set named_event_type = 'coalesce(ses_record_struct.eventType, ses_record_struct.notificationType)' %}

with raw_records as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        record_text
    from {{ ref('raw_ses_records') }}

),

parsed as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        record_text,
        {{ ses_is_valid_json('record_text') }} as is_valid_json
    from raw_records

),

envelopes as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        record_text,
        is_valid_json,
        case when is_valid_json then {{ ses_json_to_struct('record_text', envelope_fields) }} end as envelope
    from parsed

),

unwrapped as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        record_text,
        is_valid_json,
        envelope,
        case
            when not is_valid_json then null
            when envelope.source = 'aws.ses' and envelope.detail is not null then 'eventbridge'
            when envelope.Type is not null and envelope.TopicArn is not null then 'sns'
            else 'none'
        end as envelope_type
    from envelopes

),

ses_records as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        case envelope_type
            when 'sns' then envelope.MessageId
            when 'eventbridge' then envelope.id
        end as transport_message_id,
        -- an SNS Message that is not JSON is a notice, not an event, unless it
        -- plainly tried to be JSON and was cut short
        (
            envelope_type = 'sns'
            and not coalesce({{ ses_is_valid_json('envelope.Message') }}, false)
            and left(ltrim(envelope.Message), 1) = '{'
        ) as is_truncated_sns_message,
        case
            when envelope_type = 'none' then cast(record_text as json)
            when envelope_type = 'eventbridge' then envelope.detail
            when envelope_type = 'sns' and {{ ses_is_valid_json('envelope.Message') }}
                then cast(envelope.Message as json)
        end as ses_record,
        is_valid_json
    from unwrapped

),

ses_record_fields as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        transport_message_id,
        is_valid_json,
        is_truncated_sns_message,
        ses_record is not null as has_ses_record,
        {{ ses_json_to_struct('ses_record', ses_record_fields) }} as ses_record_struct
    from ses_records

),

classified as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        transport_message_id,
        is_valid_json,
        is_truncated_sns_message,
        has_ses_record,
        (
            ses_record_struct.eventType is null
            and ses_record_struct.notificationType is not null
        ) as is_legacy_notification,
        {{ named_event_type }} as ses_event_type,
        ses_record_struct.mail,
        case
            when ses_record_struct.eventType is not null
                then {{ ses_event_class_from_type('ses_record_struct.eventType') }}
            when
                ses_record_struct.notificationType in (
                    {%- for notification_type in ses_legacy_notification_types() -%}
                        '{{ notification_type }}'{{ ', ' if not loop.last }}
                    {%- endfor -%}
                )
                then {{ ses_event_class_from_type('ses_record_struct.notificationType') }}
        end as event_class,
        case
            {%- for event_type in ses_event_types() %}
                when {{ named_event_type }} = '{{ event_type.event_type }}'
                    then {{ ses_json_unquote_object('ses_record_struct."' ~ event_type.details_key ~ '"') }}
            {%- endfor %}
        end as event_details
    from ses_record_fields

),

keyed as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        transport_message_id,
        is_valid_json,
        is_truncated_sns_message,
        has_ses_record,
        is_legacy_notification,
        ses_event_type,
        event_class,
        mail,
        event_details,
        nullif(trim(json_extract_string(mail, '$.messageId')), '') as message_id,
        {{ ses_parse_timestamp(
            "coalesce(json_extract_string(event_details, '$.timestamp'), json_extract_string(mail, '$.timestamp'))"
        ) }} as event_at,
        -- no event id in SES: the record's content is its identity, so a
        -- redelivery (Firehose retry, SNS retry, EventBridge retry) hashes the
        -- same while a repeat open (another timestamp) does not
        {{ dbt.hash(dbt.concat([
            'ses_event_type', "'|'",
            ses_json_minified('mail'), "'|'",
            "coalesce(" ~ ses_json_minified('event_details') ~ ", '')"
        ])) }} as event_id
    from classified

),

judged as (

    select
        *,
        case
            when not is_valid_json or is_truncated_sns_message then 'invalid_json'
            when not has_ses_record or ses_event_type is null then 'not_an_ses_event'
            when is_legacy_notification and ses_event_type like 'AmazonSns%' then 'not_an_ses_event'
            when event_class is null then 'unknown_event_type'
            when message_id is null then 'missing_message_id'
            when event_details is null and event_class <> 'send' then 'missing_event_details'
            when event_at is null then 'invalid_timestamp'
        end as rejection_reason
    from keyed

),

final as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        transport_message_id,
        ses_event_type,
        is_legacy_notification,
        rejection_reason,
        case when rejection_reason is null then event_class end as event_class,
        case when rejection_reason is null then event_id end as event_id,
        case when rejection_reason is null then message_id end as message_id,
        case when rejection_reason is null then event_at end as event_at,
        case when rejection_reason is null then mail end as mail,
        case when rejection_reason is null then coalesce(event_details, cast('{}' as json)) end as event_details,
        -- the first copy read is the event; later copies are redeliveries
        coalesce(
            rejection_reason is null
            and row_number() over (
                partition by case when rejection_reason is null then event_id end
                order by loaded_at, file_name, raw_record_id
            ) > 1,
            false
        ) as is_duplicate
    from judged

)

select * from final
