-- grain: one distinct Open or Click event, classified as a person or a
-- machine. Machine opens: Apple Mail Privacy Protection's prefetch (a bare
-- Mozilla/5.0 user agent from Apple's addresses) and opens right after the
-- message's first delivery. Image-proxy opens (Gmail, Yahoo) are flagged and
-- stay human. Bot clicks: link scanners by user agent, clicks right after
-- delivery, and several different links of one message within one second.
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

apple_privacy_ranges as (

    select * from {{ ref('ses_apple_privacy_ranges') }}

),

link_scanner_user_agents as (

    select * from {{ ref('ses_link_scanner_user_agents') }}

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
        link_tags
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
        null as link_tags
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

apple_privacy_blocks as (

    -- a block that does not parse (an IPv6 range, a typo) gives nulls and
    -- matches nothing; warn_on_unusable_apple_privacy_ranges names it
    select
        {{ ses_ipv4_cidr_address('cidr', 'first') }} as first_address,
        {{ ses_ipv4_cidr_address('cidr', 'last') }} as last_address
    from apple_privacy_ranges

),

bare_user_agent_opens as (

    select
        event_id,
        {{ ses_ipv4_to_integer('ip_address') }} as ip_address_number
    from opens
    -- Apple Mail Privacy Protection's user agent, exactly
    where user_agent = 'Mozilla/5.0'

),

apple_privacy_opens as (

    select distinct bare_user_agent_opens.event_id
    from bare_user_agent_opens
    inner join apple_privacy_blocks
        on
            bare_user_agent_opens.ip_address_number
            between apple_privacy_blocks.first_address and apple_privacy_blocks.last_address

),

scanner_clicks as (

    -- a pattern anywhere in the user agent, in any case (position, not like:
    -- a pattern's _ or % is text)
    select distinct clicks.event_id
    from clicks
    inner join link_scanner_user_agents
        on
            position(lower(link_scanner_user_agents.user_agent_pattern) in lower(clicks.user_agent)) > 0
            and trim(link_scanner_user_agents.user_agent_pattern) <> ''

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
        apple_privacy_opens.event_id is not null as is_apple_privacy_open,
        timed_events.event_class = 'open'
        and coalesce(timed_events.seconds_after_delivery < {{ ses_setting('ses_machine_open_seconds') }}, false)
            as is_opened_right_after_delivery,
        -- Gmail's and Yahoo Mail's image proxies, as the providers write them
        timed_events.event_class = 'open'
        and coalesce(
            timed_events.user_agent like '%GoogleImageProxy%'
            or timed_events.user_agent like '%YahooMailProxy%',
            false
        ) as is_image_proxy_open,
        scanner_clicks.event_id is not null as is_scanner_click,
        timed_events.event_class = 'click'
        and coalesce(timed_events.seconds_after_delivery < {{ ses_setting('ses_bot_click_seconds') }}, false)
            as is_clicked_right_after_delivery,
        link_burst_clicks.event_id is not null as is_link_burst_click
    from timed_events
    left join apple_privacy_opens
        on timed_events.event_id = apple_privacy_opens.event_id
    left join scanner_clicks
        on timed_events.event_id = scanner_clicks.event_id
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
