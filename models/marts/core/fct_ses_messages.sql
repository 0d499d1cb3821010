-- grain: one message_id: every message that has an SES event or an internal
-- request (a message whose Send never arrived still has its row)

with events as (

    select * from {{ ref('fct_ses_events') }}

),

requests as (

    select * from {{ ref('stg_internal__ses_requests') }}

),

message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}

),

ordered_events as (

    select
        message_id,
        event_id,
        event_class,
        event_at,
        row_number() over (
            partition by message_id
            order by event_at, {{ ses_event_class_lifecycle_order('event_class') }}, event_id
        ) as step_number
    from events

),

event_totals as (

    select
        message_id,
        min(sent_at) as sent_at,
        {{ ses_event_class_aggregates('events') }}
        count(*) as count_events,
        max(event_at) as last_event_at
    from events
    group by message_id

),

mail_attributes as (

    -- the Send carries the fullest mail object; other events may lack headers
    select
        message_id,
        source,
        subject,
        configuration_set,
        tags,
        account as sending_account_id,
        row_number() over (
            partition by message_id
            order by case when event_class = 'send' then 0 else 1 end, event_at, event_id
        ) as attribute_rank
    from events

),

journey_steps as (

    select
        message_id,
        event_class,
        step_number,
        lag(event_class) over (partition by message_id order by step_number) as previous_event_class
    from ordered_events

),

journeys as (

    -- consecutive repeats (open>open) collapse into one step of the path
    select
        message_id,
        {{ dbt.listagg('event_class', "'>'", 'order by step_number') }} as journey_path
    from journey_steps
    where previous_event_class is null or previous_event_class <> event_class
    group by message_id

),

latest_events as (

    select
        message_id,
        event_class as latest_event_class,
        row_number() over (partition by message_id order by step_number desc) as recency_rank
    from ordered_events

),

recipient_counts as (

    select
        message_id,
        count(*) as recipient_count,
        {{ ses_sorted_list_agg('recipient') }} as recipients
    from message_recipients
    group by message_id

),

first_request_rows as (

    select
        *,
        row_number() over (partition by message_id order by request_time, recipient) as request_rank
    from requests

),

request_totals as (

    select
        message_id,
        min(region) as region,
        min(request_time) as request_time,
        count(distinct recipient) as requested_recipient_count
    from requests
    group by message_id

),

request_attributes as (

    select
        message_id,
        {{ ses_columns_as_string_map(ses_request_attribute_columns()) }} as request_attributes
    from first_request_rows
    where request_rank = 1

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
        request_attributes.request_attributes,
        coalesce(event_totals.count_events, 0) as count_events,
        {{ ses_event_class_outcomes('event_totals') }}
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_delivery_at') }}
            as seconds_to_first_delivery,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_open_at') }} as seconds_to_first_open,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_click_at') }} as seconds_to_first_click,
        event_totals.last_event_at,
        journeys.journey_path,
        coalesce({{ ses_lifecycle_status('latest_events.latest_event_class') }}, 'requested') as latest_status
    from message_ids
    left join event_totals
        on message_ids.message_id = event_totals.message_id
    left join mail_attributes
        on message_ids.message_id = mail_attributes.message_id and mail_attributes.attribute_rank = 1
    left join recipient_counts
        on message_ids.message_id = recipient_counts.message_id
    left join request_totals
        on message_ids.message_id = request_totals.message_id
    left join request_attributes
        on message_ids.message_id = request_attributes.message_id
    left join journeys
        on message_ids.message_id = journeys.message_id
    left join latest_events
        on message_ids.message_id = latest_events.message_id and latest_events.recency_rank = 1

)

select * from final
