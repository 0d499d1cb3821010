-- grain: one message_id with at least one SES event; one count column per
-- event class, pivoted with CASE + SUM so it runs on any SQL engine. Rebuilt
-- message by message: those with new events.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set changed_message = ses_is_changed_message() %}

with events as (

    select * from {{ ref('fct_ses_events') }}
    where {{ changed_message }}

),

messages as (

    select
        message_id,
        recipients
    from {{ ref('fct_ses_messages') }}
    where {{ changed_message }}

),

pivoted as (

    select
        message_id,
        {%- for event_type in ses_event_types() %}
            cast(
                sum(case when event_class = '{{ event_type.event_class }}' then 1 else 0 end) as {{ dbt.type_bigint() }}
            ) as {{ event_type.plural }},
        {%- endfor %}
        min(sent_at) as sent_at,
        max(loaded_at) as loaded_at
    from events
    group by message_id

),

final as (

    select
        pivoted.message_id,
        messages.recipients,
        {%- for event_type in ses_event_types() %}
            pivoted.{{ event_type.plural }},
        {%- endfor %}
        pivoted.sent_at,
        pivoted.loaded_at
    from pivoted
    left join messages
        on pivoted.message_id = messages.message_id

)

select * from final
