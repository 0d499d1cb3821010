-- Every distinct event appears in exactly one per-class staging model: the ten
-- staging models together hold as many rows as fct_ses_events, class by class.

with staged as (

    {%- for event_type in ses_event_types() %}
        select
            '{{ event_type.event_class }}' as event_class,
            count(*) as staged_events
        from {{ ref(event_type.staging_model) }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

facts as (

    select
        event_class,
        count(*) as fact_events
    from {{ ref('fct_ses_events') }}
    group by event_class

)

select
    coalesce(staged.event_class, facts.event_class) as event_class,
    staged.staged_events,
    facts.fact_events
from staged
full outer join facts
    on staged.event_class = facts.event_class
where coalesce(staged.staged_events, 0) <> coalesce(facts.fact_events, 0)
