{{ config(severity='warn') }}

-- A value SES does not document (or that an export wrote in another case)
-- is kept as written and never fails the build: the build warns with each
-- column and value this run loaded, counted in ses_unknown_values.

select
    model_name,
    column_name,
    unknown_value,
    count_rows
from {{ ref('ses_unknown_values') }}
where {{ ses_rows_loaded_this_run('last_loaded_at') }}
