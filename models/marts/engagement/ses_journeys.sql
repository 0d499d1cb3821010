-- grain: one event per (message_id, recipient) it is attributed to, numbered
-- in time order; ties are broken by SES lifecycle order (send before delivery
-- before open before click), then by event_id, so the order is deterministic.
-- Rebuilt message by message: a late event can renumber a whole journey.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

with recipient_events as (

    select * from {{ ref('int_ses__recipient_events') }}
    where {{ ses_is_changed_message() }}

),

clicks as (

    select
        event_id,
        link,
        user_agent,
        ip_address
    from {{ ref('stg_ses__clicks') }}
    where {{ ses_is_changed_message() }}

),

opens as (

    select
        event_id,
        user_agent,
        ip_address
    from {{ ref('stg_ses__opens') }}
    where {{ ses_is_changed_message() }}

),

deliveries as (

    select
        event_id,
        smtp_response
    from {{ ref('stg_ses__deliveries') }}
    where {{ ses_is_changed_message() }}

),

complaints as (

    select
        event_id,
        complaint_feedback_type,
        user_agent
    from {{ ref('stg_ses__complaints') }}
    where {{ ses_is_changed_message() }}

),

delays as (

    select
        event_id,
        delay_type
    from {{ ref('stg_ses__delivery_delays') }}
    where {{ ses_is_changed_message() }}

),

bounces as (

    select
        event_id,
        bounce_type,
        bounce_sub_type
    from {{ ref('stg_ses__bounces') }}
    where {{ ses_is_changed_message() }}

),

recipient_statuses as (

    -- bounces and delays give a status and diagnostic for each recipient
    select
        event_id,
        {{ ses_unnest('bounced_recipients') }} as recipient_status
    from {{ ref('stg_ses__bounces') }}
    where {{ ses_is_changed_message() }}
    union all
    select
        event_id,
        {{ ses_unnest('delayed_recipients') }} as recipient_status
    from {{ ref('stg_ses__delivery_delays') }}
    where {{ ses_is_changed_message() }}

),

recipient_diagnostics as (

    select
        event_id,
        lower(trim(recipient_status.email_address)) as recipient,
        min(recipient_status.status) as smtp_status,
        min(recipient_status.diagnostic_code) as diagnostic_code
    from recipient_statuses
    group by event_id, lower(trim(recipient_status.email_address))

),

steps as (

    select
        *,
        row_number() over (
            partition by message_id, recipient
            order by event_at, {{ ses_event_class_lifecycle_order('event_class') }}, event_id
        ) as step_number
    from recipient_events

),

timed_steps as (

    select
        *,
        lag(event_at) over (partition by message_id, recipient order by step_number) as previous_step_at
    from steps

),

final as (

    select
        timed_steps.message_id,
        timed_steps.recipient,
        timed_steps.attribution,
        timed_steps.step_number,
        timed_steps.event_id,
        timed_steps.event_class,
        timed_steps.event_at,
        {{ ses_seconds_between('timed_steps.sent_at', 'timed_steps.event_at') }} as seconds_since_send,
        {{ ses_seconds_between('timed_steps.previous_step_at', 'timed_steps.event_at') }}
            as seconds_since_previous_step,
        clicks.link,
        coalesce(opens.user_agent, clicks.user_agent, complaints.user_agent) as user_agent,
        coalesce(opens.ip_address, clicks.ip_address) as ip_address,
        deliveries.smtp_response,
        bounces.bounce_type,
        bounces.bounce_sub_type,
        delays.delay_type,
        complaints.complaint_feedback_type,
        recipient_diagnostics.smtp_status,
        recipient_diagnostics.diagnostic_code,
        timed_steps.loaded_at
    from timed_steps
    left join clicks on timed_steps.event_id = clicks.event_id
    left join opens on timed_steps.event_id = opens.event_id
    left join deliveries on timed_steps.event_id = deliveries.event_id
    left join complaints on timed_steps.event_id = complaints.event_id
    left join delays on timed_steps.event_id = delays.event_id
    left join bounces on timed_steps.event_id = bounces.event_id
    left join recipient_diagnostics
        on
            timed_steps.event_id = recipient_diagnostics.event_id
            and timed_steps.recipient = recipient_diagnostics.recipient

)

select * from final
