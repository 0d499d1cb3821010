-- grain: one (message_id, recipient): every address SES addressed, every
-- recipient an event names, and every requested recipient. Opens, clicks and
-- subscriptions count for a recipient only when the message had exactly one
-- (see int_ses__recipient_events). Rebuilt message by message: those with new
-- events or a changed request.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set changed_requests = 'select message_id from changed_requests' if is_incremental() else none %}

with requests as (

    select
        message_id,
        lower(trim(recipient)) as recipient,
        region,
        request_time
    from {{ ref('stg_internal__ses_requests') }}

),

all_request_recipients as (

    select
        message_id,
        recipient,
        min(region) as region,
        min(request_time) as request_time
    from requests
    group by message_id, recipient

),

{%- if is_incremental() %}

changed_requests as (

    -- requested recipients new since the last run, or whose request changed
    select all_request_recipients.message_id
    from all_request_recipients
    left join {{ this }} as current_recipients
        on
            all_request_recipients.message_id = current_recipients.message_id
            and all_request_recipients.recipient = current_recipients.recipient
            and current_recipients.was_requested
    where
        current_recipients.message_id is null
        or current_recipients.region is distinct from all_request_recipients.region
        or current_recipients.request_time is distinct from all_request_recipients.request_time

),
{%- endif %}

request_recipients as (

    select * from all_request_recipients
    where {{ ses_is_changed_message('message_id', changed_requests) }}

),

message_events as (

    select * from {{ ref('int_ses__recipient_events') }}
    where {{ ses_is_changed_message('message_id', changed_requests) }}

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
    where {{ ses_is_changed_message('message_id', changed_requests) }}

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
        messages_loaded_at.loaded_at
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
