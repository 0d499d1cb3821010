-- ses_campaign_performance: one row per campaign and configuration set.
select
    coalesce(campaign, '(no campaign tag)') as campaign,
    coalesce(configuration_set, '(none)') as configuration_set,
    count_sends,
    delivery_rate,
    bounce_rate,
    complaint_rate,
    open_rate,
    human_open_rate,
    click_rate,
    human_click_rate,
    median_seconds_to_first_human_open / 3600.0 as median_hours_to_first_human_open
from main_ses_marts.ses_campaign_performance
order by count_sends desc, campaign, configuration_set
