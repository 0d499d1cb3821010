-- grain: one raw record that could not become an SES event, with the reason
-- and its text as written. A view: base_ses__records keeps the text of
-- rejected records (and of no others).
{{ config(schema=ses_schema('marts'), materialized='view') }}

with records as (

    select * from {{ ref('base_ses__records') }}
    where rejection_reason is not null

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
    from records

)

select * from final
