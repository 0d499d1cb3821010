-- grain: one message that was opened and never clicked, with its recipient
-- when the message had exactly one (opens name no recipient). A view: a
-- filter of fct_ses_messages is always current and costs a build nothing.
{{ config(schema=ses_schema('marts'), materialized='view') }}

with messages as (

    select * from {{ ref('fct_ses_messages') }}
    where was_opened and not was_clicked

),

final as (

    select
        message_id,
        case when recipient_count = 1 then {{ ses_list_first('recipients') }} end as recipient,
        recipients,
        recipient_count,
        region,
        request_time,
        sent_at,
        subject,
        first_open_at,
        count_opens,
        count_human_opens,
        -- a person read it (not only a privacy proxy or a gateway's prefetch)
        count_human_opens > 0 as was_opened_by_human,
        last_event_at
    from messages

)

select * from final
