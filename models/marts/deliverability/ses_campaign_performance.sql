-- grain: one campaign (the ses_campaign_tag tag; null for mail without it)
-- x configuration set: the daily deliverability figures summed over every
-- day, sending domain and mailbox provider, their rates by the same
-- definitions, and how soon after sending people opened and clicked.
{{ config(schema=ses_schema('marts'), meta={
    'rebuilt_from': ['ses_deliverability_daily', 'fct_ses_messages'],
    'settings': [],
}) }}

{%- set summed_figures = ses_deliverability_figures() | map('first') | list %}

with daily as (

    select * from {{ ref('ses_deliverability_daily') }}

),

messages as (

    select * from {{ ref('fct_ses_messages') }}
    where sent_at is not null

),

campaign_totals as (

    -- noqa: disable=LT02
    select
        campaign,
        configuration_set,
        min(sent_date) as first_sent_date,
        max(sent_date) as last_sent_date,
        {%- for figure in summed_figures %}
        cast(sum({{ figure }}) as {{ dbt.type_bigint() }}) as {{ figure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from daily
    group by campaign, configuration_set
    -- noqa: enable=LT02

),

response_times as (

    select
        campaign,
        configuration_set,
        median(seconds_to_first_open) as median_seconds_to_first_open,
        median(seconds_to_first_click) as median_seconds_to_first_click,
        median({{ ses_seconds_between('sent_at', 'first_human_open_at') }}) as median_seconds_to_first_human_open,
        median({{ ses_seconds_between('sent_at', 'first_human_click_at') }}) as median_seconds_to_first_human_click
    from messages
    group by campaign, configuration_set

),

final as (

    select
        campaign_totals.*,
        {{ ses_deliverability_rates('campaign_totals') }}
        response_times.median_seconds_to_first_open,
        response_times.median_seconds_to_first_click,
        response_times.median_seconds_to_first_human_open,
        response_times.median_seconds_to_first_human_click,
        {{ ses_rebuild_columns() }}
    from campaign_totals
    left join response_times
        on
            campaign_totals.campaign is not distinct from response_times.campaign
            and campaign_totals.configuration_set is not distinct from response_times.configuration_set

)

select * from final
where {{ ses_rebuild_filter() }}
