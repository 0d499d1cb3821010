{{ config(severity='warn') }}

-- A line of the send log that could not be read as a row is quarantined,
-- not dropped and not fatal: the build warns with how many this run found,
-- each in ses_rejected_send_log_lines with its line number and reason.

select
    file_name,
    line_number,
    rejection_reason
from {{ ref('ses_rejected_send_log_lines') }}
where {{ ses_rows_loaded_this_run() }}
