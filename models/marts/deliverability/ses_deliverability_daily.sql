-- grain: one UTC send day x configuration set x sending domain x mailbox
-- provider x campaign. Figures about recipients (sends, deliveries, bounces,
-- complaints) count each (message, recipient) once under the recipient's
-- provider; figures about a message (opens, clicks, unsubscribes: SES names
-- no recipient on them) count under the message's provider ('multiple' when
-- its recipients use several). The vdm_ figures and the rates follow Amazon
-- SES's Virtual Deliverability Manager: messages with one recipient, no
-- mailbox-simulator mail (DECISIONLOG.md). Days are send days: a message's
-- later events (opens arrive for 60 days) update its send day's row.
{{ config(schema=ses_schema('marts'), meta={
    'rebuilt_from': ['fct_ses_messages', 'fct_ses_message_recipients'],
    'settings': [
        'ses_tracked_configuration_sets',
        'ses_other_providers_send_complaint_feedback',
        'ses_deliverability_minimum_sends',
    ],
}) }}

{%- set tracked = ses_setting('ses_tracked_configuration_sets') %}

{%- set figures = ses_deliverability_figures() %}
{%- set cell_keys = ['sent_date', 'configuration_set', 'sending_domain', 'mailbox_provider', 'campaign'] %}

with messages as (

    select * from {{ ref('fct_ses_messages') }}
    where sent_at is not null

),

message_recipients as (

    select * from {{ ref('fct_ses_message_recipients') }}

),

unsubscribed_messages as (

    select distinct message_id
    from {{ ref('int_ses__subscription_changes') }}
    where is_opt_out

),

configuration_sets_tracking as (

    -- which sets track opens and clicks: as configured, else as seen
    -- noqa: disable=LT02
    select
        configuration_set,
        {%- for kind, class_count in [('opens', 'count_opens'), ('clicks', 'count_clicks')] %}
        {%- if tracked[kind] is none %}
        coalesce(bool_or({{ class_count }} > 0), false) as tracks_{{ kind }}{{ ',' if not loop.last }}
        {%- else %}
        {%- set listed_sets = [] %}
        {%- for listed_set in tracked[kind] %}{% do listed_sets.append(ses_string_literal(listed_set)) %}{% endfor %}
        coalesce(configuration_set in ({{ listed_sets | join(', ') or 'null' }}), false)
            as tracks_{{ kind }}{{ ',' if not loop.last }}
        {%- endif %}
        {%- endfor %}
    from messages
    group by configuration_set
    -- noqa: enable=LT02

),

message_attributes as (

    select
        messages.message_id,
        cast(messages.sent_at as date) as sent_date,
        messages.configuration_set,
        messages.sending_domain,
        messages.mailbox_provider as message_mailbox_provider,
        messages.campaign,
        -- VDM counts messages with one recipient, not to the mailbox simulator,
        -- and here only those whose Send is in the data: a delivery, bounce or
        -- open of a message sent before the events begin has no send to be a
        -- rate of, and would let a numerator outgrow its denominator
        messages.recipient_count = 1
        and messages.mailbox_provider <> 'mailbox_simulator'
        and messages.was_sent as is_vdm_eligible,
        coalesce(configuration_sets_tracking.tracks_opens, false) as tracks_opens,
        coalesce(configuration_sets_tracking.tracks_clicks, false) as tracks_clicks,
        messages.count_opens,
        messages.count_human_opens,
        messages.count_clicks,
        messages.count_human_clicks,
        unsubscribed_messages.message_id is not null as was_unsubscribed
    from messages
    left join configuration_sets_tracking
        on messages.configuration_set is not distinct from configuration_sets_tracking.configuration_set
    left join unsubscribed_messages
        on messages.message_id = unsubscribed_messages.message_id

),

recipient_rows as (

    select
        message_attributes.*,
        message_recipients.mailbox_provider as recipient_mailbox_provider,
        message_recipients.was_sent,
        message_recipients.was_delivered,
        message_recipients.was_rejected,
        message_recipients.was_delivery_delayed,
        message_recipients.was_bounced_permanently,
        message_recipients.was_bounced_transiently,
        message_recipients.was_bounced_on_suppression_list,
        message_recipients.was_complained,
        message_recipients.was_complained_on_suppression_list,
        {{ ses_sends_complaint_feedback('message_recipients.sends_complaint_feedback') }} as sends_complaint_feedback
    from message_recipients
    inner join message_attributes
        on message_recipients.message_id = message_attributes.message_id

),

figures as (

    -- noqa: disable=LT02
    {%- for grain, rows, provider in [
        ('recipient', 'recipient_rows', 'recipient_mailbox_provider'),
        ('message', 'message_attributes', 'message_mailbox_provider'),
    ] %}
    select
        sent_date,
        configuration_set,
        sending_domain,
        {{ provider }} as mailbox_provider,
        campaign,
        {%- for name, figure_grain, condition in figures %}
        {%- if figure_grain != grain %}
        0 as {{ name }}{{ ',' if not loop.last }}
        {%- elif condition is none %}
        {{ name }}{{ ',' if not loop.last }}
        {%- else %}
        case when {{ condition }} then 1 else 0 end as {{ name }}{{ ',' if not loop.last }}
        {%- endif %}
        {%- endfor %}
    from {{ rows }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    -- noqa: enable=LT02

),

totals as (

    -- noqa: disable=LT02
    select
        {%- for key in cell_keys %}
        {{ key }},
        {%- endfor %}
        {%- for name, _, _ in figures %}
        cast(sum({{ name }}) as {{ dbt.type_bigint() }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from figures
    group by {{ cell_keys | join(', ') }}
    -- noqa: enable=LT02

),

final as (

    select
        *,
        {{ ses_deliverability_rates() }}
        vdm_sends >= {{ ses_setting('ses_deliverability_minimum_sends') }} as has_minimum_volume,
        {{ ses_rebuild_columns() }}
    from totals

)

select * from final
where {{ ses_rebuild_filter() }}
