{{ config(severity='error' if ses_setting('ses_fail_on_unreadable_objects') else 'warn') }}

-- An object that cannot be read at all (not gzip though named .gz, gzip with
-- no .gz suffix, damaged gzip, not UTF-8) is quarantined whole and the rest
-- builds: the build warns with how many this run met. Who would rather stop
-- there sets the var ses_fail_on_unreadable_objects, and the models
-- downstream of base_ses__records are skipped.

select
    file_name,
    rejection_reason as read_failure
from {{ ref('base_ses__records') }}
where
    rejection_reason in (
        {%- for read_failure in ses_read_failures() %}
            {{ ses_string_literal(read_failure) }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
    and {{ ses_rows_loaded_this_run() }}
