-- grain: one message_id: every message that has an SES event or an internal
-- request (a message whose Send never arrived still has its row). Rebuilt
-- message by message: those with new events, changed send-log rows, or that
-- left the send log.
{{ config(
    schema=ses_schema('marts'),
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    pre_hook="{{ ses_delete_removed_messages(ref('int_ses__requests')) }}",
) }}

{%- set events = ref('stg_ses__events') %}
{%- set requests = ref('int_ses__requests') %}
{%- set changed_message = ses_changed_messages('message_id', [events, requests]) %}

{#- Ties between events at the same instant follow SES's lifecycle order
    (send before delivery before open), then event_id. -#}
{%- set step_order = ['event_at', ses_event_class_lifecycle_order('event_class'), 'event_id'] %}

with events as (

    select
        event_id,
        message_id,
        event_class,
        event_at,
        sent_at
    from {{ events }}
    where {{ changed_message }}

),

requests as (

    select * from {{ requests }}
    where {{ changed_message }} and not is_removed

),

message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}
    where {{ changed_message }}

),

mailbox_providers as (

    select * from {{ ref('ses_mailbox_providers') }}

),

human_engagement as (

    -- opens and clicks by people: machine opens and bot clicks left out
    select
        message_id,
        cast(sum(case when event_class = 'open' and is_human then 1 else 0 end) as {{ dbt.type_bigint() }})
            as count_human_opens,
        cast(sum(case when event_class = 'click' and is_human then 1 else 0 end) as {{ dbt.type_bigint() }})
            as count_human_clicks,
        min(case when event_class = 'open' and is_human then event_at end) as first_human_open_at,
        min(case when event_class = 'click' and is_human then event_at end) as first_human_click_at
    from {{ ref('int_ses__engagements') }}
    where {{ changed_message }}
    group by message_id

),

request_totals as (

    select
        message_id,
        min(region) as region,
        min(request_time) as request_time,
        count(distinct recipient) as requested_recipient_count,
        {{ ses_min_by('request_attributes', ['request_time', 'recipient']) }} as request_attributes
    from requests
    group by message_id

),

event_totals as (

    select
        message_id,
        {{ ses_event_class_aggregates('events') }}
        min(sent_at) as sent_at,
        count(*) as count_events,
        max(event_at) as last_event_at,
        -- the Send carries the fullest mail object (other events may lack
        -- headers): mail attributes come from it, else from the earliest event
        {{ ses_min_by('event_id', ["case when event_class = 'send' then 0 else 1 end", 'event_at', 'event_id']) }}
            as mail_event_id,
        {{ ses_ordered_list_agg('event_class', step_order) }} as event_classes_in_order
    from events
    group by message_id

),

mail_attributes as (

    -- joined back by event id rather than carried through the aggregate,
    -- which is several times slower for text and maps
    select
        event_totals.message_id,
        mail_events.source,
        {{ ses_email_domain('mail_events.source') }} as sending_domain,
        {{ ses_tag_value_as_read('mail_events.tags', ses_setting('ses_campaign_tag')) }} as campaign,
        mail_events.subject,
        mail_events.configuration_set,
        mail_events.tags,
        mail_events.sending_account_id
    from event_totals
    inner join {{ events }} as mail_events
        on event_totals.mail_event_id = mail_events.event_id

),

recipient_counts as (

    select
        message_recipients.message_id,
        count(*) as recipient_count,
        array_sort(array_agg(message_recipients.recipient)) as recipients,
        -- one provider for the message when all its recipients share it
        case
            when count(distinct {{ ses_mailbox_provider('mailbox_providers') }}) = 1
                then min({{ ses_mailbox_provider('mailbox_providers') }})
            else 'multiple'
        end as mailbox_provider
    from message_recipients
    left join mailbox_providers
        on {{ ses_email_domain('message_recipients.recipient') }} = mailbox_providers.domain
    group by message_recipients.message_id

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
        mail_attributes.sending_domain,
        mail_attributes.campaign,
        mail_attributes.subject,
        mail_attributes.configuration_set,
        mail_attributes.tags,
        mail_attributes.sending_account_id,
        coalesce(recipient_counts.recipient_count, 0) as recipient_count,
        recipient_counts.recipients,
        recipient_counts.mailbox_provider,
        request_totals.message_id is not null as was_requested,
        request_totals.region,
        request_totals.request_time,
        coalesce(request_totals.requested_recipient_count, 0) as requested_recipient_count,
        request_totals.request_attributes,
        coalesce(event_totals.count_events, 0) as count_events,
        {{ ses_event_class_outcomes('event_totals') }}
        coalesce(human_engagement.count_human_opens, 0) as count_human_opens,
        coalesce(human_engagement.count_human_clicks, 0) as count_human_clicks,
        human_engagement.first_human_open_at,
        human_engagement.first_human_click_at,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_delivery_at') }}
            as seconds_to_first_delivery,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_open_at') }} as seconds_to_first_open,
        {{ ses_seconds_between('event_totals.sent_at', 'event_totals.first_click_at') }} as seconds_to_first_click,
        event_totals.last_event_at,
        -- consecutive repeats (open>open) collapse into one step of the path
        {{ ses_join_collapsing_repeats('event_totals.event_classes_in_order', "'>'") }} as journey_path,  -- noqa: RF02
        coalesce(
            {{ ses_lifecycle_status(ses_list_last('event_totals.event_classes_in_order')) }}, 'requested'
        ) as latest_status,
        {{ ses_run_loaded_at() }} as loaded_at
    from message_ids
    left join event_totals
        on message_ids.message_id = event_totals.message_id
    left join recipient_counts
        on message_ids.message_id = recipient_counts.message_id
    left join request_totals
        on message_ids.message_id = request_totals.message_id
    left join mail_attributes
        on message_ids.message_id = mail_attributes.message_id
    left join human_engagement
        on message_ids.message_id = human_engagement.message_id

)

select * from final
