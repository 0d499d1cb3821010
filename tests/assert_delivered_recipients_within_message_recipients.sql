-- A message is never delivered (or bounced) to more recipients than SES
-- addressed it to. Checked for the messages this run rebuilt whose
-- addressees are known: a mail.destination that could not be read (counted
-- in ses_unfit_values) leaves a message with none.

with recipient_outcomes as (

    select
        message_id,
        sum(case when was_delivered then 1 else 0 end) as delivered_recipients,
        sum(case when was_bounced then 1 else 0 end) as bounced_recipients
    from {{ ref('fct_ses_message_recipients') }}
    where {{ ses_rows_loaded_this_run() }}
    group by message_id

),

messages as (

    select
        message_id,
        recipient_count
    from {{ ref('fct_ses_messages') }}
    where {{ ses_rows_loaded_this_run() }}

)

select
    messages.message_id,
    messages.recipient_count,
    recipient_outcomes.delivered_recipients,
    recipient_outcomes.bounced_recipients
from messages
inner join recipient_outcomes
    on messages.message_id = recipient_outcomes.message_id
where
    messages.recipient_count > 0
    and (
        recipient_outcomes.delivered_recipients > messages.recipient_count
        or recipient_outcomes.bounced_recipients > messages.recipient_count
    )
