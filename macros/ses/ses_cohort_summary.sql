{#- Message outcomes summarised over any cohort: one row per value of
    `cohort_expression`, computed on `messages` (fct_ses_messages: one row per
    message, so nothing fans out). Use it for any column of the message fact
    (region, configuration_set, ...) or of the internal data
    (request_attributes['campaign']).

    count_<plural> sum every event; count_messages_<outcome> count messages.
    Rates, each a safe divide (null when the denominator is 0):
      delivery_rate        messages delivered   / messages sent
      bounce_rate          messages bounced     / messages sent
      complaint_rate       messages complained  / messages sent
      open_rate            messages opened      / messages delivered
      click_rate           messages clicked     / messages delivered
      click_to_open_rate   messages clicked     / messages opened
    and the same for people alone (machine opens and bot clicks left out,
    int_ses__engagements): human_open_rate, human_click_rate. -#}
{% macro ses_cohort_summary(messages, cohort_expression, cohort_name, where='true') %}
{%- set outcomes = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained'] %}

with cohort_messages as (

    select
        {{ cohort_expression }}{{ ' as ' ~ cohort_name if cohort_expression != cohort_name }},
        {%- for event_type in ses_event_types() %}
        count_{{ event_type.plural }},
        {%- endfor %}
        count_human_opens,
        count_human_clicks,
        {%- for outcome in outcomes %}
        was_{{ outcome }},
        {%- endfor %}
        count_human_opens > 0 as was_opened_by_human,
        count_human_clicks > 0 as was_clicked_by_human
    from {{ messages }}
    where {{ where }}

),

totals as (

    select
        {{ cohort_name }},
        count(*) as count_messages,
        {%- for event_type in ses_event_types() %}
        cast(sum(count_{{ event_type.plural }}) as {{ dbt.type_bigint() }}) as count_{{ event_type.plural }},
        {%- endfor %}
        cast(sum(count_human_opens) as {{ dbt.type_bigint() }}) as count_human_opens,
        cast(sum(count_human_clicks) as {{ dbt.type_bigint() }}) as count_human_clicks,
        {%- for outcome in outcomes + ['opened_by_human', 'clicked_by_human'] %}
        cast(sum(case when was_{{ outcome }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as count_messages_{{ outcome }}{{ ',' if not loop.last }}
        {%- endfor %}
    from cohort_messages
    group by {{ cohort_name }}

),

final as (

    select
        *,
        {{ ses_safe_divide('count_messages_delivered', 'count_messages_sent') }} as delivery_rate,
        {{ ses_safe_divide('count_messages_bounced', 'count_messages_sent') }} as bounce_rate,
        {{ ses_safe_divide('count_messages_complained', 'count_messages_sent') }} as complaint_rate,
        {{ ses_safe_divide('count_messages_opened', 'count_messages_delivered') }} as open_rate,
        {{ ses_safe_divide('count_messages_clicked', 'count_messages_delivered') }} as click_rate,
        {{ ses_safe_divide('count_messages_clicked', 'count_messages_opened') }} as click_to_open_rate,
        {{ ses_safe_divide('count_messages_opened_by_human', 'count_messages_delivered') }} as human_open_rate,
        {{ ses_safe_divide('count_messages_clicked_by_human', 'count_messages_delivered') }} as human_click_rate
    from totals

)

select * from final

{% endmacro %}
