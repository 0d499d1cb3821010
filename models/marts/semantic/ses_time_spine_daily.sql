-- grain: one UTC day from 2016-01-01 (SES began publishing events through
-- configuration sets in 2016) to 2040-12-31: the days MetricFlow joins
-- metrics to (the semantic layer's time spine; _semantic__models.yml).
-- A view: nothing to write on each build, and computed in a moment when read.
{{ config(materialized='view') }}

with days as (

    -- dbt's cross-engine date_spine, laid out its own way
    -- noqa: disable=LT09
    {{ dbt.date_spine('day', "cast('2016-01-01' as date)", "cast('2041-01-01' as date)") }}
    -- noqa: enable=LT09

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
