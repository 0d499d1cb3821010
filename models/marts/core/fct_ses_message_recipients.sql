-- grain: one (message_id, recipient): every address SES addressed, every
-- recipient an event names, and every requested recipient. Opens, clicks and
-- subscriptions count for a recipient only when the message had exactly one
-- (see int_ses__recipient_events). Rebuilt message by message: those with new
-- events, changed send-log rows, or that left the send log.
{{ config(
    schema=ses_schema('marts'),
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    pre_hook="{{ ses_delete_removed_messages(ref('int_ses__requests')) }}",
) }}

{%- set events = ref('stg_ses__events') %}
{%- set requests = ref('int_ses__requests') %}
{%- set changed_message = ses_changed_messages('message_id', [events, requests]) %}

with recipient_events as (

    select
        message_id,
        recipient,
        event_class,
        event_at,
        bounce_type,
        bounce_sub_type,
        complaint_sub_type
    from {{ ref('int_ses__recipient_events') }}
    where {{ changed_message }} and recipient is not null

),

message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}
    where {{ changed_message }}

),

requests as (

    select
        message_id,
        lower(trim(recipient)) as recipient,
        region,
        request_time
    from {{ requests }}
    where {{ changed_message }} and not is_removed

),

mailbox_providers as (

    select * from {{ ref('ses_mailbox_providers') }}

),

request_recipients as (

    select
        message_id,
        recipient,
        min(region) as region,
        min(request_time) as request_time
    from requests
    group by message_id, recipient

),

recipient_totals as (

    select
        recipient_events.message_id,
        recipient_events.recipient,
        {{ ses_event_class_aggregates('recipient_events') }}
        count(*) as count_events,
        -- the kinds of bounce and complaint AWS's rates tell apart
        coalesce(bool_or(recipient_events.bounce_type = 'Permanent'), false) as was_bounced_permanently,
        coalesce(bool_or(recipient_events.bounce_type = 'Transient'), false) as was_bounced_transiently,
        coalesce(bool_or(recipient_events.bounce_sub_type = 'OnAccountSuppressionList'), false)
            as was_bounced_on_suppression_list,
        coalesce(bool_or(recipient_events.complaint_sub_type = 'OnAccountSuppressionList'), false)
            as was_complained_on_suppression_list
    from recipient_events
    group by recipient_events.message_id, recipient_events.recipient

),

recipient_keys as (

    select
        message_id,
        recipient
    from recipient_totals
    union
    select
        message_id,
        recipient
    from message_recipients
    union
    select
        message_id,
        recipient
    from request_recipients

),

final as (

    select
        recipient_keys.message_id,
        recipient_keys.recipient,
        {{ ses_email_domain('recipient_keys.recipient') }} as recipient_domain,
        {{ ses_mailbox_provider('mailbox_providers') }} as mailbox_provider,
        mailbox_providers.sends_complaint_feedback,
        message_recipients.message_id is not null as was_addressed,
        request_recipients.message_id is not null as was_requested,
        request_recipients.region,
        request_recipients.request_time,
        {{ ses_event_class_outcomes('recipient_totals') }}
        coalesce(recipient_totals.count_events, 0) as count_events,
        coalesce(recipient_totals.was_bounced_permanently, false) as was_bounced_permanently,
        coalesce(recipient_totals.was_bounced_transiently, false) as was_bounced_transiently,
        coalesce(recipient_totals.was_bounced_on_suppression_list, false) as was_bounced_on_suppression_list,
        coalesce(recipient_totals.was_complained_on_suppression_list, false) as was_complained_on_suppression_list,
        {{ ses_run_loaded_at() }} as loaded_at
    from recipient_keys
    left join recipient_totals
        on
            recipient_keys.message_id = recipient_totals.message_id
            and recipient_keys.recipient = recipient_totals.recipient
    left join message_recipients
        on
            recipient_keys.message_id = message_recipients.message_id
            and recipient_keys.recipient = message_recipients.recipient
    left join request_recipients
        on
            recipient_keys.message_id = request_recipients.message_id
            and recipient_keys.recipient = request_recipients.recipient
    left join mailbox_providers
        on {{ ses_email_domain('recipient_keys.recipient') }} = mailbox_providers.domain

)

select * from final
