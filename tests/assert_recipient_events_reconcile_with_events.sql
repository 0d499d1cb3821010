-- Recipient attribution reconciles with fct_ses_events under the documented
-- rule: the rows of int_ses__recipient_events (and so the steps of
-- ses_journeys, one per row) are counted here from the events themselves,
-- class by class, for the messages rebuilt this run:
--   listed classes:  one row per distinct listed recipient (one if none)
--   message classes: one row per recipient of the message (one if none known)
--   unnamed classes: one row (to the only recipient, or unattributed)

with attributed_rows as (

    select
        message_id,
        event_class
    from {{ ref('int_ses__recipient_events') }}
    where {{ ses_rows_loaded_this_run() }}

),

changed_messages as (

    select distinct message_id from attributed_rows

),

events as (

    select
        events.event_id,
        events.message_id,
        events.event_class,
        events.event_recipients
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

expected as (

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
        ) as expected_rows
    from events
    left join listed_recipient_counts
        on events.event_id = listed_recipient_counts.event_id
    left join message_recipient_counts
        on events.message_id = message_recipient_counts.message_id
    group by events.event_class

),

actual as (

    select
        event_class,
        count(*) as attributed_rows
    from attributed_rows
    group by event_class

)

select
    coalesce(expected.event_class, actual.event_class) as event_class,
    expected.expected_rows,
    actual.attributed_rows
from expected
full outer join actual
    on expected.event_class = actual.event_class
where coalesce(expected.expected_rows, 0) <> coalesce(actual.attributed_rows, 0)
