-- grain: one UTC day of the plausible window (the var
-- ses_plausible_timestamps: from its earliest day to the day of the build's
-- load time and its margin), the days any kept event can fall on: the days
-- MetricFlow joins metrics to (the semantic layer's time spine;
-- _semantic__models.yml). A view: nothing to write on each build, and
-- computed in a moment when read.
{{ config(schema=ses_schema('marts'), materialized='view') }}

{%- set window = ses_plausible_timestamp_window() %}

with days as (

    -- dbt's cross-engine date_spine, laid out its own way
    -- noqa: disable=LT09
    {{ dbt.date_spine('day', window.first_day, dbt.dateadd('day', 1, window.last_day)) }}
    -- noqa: enable=LT09

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
