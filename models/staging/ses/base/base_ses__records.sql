-- grain: one raw record, unwrapped from its envelope (SNS, EventBridge or none)
-- into one canonical SES record with its mail fields typed, or marked with the
-- reason it cannot be one
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set envelope_fields = [
    {'json': 'Type', 'type': 'varchar'},
    {'json': 'TopicArn', 'type': 'varchar'},
    {'json': 'MessageId', 'type': 'varchar'},
    {'json': 'Message', 'type': 'varchar'},
    {'json': 'source', 'type': 'varchar'},
    {'json': 'id', 'type': 'varchar'},
    {'json': 'detail', 'type': 'json'},
] %}

{#- The whole SES record in one parse: its type, every mail field typed, and
    each possible type object kept as JSON for the per-class models. -#}
{%- set mail_fields = [] %}
{%- for column in ses_mail_columns() %}
    {%- do mail_fields.append(dict(column, json='mail.' ~ column.json)) %}
{%- endfor %}
{%- set ses_record_fields = [
    {'json': 'eventType', 'type': 'varchar'},
    {'json': 'notificationType', 'type': 'varchar'},
    {'json': 'mail.timestamp', 'type': 'varchar'},
] + mail_fields %}
{%- for event_type in ses_event_types() %}
    {%- do ses_record_fields.append({'json': event_type.details_key, 'type': 'json'}) %}
{%- endfor %}

{#- event publishing names the type in eventType, legacy notifications in notificationType -#}
{%- set named_event_type = 'coalesce(ses_record.eventType, ses_record.notificationType)' %}

with raw_records as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        record_text
    from {{ ref('raw_ses_records') }}
    where {{ ses_loaded_since_last_run() }}

),

validated as (

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
    from validated

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

ses_record_texts as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        is_valid_json,
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
            when envelope_type = 'none' then record_text
            when envelope_type = 'eventbridge' then cast(envelope.detail as varchar)
            when envelope_type = 'sns' and {{ ses_is_valid_json('envelope.Message') }} then envelope.Message
        end as ses_record_text
    from unwrapped

),

ses_records as (

    select
        raw_record_id,
        file_name,
        loaded_at,
        envelope_type,
        transport_message_id,
        is_valid_json,
        is_truncated_sns_message,
        ses_record_text is not null as has_ses_record,
        -- no event id in SES: the record's content is its identity, so a
        -- redelivery (Firehose, SNS or EventBridge retry) hashes the same while
        -- a repeat open (another timestamp) does not
        {{ dbt.hash(ses_json_minified('ses_record_text')) }} as event_id,
        {{ ses_json_to_struct('ses_record_text', ses_record_fields) }} as ses_record
    from ses_record_texts

),

classified as (

    select
        *,
        (ses_record.eventType is null and ses_record.notificationType is not null) as is_legacy_notification,
        {{ named_event_type }} as ses_event_type,
        case
            when ses_record.eventType is not null
                then {{ ses_event_class_from_type('ses_record.eventType') }}
            when
                ses_record.notificationType in (
                    {%- for notification_type in ses_legacy_notification_types() -%}
                        '{{ notification_type }}'{{ ', ' if not loop.last }}
                    {%- endfor -%}
                )
                then {{ ses_event_class_from_type('ses_record.notificationType') }}
        end as event_class,
        case
            {%- for event_type in ses_event_types() %}
                when {{ named_event_type }} = '{{ event_type.event_type }}'
                    then {{ ses_json_unquote_object('ses_record."' ~ event_type.details_key ~ '"') }}
            {%- endfor %}
        end as event_details,
        nullif(trim(ses_record.mail.messageId), '') as message_id
    from ses_records

),

timed as (

    select
        *,
        {{ ses_parse_timestamp(
            "coalesce(json_extract_string(event_details, '$.timestamp'), ses_record.mail.timestamp)"
        ) }} as event_at
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
    from timed

),

{%- if is_incremental() %}

events_already_loaded as (

    select distinct event_id from {{ this }}
    where event_id is not null

),
{%- endif %}

flattened as (

    -- flattened before copies are numbered: the numbering sorts whole rows,
    -- and the parsed record they came from is several times their size
    select
        judged.raw_record_id,
        judged.file_name,
        judged.loaded_at,
        judged.envelope_type,
        judged.transport_message_id,
        judged.ses_event_type,
        judged.is_legacy_notification,
        judged.rejection_reason,
        case when judged.rejection_reason is null then judged.event_class end as event_class,
        case when judged.rejection_reason is null then judged.event_id end as event_id,
        case when judged.rejection_reason is null then judged.message_id end as message_id,
        case when judged.rejection_reason is null then judged.event_at end as event_at,
        {#- a rejected record keeps its reason and nothing parsed from it #}
        {%- set valid_ses_record = '(case when judged.rejection_reason is null then judged.ses_record end)' %}
        {%- for column in ses_mail_columns() if column.name != 'message_id' %}
            {{ ses_struct_field(valid_ses_record, dict(column, json='mail.' ~ column.json)) }} as {{ column.name }},
        {%- endfor %}
        {%- set tags_column = ses_struct_field(valid_ses_record, {'json': 'mail.tags', 'type': 'string_list_map'}) %}
        {{ ses_tag_value(tags_column, 'ses:configuration-set') }} as configuration_set,
        case
            when judged.rejection_reason is null then coalesce(judged.event_details, cast('{}' as json))
        end as event_details
    from judged

),

final as (

    select
        *,
        -- the first copy read is the event; later copies, and copies of
        -- events loaded by an earlier run, are redeliveries
        event_id is not null and (
            row_number() over (partition by event_id order by loaded_at, file_name, raw_record_id) > 1
            {%- if is_incremental() %}
                or event_id in (select events_already_loaded.event_id from events_already_loaded)
            {%- endif %}
        ) as is_duplicate
    from flattened

)

select * from final
