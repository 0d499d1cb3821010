-- Unique counts never exceed totals: per region, messages that reached an
-- outcome are at most the events of that class and at most the messages.

with summary as (

    select * from {{ ref('ses_region_summary') }}

)

select *
from summary
where
    messages_sent > sends
    or messages_delivered > deliveries
    or messages_opened > opens
    or messages_clicked > clicks
    or messages_bounced > bounces
    or messages_complained > complaints
    or greatest(
        messages_sent, messages_delivered, messages_opened,
        messages_clicked, messages_bounced, messages_complained
    ) > messages
