-- Each scope's row on the last day.
select
    case when scope = 'account' then 'whole account' else coalesce(configuration_set, '(none)') end as scope,
    report_date,
    window_sends,
    bounce_rate,
    complaint_rate,
    reputation_status
from main_ses_marts.ses_reputation_daily
where report_date = (select max(report_date) from main_ses_marts.ses_reputation_daily)
order by scope <> 'account', configuration_set
