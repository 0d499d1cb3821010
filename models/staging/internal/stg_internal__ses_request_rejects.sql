-- grain: one line of the internal send log that could not be read (a row
-- with more or fewer fields than the header line, bytes that are not text in
-- the file's encoding, a quote that does not close), with the reason. Only
-- the file, the line number and the reason: never the line's content.
-- depends_on: {{ source('internal', 'ses_requests') }}
{{ config(schema=ses_schema('staging'), materialized='table') }}

with rejected_lines as (

    {{ ses_read_request_rejects(ses_send_log_path()) }}

),

final as (

    select
        file_name,
        line_number,
        rejection_reason,
        {{ ses_run_loaded_at() }} as loaded_at
    from rejected_lines

)

select * from final
