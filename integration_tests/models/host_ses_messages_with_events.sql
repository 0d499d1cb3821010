-- grain: one row per message SES reported on; the host project's own model over the package's mart
with

messages as (

    select * from {{ ref('fct_ses_messages') }}

),

final as (

    select
        message_id,
        count_events,
        latest_status
    from messages
    where count_events > 0

)

select * from final
