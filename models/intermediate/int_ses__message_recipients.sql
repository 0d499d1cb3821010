-- grain: one (message_id, recipient) that SES addressed: each address in the
-- message's mail.destination (on any of its events), lower-cased and trimmed.
-- Rebuilt message by message: those with new events.
{{ config(
    schema=ses_schema('staging'),
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{%- set events = ref('stg_ses__events') %}
{%- set changed_message = ses_changed_messages('message_id', [events]) %}

with events as (

    select
        message_id,
        destination
    from {{ events }}
    where {{ changed_message }}

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
        count(*) over (partition by message_id) as message_recipient_count,
        {{ ses_run_loaded_at() }} as loaded_at
    from recipients

)

select * from final
