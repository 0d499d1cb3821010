{{ config(severity='warn') }}

-- A field looked at again (ses_required_fields) whose value this run did
-- not fit its type (a string where a list belongs, a number too large):
-- read where its shape has an obvious reading, null otherwise, never
-- silently. The build warns with each field and JSON type met, counted in
-- ses_unfit_values.

select
    field_path,
    json_type,
    is_read,
    count_records
from {{ ref('ses_unfit_values') }}
where {{ ses_rows_loaded_this_run('last_loaded_at') }}
