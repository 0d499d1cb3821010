-- Nothing read is lost: every raw record is a distinct event, a redelivery of
-- one, or a quarantined rejection. Each side is counted from its own model.
-- Returns a row (and fails) when the counts disagree.

with raw_records as (

    select count(*) as raw_records from {{ ref('raw_ses_records') }}

),

events as (

    select count(*) as distinct_events from {{ ref('fct_ses_events') }}

),

duplicates as (

    select count(*) as duplicate_records from {{ ref('base_ses__records') }}
    where is_duplicate

),

rejected as (

    select count(*) as rejected_records from {{ ref('ses_rejected_records') }}

)

select
    raw_records.raw_records,
    events.distinct_events,
    duplicates.duplicate_records,
    rejected.rejected_records
from raw_records
cross join events
cross join duplicates
cross join rejected
where
    raw_records.raw_records
    <> events.distinct_events + duplicates.duplicate_records + rejected.rejected_records
