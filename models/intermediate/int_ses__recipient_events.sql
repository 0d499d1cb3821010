-- grain: one event per recipient it is attributed to. Events that list their
-- recipients (delivery, bounce, complaint, delivery delay) go to each listed
-- recipient; send, reject and rendering failure concern every recipient of
-- the message; opens, clicks and subscriptions name nobody, so they go to the
-- message's only recipient when it has exactly one, and stay unattributed
-- (recipient null) otherwise. Events with no recipient at all are kept with a
-- null recipient, so every event appears at least once.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set changed_message = ses_is_changed_message() %}

with events as (

    select
        event_id,
        message_id,
        event_class,
        event_at,
        sent_at,
        event_recipients,
        loaded_at
    from {{ ref('fct_ses_events') }}
    where {{ changed_message }}

),

message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}
    where {{ changed_message }}

),

listed_addresses as (

    select
        event_id,
        {{ ses_unnest('event_recipients') }} as address
    from events
    where event_class in {{ ses_event_classes_with_recipient_grain('listed') }}

),

listed as (

    select distinct
        event_id,
        lower(trim(address)) as recipient,
        'listed' as attribution
    from listed_addresses
    where trim(address) <> ''

),

every_recipient as (

    select
        events.event_id,
        message_recipients.recipient,
        'every_recipient' as attribution
    from events
    inner join message_recipients
        on events.message_id = message_recipients.message_id
    where events.event_class in {{ ses_event_classes_with_recipient_grain('message') }}

),

only_recipient as (

    select
        events.event_id,
        message_recipients.recipient,
        'only_recipient' as attribution
    from events
    inner join message_recipients
        on events.message_id = message_recipients.message_id
    where
        events.event_class in {{ ses_event_classes_with_recipient_grain('unnamed') }}
        and message_recipients.message_recipient_count = 1

),

attributed as (

    select * from listed
    union all
    select * from every_recipient
    union all
    select * from only_recipient

),

unattributed as (

    select
        events.event_id,
        cast(null as varchar) as recipient,
        'unattributed' as attribution
    from events
    left join attributed
        on events.event_id = attributed.event_id
    where attributed.event_id is null

),

all_attributions as (

    select * from attributed
    union all
    select * from unattributed

),

final as (

    select
        events.event_id,
        events.message_id,
        all_attributions.recipient,
        all_attributions.attribution,
        events.event_class,
        events.event_at,
        events.sent_at,
        events.loaded_at
    from all_attributions
    inner join events
        on all_attributions.event_id = events.event_id

)

select * from final
