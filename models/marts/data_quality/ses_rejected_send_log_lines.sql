-- grain: one line of the internal send log that could not be read, with the
-- reason (the send log's rows that were read are in int_ses__requests).
{{ config(schema=ses_schema('marts'), materialized='view') }}

with rejected_lines as (

    select * from {{ ref('stg_internal__ses_request_rejects') }}

),

final as (

    select
        file_name,
        line_number,
        rejection_reason,
        loaded_at
    from rejected_lines

)

select * from final
