{{ config(severity='error' if ses_setting('ses_fail_on_unreadable_objects') else 'warn') }}

-- An object that cannot be read at all (not gzip though named .gz, gzip with
-- no .gz suffix, damaged gzip, not UTF-8) is quarantined whole and the rest
-- builds: the build warns with how many this run met. Who would rather stop
-- there sets the var ses_fail_on_unreadable_objects, and the models
-- downstream of raw_ses_records are skipped.

select
    file_name,
    read_failure
from {{ ref('raw_ses_records') }}
where
    read_failure is not null
    and {{ ses_rows_loaded_this_run() }}
