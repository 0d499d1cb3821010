-- grain: one Subscription event, with what the recipient changed: opted out
-- of everything, opted out of a topic, opted in, or nothing, and the
-- recipient when the message had exactly one (Subscription events name
-- nobody; see int_ses__recipient_events). A view: Subscription events are
-- few, and only the marts written whole read it, when they are rewritten.
{{ config(schema=ses_schema('staging'), materialized='view') }}

with subscriptions as (

    select * from {{ ref('stg_ses__subscriptions') }}

),

attributed_recipients as (

    select
        event_id,
        recipient
    from {{ ref('int_ses__recipient_events') }}
    where event_class = 'subscription'

),

new_topics as (

    select
        event_id,
        {{ ses_unnest('new_topic_subscriptions') }} as topic
    from subscriptions

),

old_topics as (

    select
        event_id,
        {{ ses_unnest('old_topic_subscriptions') }} as topic
    from subscriptions

),

topic_changes as (

    -- noqa: disable=RF01
    -- a topic counts as changed against its status before the event; a topic
    -- absent before was subscribed by default
    select
        new_topics.event_id,
        bool_or(
            new_topics.topic.subscription_status = 'OptOut'
            and coalesce(old_topics.topic.subscription_status, 'OptIn') <> 'OptOut'
        ) as has_opted_out_of_topic,
        bool_or(
            new_topics.topic.subscription_status = 'OptIn'
            and old_topics.topic.subscription_status = 'OptOut'
        ) as has_opted_in_to_topic
    from new_topics
    left join old_topics
        on
            new_topics.event_id = old_topics.event_id
            and new_topics.topic.topic_name = old_topics.topic.topic_name
    group by new_topics.event_id
    -- noqa: enable=RF01

),

final as (

    select
        subscriptions.event_id,
        subscriptions.message_id,
        attributed_recipients.recipient,
        subscriptions.event_at,
        subscriptions.contact_list,
        subscriptions.subscription_source,
        case
            when subscriptions.new_unsubscribe_all then 'opt_out_all'
            when topic_changes.has_opted_out_of_topic then 'opt_out_topic'
            when
                topic_changes.has_opted_in_to_topic
                or (subscriptions.old_unsubscribe_all and not subscriptions.new_unsubscribe_all)
                then 'opt_in'
            else 'no_change'
        end as subscription_change,
        coalesce(subscriptions.new_unsubscribe_all or topic_changes.has_opted_out_of_topic, false) as is_opt_out
    from subscriptions
    left join topic_changes
        on subscriptions.event_id = topic_changes.event_id
    left join attributed_recipients
        on subscriptions.event_id = attributed_recipients.event_id

)

select * from final
