-- VDM's figures and rates (DECISIONLOG.md, "Deliverability as Amazon SES
-- defines it"): sums of ses_deliverability_daily, divided once, over the
-- whole period (grouping 'total'), per mailbox provider and per send day.
select
    case
        when grouping(mailbox_provider) = 0 then 'provider'
        when grouping(sent_date) = 0 then 'day'
        else 'total'
    end as grouping_name,
    mailbox_provider,
    sent_date,
    sum(count_sends) as count_sends,
    sum(vdm_sends) as vdm_sends,
    sum(vdm_deliveries) / nullif(sum(vdm_sends), 0) as delivery_rate,
    sum(vdm_permanent_bounces) / nullif(sum(vdm_sends), 0) as bounce_rate,
    sum(vdm_complaints) / nullif(sum(vdm_complaint_feedback_deliveries), 0) as complaint_rate,
    sum(vdm_unique_opens) / nullif(sum(vdm_open_tracked_deliveries), 0) as open_rate,
    sum(vdm_human_unique_opens) / nullif(sum(vdm_open_tracked_deliveries), 0) as human_open_rate,
    sum(vdm_unique_clicks) / nullif(sum(vdm_click_tracked_deliveries), 0) as click_rate,
    sum(vdm_human_unique_clicks) / nullif(sum(vdm_click_tracked_deliveries), 0) as human_click_rate
from main_ses_marts.ses_deliverability_daily
group by grouping sets ((), (mailbox_provider), (sent_date))
order by grouping_name, count_sends desc, mailbox_provider, sent_date
