-- ses_reputation_daily: the account and each configuration set, per day.
select
    report_date,
    case when scope = 'account' then 'whole account' else coalesce(configuration_set, '(none)') end as scope,
    count_sends,
    window_sends,
    bounce_rate,
    complaint_rate,
    reputation_status
from main_ses_marts.ses_reputation_daily
order by report_date, scope <> 'account', configuration_set
