-- Nothing read is lost: every raw record this run landed is parsed once, and
-- every parsed record is a distinct event, a redelivery of one, or a
-- quarantined rejection. Each side is counted from its own model. Returns a
-- row (and fails) when the counts disagree. With personal data masked no
-- raw record lands: base_ses__records reads and parses the objects in one
-- step, and the first count is its own.

with raw_records as (

    -- a record, or the one row of an object that yields none
    select count(*) as count_raw_records
    {%- if ses_lands_record_text() %}
        from {{ ref('raw_ses_records') }}
    {%- else %}
        from {{ ref('base_ses__records') }}
    {%- endif %}
    where {{ ses_rows_loaded_this_run() }}

),

parsed_records as (

    select count(*) as count_parsed_records
    from {{ ref('base_ses__records') }}
    where {{ ses_rows_loaded_this_run() }}

),

events as (

    select count(*) as count_events
    from {{ ref('stg_ses__events') }}
    where {{ ses_rows_loaded_this_run() }}

),

redeliveries as (

    select coalesce(sum(count_redeliveries), 0) as count_redeliveries
    from {{ ref('base_ses__batches') }}
    where {{ ses_rows_loaded_this_run() }}

),

rejected as (

    select count(*) as count_rejected
    from {{ ref('ses_rejected_records') }}
    where {{ ses_rows_loaded_this_run() }}

)

select
    raw_records.count_raw_records,
    parsed_records.count_parsed_records,
    events.count_events,
    redeliveries.count_redeliveries,
    rejected.count_rejected
from raw_records
cross join parsed_records
cross join events
cross join redeliveries
cross join rejected
where
    raw_records.count_raw_records <> parsed_records.count_parsed_records
    or parsed_records.count_parsed_records
    <> events.count_events + redeliveries.count_redeliveries + rejected.count_rejected
