{{ config(severity='warn') }}

-- Rejected records are quarantined, not fatal: the build warns with how many
-- records this run rejected, so someone looks at ses_rejected_records.

select
    raw_record_id,
    rejection_reason,
    file_name
from {{ ref('ses_rejected_records') }}
where {{ ses_rows_loaded_this_run() }}
