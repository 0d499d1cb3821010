-- grain: one (message_id, recipient): every address SES addressed, every
-- recipient an event names, and every requested recipient. Opens, clicks and
-- subscriptions count for a recipient only when the message had exactly one
-- (see int_ses__recipient_events). Rebuilt message by message: those with new
-- events or changed send-log rows.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set changed_message = ses_is_changed_message('message_id', include_requests=true) %}

with requests as (

    select
        message_id,
        lower(trim(recipient)) as recipient,
        region,
        request_time,
        loaded_at
    from {{ ref('int_ses__requests') }}
    where {{ changed_message }}

),

request_recipients as (

    select
        message_id,
        recipient,
        min(region) as region,
        min(request_time) as request_time,
        max(loaded_at) as loaded_at
    from requests
    group by message_id, recipient

),

message_events as (

    select * from {{ ref('int_ses__recipient_events') }}
    where {{ changed_message }}

),

recipient_events as (

    select * from message_events
    where recipient is not null

),

messages_loaded_at as (

    select
        message_id,
        max(loaded_at) as loaded_at
    from message_events
    group by message_id

),

message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}
    where {{ changed_message }}

),

recipient_totals as (

    select
        recipient_events.message_id,
        recipient_events.recipient,
        {{ ses_event_class_aggregates('recipient_events') }}
        count(*) as count_events
    from recipient_events
    group by recipient_events.message_id, recipient_events.recipient

),

recipient_keys as (

    select
        message_id,
        recipient
    from recipient_totals
    union
    select
        message_id,
        recipient
    from message_recipients
    union
    select
        message_id,
        recipient
    from request_recipients

),

final as (

    select
        recipient_keys.message_id,
        recipient_keys.recipient,
        message_recipients.message_id is not null as was_addressed,
        request_recipients.message_id is not null as was_requested,
        request_recipients.region,
        request_recipients.request_time,
        {{ ses_event_class_outcomes('recipient_totals') }}
        coalesce(recipient_totals.count_events, 0) as count_events,
        {{ ses_latest_loaded_at('messages_loaded_at.loaded_at', 'request_recipients.loaded_at') }} as loaded_at
    from recipient_keys
    left join recipient_totals
        on
            recipient_keys.message_id = recipient_totals.message_id
            and recipient_keys.recipient = recipient_totals.recipient
    left join message_recipients
        on
            recipient_keys.message_id = message_recipients.message_id
            and recipient_keys.recipient = message_recipients.recipient
    left join request_recipients
        on
            recipient_keys.message_id = request_recipients.message_id
            and recipient_keys.recipient = request_recipients.recipient
    left join messages_loaded_at
        on recipient_keys.message_id = messages_loaded_at.message_id

)

select * from final
