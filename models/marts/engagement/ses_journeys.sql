-- grain: one event per (message_id, recipient) it is attributed to, numbered
-- in time order; ties are broken by SES lifecycle order (send before delivery
-- before open before click), then by event_id, so the order is deterministic.
-- A view: a late event renumbers its journey with nothing to rebuild, and a
-- query for some messages numbers only theirs (the filter reaches below the
-- numbering, which is per message).
{{ config(schema=ses_schema('marts'), materialized='view') }}

with recipient_events as (

    select * from {{ ref('int_ses__recipient_events') }}

),

steps as (

    select
        *,
        row_number() over recipient_steps as step_number,
        lag(event_at) over recipient_steps as previous_step_at
    from recipient_events
    window recipient_steps as (
        partition by message_id, recipient
        order by event_at, {{ ses_event_class_lifecycle_order('event_class') }}, event_id
    )

),

final as (

    select
        message_id,
        recipient,
        attribution,
        step_number,
        event_id,
        event_class,
        event_at,
        {{ ses_seconds_between('sent_at', 'event_at') }} as seconds_since_send,
        {{ ses_seconds_between('previous_step_at', 'event_at') }} as seconds_since_previous_step,
        link,
        user_agent,
        ip_address,
        smtp_response,
        bounce_type,
        bounce_sub_type,
        delay_type,
        complaint_feedback_type,
        smtp_status,
        diagnostic_code,
        loaded_at
    from steps

)

select * from final
