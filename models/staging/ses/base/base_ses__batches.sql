-- grain: one batch of base_ses__records (the records one run parsed, sharing
-- its loaded_at): how many records, events and rejects it held, and which of
-- its records repeat an event, or a rejected record, read before (redeliveries)
{{ config(
    schema=ses_schema('staging'),
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{#- Redeliveries are found here, on a few narrow columns, rather than in
    base_ses__records: ranking copies needs every record of the batch parsed,
    and carrying the wide parsed rows through that ranking costs several
    times the parse. A batch row is written even when nothing repeated, so
    the next run knows which batches it has seen. -#}

{#- A rejected record has no event id: it is the same record read again
    when an earlier batch read one with its rejected_record_key (the same
    object by name, the same text, the same copy number): an object written
    again, records appended, is read again whole. -#}

with new_records as (

    select
        raw_record_id,
        event_id,
        rejected_record_key,
        file_name,
        rejection_reason,
        loaded_at
    from {{ ref('base_ses__records') }}
    where {{ ses_loaded_since_last_run() }}

),

new_events as (

    select * from new_records
    where event_id is not null

),

events_read_before as (

    -- none on a full build
    select records_read_before.event_id
    from {{ ref('base_ses__records') }} as records_read_before
    where
        not ({{ ses_loaded_since_last_run('records_read_before.loaded_at') }})
        and records_read_before.event_id in (select new_events.event_id from new_events)

),

ranked_copies as (

    -- the first copy read is the event: earliest batch, then file name
    select
        raw_record_id,
        event_id,
        loaded_at,
        row_number() over (
            partition by event_id
            order by loaded_at, file_name, raw_record_id
        ) as copy_number
    from new_events

),

rejected_records_read_before as (

    -- rejected records of earlier batches, or earlier in this one, that this
    -- run's rejected records repeat (none on a full build)
    select
        read_again.loaded_at,
        read_again.raw_record_id
    from new_records as read_again
    inner join {{ ref('base_ses__records') }} as read_before
        on
            read_again.rejected_record_key = read_before.rejected_record_key
            and read_again.loaded_at > read_before.loaded_at

),

rejected_records_read_again as (

    select distinct
        loaded_at,
        raw_record_id
    from rejected_records_read_before

),

redeliveries as (

    select
        loaded_at,
        raw_record_id
    from ranked_copies
    where copy_number > 1 or event_id in (select events_read_before.event_id from events_read_before)

    union all

    select
        loaded_at,
        raw_record_id
    from rejected_records_read_again

),

batch_redeliveries as (

    select
        loaded_at,
        count(*) as count_redeliveries,
        {{ ses_ordered_list_agg('raw_record_id', ['raw_record_id']) }} as redelivered_record_ids
    from redeliveries
    group by loaded_at

),

batch_records as (

    select
        loaded_at,
        count(*) as count_records,
        cast(sum(case when rejection_reason is not null then 1 else 0 end) as {{ dbt.type_bigint() }})
            as count_rejected_records
    from new_records
    group by loaded_at

),

batch_rejected_records_read_again as (

    select
        loaded_at,
        count(*) as count_read_again
    from rejected_records_read_again
    group by loaded_at

),

batch_counts as (

    -- a rejected record read again is a redelivery, not a new rejection
    select
        batch_records.loaded_at,
        batch_records.count_records,
        coalesce(batch_redeliveries.count_redeliveries, 0) as count_redeliveries,
        batch_records.count_rejected_records
        - coalesce(batch_rejected_records_read_again.count_read_again, 0) as count_rejected,
        batch_redeliveries.redelivered_record_ids
    from batch_records
    left join batch_redeliveries
        on batch_records.loaded_at = batch_redeliveries.loaded_at
    left join batch_rejected_records_read_again
        on batch_records.loaded_at = batch_rejected_records_read_again.loaded_at

),

final as (

    select
        loaded_at,
        count_records,
        count_records - count_rejected - count_redeliveries as count_events,
        count_redeliveries,
        count_rejected,
        coalesce(redelivered_record_ids, {{ ses_empty_list(ses_hash128_type()) }}) as redelivered_record_ids
    from batch_counts

)

select * from final
