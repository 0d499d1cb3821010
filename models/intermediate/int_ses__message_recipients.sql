-- grain: one (message_id, recipient) that SES addressed: each address in the
-- message's mail.destination, lower-cased
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

with events as (

    select
        message_id,
        destination,
        loaded_at
    from {{ ref('fct_ses_events') }}
    where {{ ses_is_changed_message() }}

),

addresses as (

    select
        message_id,
        {{ ses_unnest('destination') }} as address
    from events
    where {{ ses_list_length('destination') }} > 0

),

recipients as (

    select distinct
        message_id,
        lower(trim(address)) as recipient
    from addresses
    where trim(address) <> ''

),

messages_loaded_at as (

    select
        message_id,
        max(loaded_at) as loaded_at
    from events
    group by message_id

),

final as (

    select
        recipients.message_id,
        recipients.recipient,
        count(*) over (partition by recipients.message_id) as message_recipient_count,
        messages_loaded_at.loaded_at
    from recipients
    inner join messages_loaded_at
        on recipients.message_id = messages_loaded_at.message_id

)

select * from final
