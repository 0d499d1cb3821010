-- grain: one recipient to stop mailing: hard bounce, complaint,
-- unsubscribe (the recipient's latest subscription change opted out), or
-- ses_suppression_transient_bounces transient bounces in a row with no
-- delivery since. The reason is the one that applied first; all that apply
-- are listed. Mailbox-simulator addresses are left out.
{{ config(schema=ses_schema('marts'), meta={
    'rebuilt_from': ['int_ses__recipient_events'],
    'settings': ['ses_suppression_transient_bounces'],
}) }}

{%- set transient_run = ses_setting('ses_suppression_transient_bounces') %}

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
    where
        recipient is not null
        and event_class in ('delivery', 'bounce', 'complaint')
        and {{ ses_email_domain('recipient') }} <> 'simulator.amazonses.com'

),

subscription_changes as (

    select
        message_id,
        recipient,
        event_at,
        is_opt_out,
        -- the latest change decides: an opt-in after an opt-out undoes it
        row_number() over (partition by recipient order by event_at desc, message_id desc) as recency
    from {{ ref('int_ses__subscription_changes') }}
    where
        recipient is not null
        and subscription_change <> 'no_change'
        and {{ ses_email_domain('recipient') }} <> 'simulator.amazonses.com'

),

mailbox_providers as (

    select * from {{ ref('ses_mailbox_providers') }}

),

deliveries_and_transient_bounces as (

    -- per recipient: how many deliveries came up to each event; the
    -- transient bounces after the last delivery are the current run
    select
        message_id,
        recipient,
        event_class,
        event_at,
        sum(case when event_class = 'delivery' then 1 else 0 end) over (
            partition by recipient order by event_at, event_class rows unbounded preceding
        ) as deliveries_so_far,
        sum(case when event_class = 'delivery' then 1 else 0 end) over (partition by recipient) as deliveries
    from recipient_events
    where event_class = 'delivery' or (event_class = 'bounce' and bounce_type = 'Transient')

),

transient_runs as (

    select
        message_id,
        recipient,
        event_at,
        row_number() over (partition by recipient order by event_at, message_id) as run_position,
        count(*) over (partition by recipient) as run_length
    from deliveries_and_transient_bounces
    where event_class = 'bounce' and deliveries_so_far = deliveries

),

qualifying_events as (

    -- each event that makes the recipient a candidate, with its reason; the
    -- event at which a reason first applies is its cause
    select
        recipient,
        'hard_bounce' as suppression_reason,
        message_id,
        event_at,
        row_number() over (partition by recipient order by event_at, message_id) = 1 as is_cause
    from recipient_events
    where event_class = 'bounce' and bounce_type = 'Permanent'

    union all

    select
        recipient,
        'complaint' as suppression_reason,
        message_id,
        event_at,
        row_number() over (partition by recipient order by event_at, message_id) = 1 as is_cause
    from recipient_events
    where event_class = 'complaint'

    union all

    select
        recipient,
        'unsubscribe' as suppression_reason,
        message_id,
        event_at,
        true as is_cause
    from subscription_changes
    where recency = 1 and is_opt_out

    union all

    select
        recipient,
        'transient_bounces' as suppression_reason,
        message_id,
        event_at,
        run_position = {{ transient_run }} as is_cause
    from transient_runs
    where run_length >= {{ transient_run }}

),

causes as (

    select
        recipient,
        suppression_reason,
        message_id,
        event_at,
        row_number() over (partition by recipient order by event_at, suppression_reason) as cause_order
    from qualifying_events
    where is_cause

),

recipient_totals as (

    select
        qualifying_events.recipient,
        min(qualifying_events.event_at) as first_event_at,
        max(qualifying_events.event_at) as last_event_at,
        count(*) as count_qualifying_events
    from qualifying_events
    group by qualifying_events.recipient

),

reasons as (

    select
        recipient,
        {{ ses_ordered_list_agg('suppression_reason', ['event_at', 'suppression_reason']) }} as suppression_reasons
    from causes
    group by recipient

),

on_suppression_list as (

    -- an OnAccountSuppressionList bounce or complaint: the account's list holds it
    select distinct recipient
    from recipient_events
    where 'OnAccountSuppressionList' in (bounce_sub_type, complaint_sub_type)

),

final as (

    select
        causes.recipient,
        {{ ses_email_domain('causes.recipient') }} as recipient_domain,
        {{ ses_mailbox_provider('mailbox_providers') }} as mailbox_provider,
        causes.suppression_reason,
        reasons.suppression_reasons,
        causes.event_at as became_candidate_at,
        causes.message_id as caused_by_message_id,
        recipient_totals.first_event_at,
        recipient_totals.last_event_at,
        recipient_totals.count_qualifying_events,
        on_suppression_list.recipient is not null as is_on_account_suppression_list,
        {{ ses_rebuild_columns() }}
    from causes
    inner join recipient_totals
        on causes.recipient = recipient_totals.recipient
    inner join reasons
        on causes.recipient = reasons.recipient
    left join on_suppression_list
        on causes.recipient = on_suppression_list.recipient
    left join mailbox_providers
        on {{ ses_email_domain('causes.recipient') }} = mailbox_providers.domain
    where causes.cause_order = 1

)

select * from final
where {{ ses_rebuild_filter() }}
