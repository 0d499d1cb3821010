-- grain: one (message_id, recipient) that SES addressed: each address in the
-- message's mail.destination, lower-cased

with events as (

    select
        message_id,
        destination
    from {{ ref('fct_ses_events') }}
    where {{ ses_list_length('destination') }} > 0

),

addresses as (

    select
        message_id,
        {{ ses_unnest('destination') }} as address
    from events

),

recipients as (

    select distinct
        message_id,
        lower(trim(address)) as recipient
    from addresses
    where trim(address) <> ''

),

final as (

    select
        message_id,
        recipient,
        count(*) over (partition by message_id) as message_recipient_count
    from recipients

)

select * from final
