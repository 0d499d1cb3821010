-- Every distinct event this run added appears in exactly one per-class
-- staging model: the ten staging models together hold as many of them as
-- stg_ses__events, class by class.

with staged as (

    {%- for event_type in ses_event_types() %}
        select
            {{ ses_string_literal(event_type.event_class) }} as event_class,
            count(*) as staged_events
        from {{ ref(event_type.staging_model) }}
        where {{ ses_rows_loaded_this_run() }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

events as (

    select
        event_class,
        count(*) as all_events
    from {{ ref('stg_ses__events') }}
    where {{ ses_rows_loaded_this_run() }}
    group by event_class

)

select
    coalesce(staged.event_class, events.event_class) as event_class,
    staged.staged_events,
    events.all_events
from staged
full outer join events
    on staged.event_class = events.event_class
where coalesce(staged.staged_events, 0) <> coalesce(events.all_events, 0)
