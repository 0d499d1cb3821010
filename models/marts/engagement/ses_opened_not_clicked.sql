-- grain: one message that was opened and never clicked, with its recipient
-- when the message had exactly one (opens name no recipient)

with messages as (

    select * from {{ ref('fct_ses_messages') }}
    where was_opened and not was_clicked

),

only_recipients as (

    select
        message_id,
        recipient
    from {{ ref('int_ses__message_recipients') }}
    where message_recipient_count = 1

),

final as (

    select
        messages.message_id,
        only_recipients.recipient,
        messages.recipients,
        messages.recipient_count,
        messages.region,
        messages.request_time,
        messages.sent_at,
        messages.subject,
        messages.first_open_at,
        messages.count_opens,
        messages.last_event_at
    from messages
    left join only_recipients
        on messages.message_id = only_recipients.message_id

)

select * from final
