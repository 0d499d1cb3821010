-- Messages, not recipients: how many SES accepted (a Send event); and the
-- send days the marts cover.
select
    (select count(*) from main_ses_marts.fct_ses_messages where count_sends > 0) as count_sent_messages,
    min(sent_date) as first_sent_date,
    max(sent_date) as last_sent_date
from main_ses_marts.ses_deliverability_daily
