-- Unique counts never exceed totals: per region, messages that reached an
-- outcome are at most the events of that class and at most the messages.

with summary as (

    select * from {{ ref('ses_region_summary') }}

)

select *
from summary
where
    count_messages_sent > count_sends
    or count_messages_delivered > count_deliveries
    or count_messages_opened > count_opens
    or count_messages_clicked > count_clicks
    or count_messages_bounced > count_bounces
    or count_messages_complained > count_complaints
    or greatest(
        count_messages_sent, count_messages_delivered, count_messages_opened,
        count_messages_clicked, count_messages_bounced, count_messages_complained
    ) > count_messages
