-- grain: one distinct Open or Click event, classified as a person or a
-- machine. Machine opens: Apple Mail Privacy Protection's prefetch (a bare
-- Mozilla/5.0 user agent from Apple's addresses) and opens right after the
-- message's first delivery. Image-proxy opens (Gmail, Yahoo) are flagged and
-- stay human. Bot clicks: link scanners by user agent, clicks right after
-- delivery, and several different links of one message within one second.
-- The rules that read a user agent or an IP address are judged in
-- base_ses__records, before those are masked; the rules on time are here.
-- Rebuilt message by message: the first delivery and the other clicks of a
-- message decide how each of its events is classified.
{{ config(
    schema=ses_schema('staging'),
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set events = ref('stg_ses__events') %}
{%- set changed_message = ses_changed_messages('message_id', [events]) %}

with opens as (

    select * from {{ ref('stg_ses__opens') }}
    where {{ changed_message }}

),

clicks as (

    select * from {{ ref('stg_ses__clicks') }}
    where {{ changed_message }}

),

deliveries as (

    select * from {{ ref('stg_ses__deliveries') }}
    where {{ changed_message }}

),

first_deliveries as (

    select
        message_id,
        min(event_at) as delivered_at
    from deliveries
    group by message_id

),

engagement_events as (

    -- clicks first: their link_tags give the column its type
    select
        event_id,
        message_id,
        'click' as event_class,
        event_at,
        sent_at,
        ip_address,
        user_agent,
        link,
        link_tags,
        false as is_apple_privacy_open,
        false as is_image_proxy_open,
        is_scanner_click
    from clicks

    union all

    select
        event_id,
        message_id,
        'open' as event_class,
        event_at,
        sent_at,
        ip_address,
        user_agent,
        cast(null as {{ dbt.type_string() }}) as link,
        null as link_tags,
        is_apple_privacy_open,
        is_image_proxy_open,
        false as is_scanner_click
    from opens

),

timed_events as (

    select
        engagement_events.*,
        first_deliveries.delivered_at,
        {{ ses_seconds_between('first_deliveries.delivered_at', 'engagement_events.event_at') }}
            as seconds_after_delivery
    from engagement_events
    left join first_deliveries
        on engagement_events.message_id = first_deliveries.message_id

),

link_burst_windows as (

    -- each click as the start of a one-second window (both ends included),
    -- kept when the window holds enough different links of its message: a
    -- window holding such links can always be moved to start at its first
    -- click, so these windows find every burst
    select
        window_starts.message_id,
        window_starts.event_at as window_start_at
    from clicks as window_starts
    inner join clicks as window_clicks
        on
            window_starts.message_id = window_clicks.message_id
            and {{ ses_seconds_between('window_starts.event_at', 'window_clicks.event_at') }} between 0 and 1
    group by window_starts.message_id, window_starts.event_at
    having count(distinct window_clicks.link) >= {{ ses_setting('ses_bot_click_burst_links') }}

),

link_burst_clicks as (

    select distinct clicks.event_id
    from clicks
    inner join link_burst_windows
        on
            clicks.message_id = link_burst_windows.message_id
            and {{ ses_seconds_between('link_burst_windows.window_start_at', 'clicks.event_at') }} between 0 and 1

),

rules as (

    -- each rule on its own; an open before the first delivery counts as
    -- right after it, an event of a message with no delivery never does
    select
        timed_events.*,
        timed_events.event_class = 'open'
        and coalesce(timed_events.seconds_after_delivery < {{ ses_setting('ses_machine_open_seconds') }}, false)
            as is_opened_right_after_delivery,
        timed_events.event_class = 'click'
        and coalesce(timed_events.seconds_after_delivery < {{ ses_setting('ses_bot_click_seconds') }}, false)
            as is_clicked_right_after_delivery,
        link_burst_clicks.event_id is not null as is_link_burst_click
    from timed_events
    left join link_burst_clicks
        on timed_events.event_id = link_burst_clicks.event_id

),

classified as (

    select
        *,
        is_apple_privacy_open or is_opened_right_after_delivery as is_machine_open,
        is_scanner_click or is_clicked_right_after_delivery or is_link_burst_click as is_bot_click
    from rules

),

final as (

    select
        event_id,
        message_id,
        event_class,
        event_at,
        sent_at,
        delivered_at,
        seconds_after_delivery,
        ip_address,
        user_agent,
        link,
        link_tags,
        is_machine_open,
        is_image_proxy_open as is_proxy_open,
        is_bot_click,
        not is_machine_open and not is_bot_click as is_human,
        -- the first rule that applies, in this order; null for a plain human event
        case
            when is_apple_privacy_open then 'apple_privacy'
            when is_opened_right_after_delivery then 'opened_right_after_delivery'
            when is_image_proxy_open then 'image_proxy'
            when is_scanner_click then 'scanner_user_agent'
            when is_clicked_right_after_delivery then 'clicked_right_after_delivery'
            when is_link_burst_click then 'link_burst'
        end as engagement_rule,
        {{ ses_run_loaded_at() }} as loaded_at
    from classified

)

select * from final
