{{ config(severity='warn', enabled=ses_send_log_path() != '') }}

-- A request time the send log gives but that does not parse (written in
-- another format: set the ses_requests_time_format var) leaves request_time
-- null: the build warns with how many send-log rows this run loaded so, and
-- int_ses__requests keeps each one's text in request_time_text.
-- Off when no send log is configured: there are no requests to warn about.

select
    message_id,
    recipient,
    request_time_text
from {{ ref('int_ses__requests') }}
where
    {{ ses_rows_loaded_this_run() }}
    and request_time is null
    and request_time_text is not null
