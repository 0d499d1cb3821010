-- grain: one event per recipient it is attributed to, with the details a
-- journey step shows. Events that list their recipients (delivery, bounce,
-- complaint, delivery delay) go to each listed recipient; send, reject and
-- rendering failure concern every recipient of the message; opens, clicks and
-- subscriptions name nobody, so they go to the message's only recipient when
-- it has exactly one. An event left without a recipient keeps one row with a
-- null recipient, so every event appears at least once. Rebuilt message by
-- message: a message's recipients decide where its opens and clicks go.
{{ config(
    schema=ses_schema('staging'),
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{#- The per-class details a journey step shows, each taken from the classes
    whose staging model has it; smtp_status and diagnostic_code come from the
    recipient list of bounces and delays. -#}
{%- set step_detail_names = [
    'link', 'user_agent', 'ip_address', 'smtp_response', 'bounce_type', 'bounce_sub_type',
    'delay_type', 'complaint_feedback_type', 'complaint_sub_type',
] %}

{%- set events = ref('stg_ses__events') %}
{%- set changed_message = ses_changed_messages('message_id', [events]) %}

with message_recipients as (

    select * from {{ ref('int_ses__message_recipients') }}
    where {{ changed_message }}

),

-- one block of steps per event class, generated from ses_event_types
-- noqa: disable=LT02
{%- for event_type in ses_event_types() %}
{%- set fields = ses_type_object_fields()[event_type.event_class] %}
{%- set field_names = fields | map(attribute='name') | list %}
{%- set recipients_field = (
    fields | selectattr('role', 'defined') | selectattr('role', 'equalto', 'recipients') | list + [none]
)[0] %}
{%- set has_statuses = recipients_field is not none and recipients_field.type == 'struct_list'
    and 'status' in recipients_field.fields | map('first') | list %}

{{ event_type.plural }} as (

    select * from {{ ref(event_type.staging_model) }}
    where {{ changed_message }}

),
{%- if event_type.recipient_grain == 'listed' %}

{{ event_type.event_class }}_listed_recipients as (

    select
        event_id,
        {{ ses_unnest(recipients_field.name) }} as listed
    from {{ event_type.plural }}

),

{{ event_type.event_class }}_recipients as (

    {%- set address = 'listed.email_address' if recipients_field.type == 'struct_list' else 'listed' %}
    select
        event_id,
        lower(trim({{ address }})) as recipient,
        {{ "min(listed.status)" if has_statuses else "cast(null as " ~ dbt.type_string() ~ ")" }}
            as smtp_status,
        {{ "min(listed.diagnostic_code)" if has_statuses else "cast(null as " ~ dbt.type_string() ~ ")" }}
            as diagnostic_code
    from {{ event_type.event_class }}_listed_recipients
    where trim({{ address }}) <> ''
    group by event_id, lower(trim({{ address }}))

),
{%- endif %}

{{ event_type.event_class }}_attributed as (

    select
        {{ event_type.plural }}.event_id,
        {{ event_type.plural }}.message_id,
        {{ ses_string_literal(event_type.event_class) }} as event_class,
        {{ event_type.plural }}.event_at,
        {{ event_type.plural }}.sent_at,
        {%- if event_type.recipient_grain == 'listed' %}
        recipients.recipient,
        case when recipients.recipient is not null then 'listed' else 'unattributed' end as attribution,
        {%- elif event_type.recipient_grain == 'message' %}
        message_recipients.recipient,
        case when message_recipients.recipient is not null then 'every_recipient' else 'unattributed' end
            as attribution,
        {%- else %}
        message_recipients.recipient,
        case when message_recipients.recipient is not null then 'only_recipient' else 'unattributed' end
            as attribution,
        {%- endif %}
        {%- for detail_name in step_detail_names %}
        {%- if detail_name in field_names %}
        {{ event_type.plural }}.{{ detail_name }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ detail_name }},
        {%- endif %}
        {%- endfor %}
        {%- if event_type.recipient_grain == 'listed' %}
        recipients.smtp_status,
        recipients.diagnostic_code,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as smtp_status,
        cast(null as {{ dbt.type_string() }}) as diagnostic_code,
        {%- endif %}
        {{ ses_run_loaded_at() }} as loaded_at
    from {{ event_type.plural }}
    {%- if event_type.recipient_grain == 'listed' %}
    left join {{ event_type.event_class }}_recipients as recipients
        on {{ event_type.plural }}.event_id = recipients.event_id
    {%- elif event_type.recipient_grain == 'message' %}
    left join message_recipients
        on {{ event_type.plural }}.message_id = message_recipients.message_id
    {%- else %}
    left join message_recipients
        on
            {{ event_type.plural }}.message_id = message_recipients.message_id
            and message_recipients.message_recipient_count = 1
    {%- endif %}

),
{%- endfor %}

final as (

    {%- for event_type in ses_event_types() %}
    select * from {{ event_type.event_class }}_attributed
    {{ 'union all' if not loop.last }}
    {%- endfor %}

)
-- noqa: enable=LT02

select * from final
