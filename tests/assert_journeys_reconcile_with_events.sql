-- Journey rows reconcile with fct_ses_events under the documented attribution
-- rule, counted here from the events themselves, class by class, for the
-- messages that got an event this run:
--   listed classes:  one row per distinct listed recipient (one if none)
--   message classes: one row per recipient of the message (one if none known)
--   unnamed classes: one row (to the only recipient, or unattributed)

with changed_messages as (

    -- the messages that got an event this run: their journeys changed
    select distinct message_id
    from {{ ref('stg_ses__events') }}
    where {{ ses_rows_loaded_this_run() }}

),

journey_rows as (

    select
        journeys.message_id,
        journeys.event_class
    from {{ ref('ses_journeys') }} as journeys
    inner join changed_messages
        on journeys.message_id = changed_messages.message_id

),

events as (

    select events.*
    from {{ ref('fct_ses_events') }} as events
    inner join changed_messages
        on events.message_id = changed_messages.message_id

),

message_recipient_counts as (

    select
        message_id,
        count(*) as recipient_count
    from {{ ref('int_ses__message_recipients') }}
    group by message_id

),

listed_recipients as (

    select
        event_id,
        {{ ses_unnest('event_recipients') }} as address
    from events
    where event_class in {{ ses_event_classes_with_recipient_grain('listed') }}

),

listed_recipient_counts as (

    select
        event_id,
        count(distinct lower(trim(address))) as recipient_count
    from listed_recipients
    where trim(address) <> ''
    group by event_id

),

expected_rows as (

    select
        events.event_class,
        sum(
            case
                when events.event_class in {{ ses_event_classes_with_recipient_grain('listed') }}
                    then coalesce(listed_recipient_counts.recipient_count, 1)
                when events.event_class in {{ ses_event_classes_with_recipient_grain('message') }}
                    then coalesce(message_recipient_counts.recipient_count, 1)
                else 1
            end
        ) as expected_journey_rows
    from events
    left join listed_recipient_counts
        on events.event_id = listed_recipient_counts.event_id
    left join message_recipient_counts
        on events.message_id = message_recipient_counts.message_id
    group by events.event_class

),

actual_rows as (

    select
        event_class,
        count(*) as journey_rows
    from journey_rows
    group by event_class

)

select
    coalesce(expected_rows.event_class, actual_rows.event_class) as event_class,
    expected_rows.expected_journey_rows,
    actual_rows.journey_rows
from expected_rows
full outer join actual_rows
    on expected_rows.event_class = actual_rows.event_class
where coalesce(expected_rows.expected_journey_rows, 0) <> coalesce(actual_rows.journey_rows, 0)
