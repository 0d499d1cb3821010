-- grain: one raw record that could not become an SES event, with the reason
-- and its text as written. A view: base_ses__records keeps the text of
-- rejected records (and of no others). A rejected record read again (its
-- object written again) is a redelivery, listed in base_ses__batches, and is
-- left out.
{{ config(schema=ses_schema('marts'), materialized='view') }}

with records as (

    select * from {{ ref('base_ses__records') }}
    where rejection_reason is not null

),

redeliveries as (

    select {{ ses_unnest('redelivered_record_ids') }} as raw_record_id
    from {{ ref('base_ses__batches') }}

),

rejected_records as (

    select records.*
    from records
    left join redeliveries
        on records.raw_record_id = redeliveries.raw_record_id
    where redeliveries.raw_record_id is null

),

final as (

    select
        raw_record_id,
        rejection_reason,
        envelope_type,
        ses_event_type,
        record_text,
        file_name,
        loaded_at
    from rejected_records

)

select * from final
