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

batches as (

    select * from {{ ref('base_ses__batches') }}

),

rejected_records as (

    {{ ses_without_redeliveries('records', 'batches') }}

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
