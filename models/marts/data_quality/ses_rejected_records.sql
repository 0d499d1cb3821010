-- grain: one raw record that could not become an SES event, with the reason
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with records as (

    select * from {{ ref('base_ses__records') }}
    where rejection_reason is not null and {{ ses_loaded_since_last_run() }}

),

raw_records as (

    select * from {{ ref('raw_ses_records') }}
    where {{ ses_loaded_since_last_run() }}

),

final as (

    select
        records.raw_record_id,
        records.rejection_reason,
        records.envelope_type,
        records.ses_event_type,
        raw_records.record_text,
        raw_records.file_name,
        raw_records.loaded_at
    from records
    inner join raw_records
        on records.raw_record_id = raw_records.raw_record_id

)

select * from final
