{{ config(severity='warn', enabled=ses_send_log_path() != '') }}

-- The send log is a snapshot: a message that is no longer in it leaves the
-- marts. The build warns with how many messages left it this run, so a send
-- log cut short by accident is noticed; int_ses__requests keeps one
-- is_removed row for each.
-- Off when no send log is configured: there are no requests to warn about.

select message_id
from {{ ref('int_ses__requests') }}
where
    {{ ses_rows_loaded_this_run() }}
    and is_removed
