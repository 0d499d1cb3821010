-- grain: one UTC day x scope: the whole account, and each configuration set.
-- The hard-bounce and complaint rates by Amazon SES's reputation rules over a
-- trailing window standing in for AWS's "representative volume": the last
-- ses_reputation_window_sends sends up to the end of the day, sent within
-- the last ses_reputation_window_days days. AWS's own figures cannot be
-- reproduced exactly (it does not publish its window): these are early
-- warnings. Every day from the scope's first send to the last day with any
-- send has its row, days without sends included.
{{ config(schema=ses_schema('marts'), meta={
    'rebuilt_from': ['fct_ses_messages', 'fct_ses_message_recipients'],
    'settings': [
        'ses_reputation_window_sends',
        'ses_reputation_window_days',
        'ses_reputation_thresholds',
        'ses_other_providers_send_complaint_feedback',
    ],
}) }}

{%- set thresholds = ses_setting('ses_reputation_thresholds') %}
{%- set window_days = ses_setting('ses_reputation_window_days') %}
{%- set window_sends = ses_setting('ses_reputation_window_sends') %}
{%- set cumulative_figures = ['hard_bounces', 'complaints', 'complaint_feedback_sends'] %}

{#- the days to report on, read while the model compiles: the date spine
    needs them as constants -#}
{%- set first_day, day_after_last = 'current_date', 'current_date' %}
{%- if execute %}
    {%- set send_days_query -%}
        select min(cast(sent_at as date)), max(cast(sent_at as date))
        from {{ ref('fct_ses_messages') }}
    {%- endset %}
    {%- set send_days = [none] %}
    {%- if load_relation(ref('fct_ses_messages')) is not none %}
        {%- set send_days = run_query(send_days_query).rows[0] %}
    {%- endif %}
    {%- if send_days[0] is not none %}
        {%- set first_day = "cast('" ~ send_days[0] ~ "' as date)" %}
        {%- set day_after_last = dbt.dateadd('day', 1, "cast('" ~ send_days[1] ~ "' as date)") %}
    {%- endif %}
{%- endif %}

with messages as (

    select
        message_id,
        sent_at,
        configuration_set
    from {{ ref('fct_ses_messages') }}
    where sent_at is not null

),

recipient_sends as (

    -- every recipient a Send was published for, but the mailbox simulator's:
    -- AWS leaves simulator mail out of reputation
    select
        message_recipients.message_id,
        message_recipients.recipient,
        messages.sent_at,
        messages.configuration_set,
        -- hard bounces count but those of addresses on the account's own
        -- suppression list (SES never sent to them)
        case
            when message_recipients.was_bounced_permanently and not message_recipients.was_bounced_on_suppression_list
                then 1
            else 0
        end as hard_bounces,
        case
            when message_recipients.was_complained and not message_recipients.was_complained_on_suppression_list
                then 1
            else 0
        end as complaints,
        -- complaints can only come from providers that report them
        case
            when {{ ses_sends_complaint_feedback('message_recipients.sends_complaint_feedback') }} then 1
            else 0
        end as complaint_feedback_sends
    from {{ ref('fct_ses_message_recipients') }} as message_recipients
    inner join messages
        on message_recipients.message_id = messages.message_id
    where message_recipients.was_sent and message_recipients.mailbox_provider <> 'mailbox_simulator'

),

scoped_sends as (

    -- each send twice: once for the account, once for its configuration set
    -- noqa: disable=LT02
    {%- for scope in ['account', 'configuration_set'] %}
    select
        '{{ scope }}' as scope,
        {%- if scope == 'account' %}
        cast(null as {{ dbt.type_string() }}) as configuration_set,
        'account' as scope_id,
        {%- else %}
        configuration_set,
        'configuration_set:' || coalesce(configuration_set, '') as scope_id,
        {%- endif %}
        message_id,
        recipient,
        sent_at,
        hard_bounces,
        complaints,
        complaint_feedback_sends
    from recipient_sends
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    -- noqa: enable=LT02

),

numbered_sends as (

    -- running totals in send order: any window's figures are a difference
    -- noqa: disable=LT02
    select
        scope_id,
        cast(sent_at as date) as sent_date,
        row_number() over (partition by scope_id order by sent_at, message_id, recipient) as send_number,
        {%- for figure in cumulative_figures %}
        sum({{ figure }}) over (
            partition by scope_id order by sent_at, message_id, recipient rows unbounded preceding
        ) as cumulative_{{ figure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from scoped_sends
    -- noqa: enable=LT02

),

scopes as (

    select
        scope_id,
        min(scope) as scope,
        min(configuration_set) as configuration_set,
        min(cast(sent_at as date)) as first_send_date
    from scoped_sends
    group by scope_id

),

days as (

    -- noqa: disable=LT09
    {{ dbt.date_spine('day', first_day, day_after_last) }}
    -- noqa: enable=LT09

),

scope_days as (

    select
        scopes.scope_id,
        scopes.scope,
        scopes.configuration_set,
        cast(days.date_day as date) as report_date
    from scopes
    inner join days
        on cast(days.date_day as date) >= scopes.first_send_date

),

daily_sends as (

    select
        scope_id,
        sent_date,
        count(*) as count_sends,
        max(send_number) as last_send_number
    from numbered_sends
    group by scope_id, sent_date

),

send_numbers as (

    -- the last send number up to the end of each day, and up to the end of
    -- the day before the window's first day
    select
        scope_days.*,
        coalesce(daily_sends.count_sends, 0) as count_sends,
        coalesce(max(daily_sends.last_send_number) over (
            partition by scope_days.scope_id order by scope_days.report_date rows unbounded preceding
        ), 0) as last_send_number
    from scope_days
    left join daily_sends
        on
            scope_days.scope_id = daily_sends.scope_id
            and scope_days.report_date = daily_sends.sent_date

),

windows as (

    select
        current_day.*,
        -- the window starts after this send number: the later of the send
        -- ses_reputation_window_sends back and the last send before its days
        greatest(
            current_day.last_send_number - {{ window_sends }},
            coalesce(before_window.last_send_number, 0)
        ) as window_start_number
    from send_numbers as current_day
    left join send_numbers as before_window
        on
            current_day.scope_id = before_window.scope_id
            and before_window.report_date
            = cast({{ dbt.dateadd('day', -window_days, 'current_day.report_date') }} as date)

),

window_figures as (

    select
        windows.scope,
        windows.configuration_set,
        windows.scope_id,
        windows.report_date,
        windows.count_sends,
        windows.last_send_number - windows.window_start_number as window_sends,
        -- noqa: disable=LT02
        {%- for figure in cumulative_figures %}
        coalesce(window_end.cumulative_{{ figure }}, 0) - coalesce(window_start.cumulative_{{ figure }}, 0)
            as window_{{ figure }},
        {%- endfor %}
        -- noqa: enable=LT02
        windows.window_start_number
    from windows
    left join numbered_sends as window_end
        on
            windows.scope_id = window_end.scope_id
            and windows.last_send_number = window_end.send_number
    left join numbered_sends as window_start
        on
            windows.scope_id = window_start.scope_id
            and windows.window_start_number = window_start.send_number

),

rates as (

    select
        *,
        {{ ses_safe_divide('window_hard_bounces', 'window_sends') }} as bounce_rate,
        {{ ses_safe_divide('window_complaints', 'window_complaint_feedback_sends') }} as complaint_rate
    from window_figures

),

final as (

    select
        report_date,
        scope,
        configuration_set,
        count_sends,
        cast(window_sends as {{ dbt.type_bigint() }}) as window_sends,
        cast(window_hard_bounces as {{ dbt.type_bigint() }}) as window_hard_bounces,
        cast(window_complaints as {{ dbt.type_bigint() }}) as window_complaints,
        cast(window_complaint_feedback_sends as {{ dbt.type_bigint() }}) as window_complaint_feedback_sends,
        bounce_rate,
        complaint_rate,
        case
            when window_sends = 0 then 'no_sends'
            when
                bounce_rate >= {{ thresholds.bounce_pause }} or complaint_rate >= {{ thresholds.complaint_pause }}
                then 'pause_risk'
            when
                bounce_rate >= {{ thresholds.bounce_review }} or complaint_rate >= {{ thresholds.complaint_review }}
                then 'review_risk'
            when bounce_rate >= {{ thresholds.bounce_warning }} then 'warning'
            else 'healthy'
        end as reputation_status,
        bounce_rate - lag(bounce_rate) over (partition by scope_id order by report_date) as bounce_rate_change,
        complaint_rate - lag(complaint_rate) over (partition by scope_id order by report_date) as complaint_rate_change,
        -- carried on every row so that a chart or a notebook draws the lines
        -- this build judged by, not copies of the var's defaults
        -- noqa: disable=LT02
        {%- for threshold in [
            'bounce_warning', 'bounce_review', 'bounce_pause', 'complaint_review', 'complaint_pause'
        ] %}
        cast({{ thresholds[threshold] }} as double) as {{ threshold }}_threshold,
        {%- endfor %}
        -- noqa: enable=LT02
        {{ ses_rebuild_columns() }}
    from rates

)

select * from final
where {{ ses_rebuild_filter() }}
