-- VDM's messages (one recipient, not the simulator): sent, delivered,
-- opened, clicked; once with every open and click, once with people's only.
with totals as (

    select
        sum(vdm_sends) as sent,
        sum(vdm_deliveries) as delivered,
        sum(vdm_unique_opens) as opened,
        sum(vdm_unique_clicks) as clicked,
        sum(vdm_human_unique_opens) as human_opened,
        sum(vdm_human_unique_clicks) as human_clicked
    from main_ses_marts.ses_deliverability_daily

)

select 'all engagement' as engagement, 1 as stage_order, 'sent' as stage, sent as messages from totals
union all select 'all engagement', 2, 'delivered', delivered from totals
union all select 'all engagement', 3, 'opened', opened from totals
union all select 'all engagement', 4, 'clicked', clicked from totals
union all select 'people only', 1, 'sent', sent from totals
union all select 'people only', 2, 'delivered', delivered from totals
union all select 'people only', 3, 'opened', human_opened from totals
union all select 'people only', 4, 'clicked', human_clicked from totals
order by engagement, stage_order
