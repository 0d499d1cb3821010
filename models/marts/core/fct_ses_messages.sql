-- grain: one message_id: every message that has an SES event or an internal
-- request (a message whose Send never arrived still has its row). Rebuilt
-- message by message: those with new events or changed send-log rows.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set changed_message = ses_is_changed_message('message_id', include_requests=true) %}

with requests as (

    select * from {{ ref('int_ses__requests') }}
    where {{ changed_message }}

),

request_totals as (

    select
        message_id,
        min(region) as region,
        min(request_time) as request_time,
        count(distinct recipient) as requested_recipient_count,
        {{ ses_arg_min('request_attributes', ['request_time', 'recipient']) }} as request_attributes,
        max(loaded_at) as loaded_at
    from requests
    group by message_id

),

events as (

    select
        event_id,
        message_id,
        event_class,
        event_at,
        sent_at,
        loaded_at
    from {{ ref('fct_ses_events') }}
    where {{ changed_message }}

),

message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}
    where {{ changed_message }}

),

ordered_events as (

    select
        message_id,
        event_class,
        row_number() over message_steps as step_number,
        lag(event_class) over message_steps as previous_event_class
    from events
    window message_steps as (
        partition by message_id
        order by event_at, {{ ses_event_class_lifecycle_order('event_class') }}, event_id
    )

),

{%- set send_first = ["case when event_class = 'send' then 0 else 1 end", 'event_at', 'event_id'] %}
{%- set latest_first = ['event_at', ses_event_class_lifecycle_order('event_class'), 'event_id'] %}

event_totals as (

    select
        message_id,
        {{ ses_event_class_aggregates('events') }}
        -- the Send carries the fullest mail object; other events may lack headers
        {{ ses_arg_min('event_id', send_first) }} as mail_event_id,
        {{ ses_arg_max('event_class', latest_first) }} as latest_event_class,
        min(sent_at) as sent_at,
        count(*) as count_events,
        max(event_at) as last_event_at,
        max(loaded_at) as loaded_at
    from events
    group by message_id

),

mail_attributes as (

    -- attributes of one event per message, joined back rather than aggregated:
    -- carrying maps through an aggregate is slow
    select
        event_totals.message_id,
        mail_events.source,
        mail_events.subject,
        mail_events.configuration_set,
        mail_events.tags,
        mail_events.account as sending_account_id
    from event_totals
    inner join {{ ref('fct_ses_events') }} as mail_events
        on event_totals.mail_event_id = mail_events.event_id

),

journeys as (

    -- consecutive repeats (open>open) collapse into one step of the path
    select
        message_id,
        {{ dbt.listagg('event_class', "'>'", 'order by step_number') }} as journey_path
    from ordered_events
    where previous_event_class is null or previous_event_class <> event_class
    group by message_id

),

recipient_counts as (

    select
        message_id,
        count(*) as recipient_count,
        {{ ses_sorted_list_agg('recipient') }} as recipients
    from message_recipients
    group by message_id

),

message_ids as (

    select message_id from event_totals
    union
    select message_id from request_totals

),

final as (

    select
        message_ids.message_id,
        event_totals.sent_at,
        mail_attributes.source,
        mail_attributes.subject,
        mail_attributes.configuration_set,
        mail_attributes.tags,
        mail_attributes.sending_account_id,
        coalesce(recipient_counts.recipient_count, 0) as recipient_count,
        recipient_counts.recipients,
        request_totals.message_id is not null as was_requested,
        request_totals.region,
        request_totals.request_time,
        coalesce(request_totals.requested_recipient_count, 0) as requested_recipient_count,
        request_totals.request_attributes,
        coalesce(event_totals.count_events, 0) as count_events,
        {{ ses_event_class_outcomes('event_totals') }}
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_delivery_at') }}
            as seconds_to_first_delivery,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_open_at') }} as seconds_to_first_open,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_click_at') }} as seconds_to_first_click,
        event_totals.last_event_at,
        journeys.journey_path,
        coalesce({{ ses_lifecycle_status('event_totals.latest_event_class') }}, 'requested') as latest_status,
        {{ ses_latest_loaded_at('event_totals.loaded_at', 'request_totals.loaded_at') }} as loaded_at
    from message_ids
    left join event_totals
        on message_ids.message_id = event_totals.message_id
    left join mail_attributes
        on message_ids.message_id = mail_attributes.message_id
    left join recipient_counts
        on message_ids.message_id = recipient_counts.message_id
    left join request_totals
        on message_ids.message_id = request_totals.message_id
    left join journeys
        on message_ids.message_id = journeys.message_id

)

select * from final
