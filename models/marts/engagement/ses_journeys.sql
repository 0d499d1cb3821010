-- grain: one event per (message_id, recipient) it is attributed to, numbered
-- in time order; ties are broken by SES lifecycle order (send before delivery
-- before open before click), then by event_id, so the order is deterministic.
-- Rebuilt message by message: a late event can renumber a whole journey.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{#- The per-class details a journey step shows, read in one parse of
    fct_ses_events.event_data with the per-class staging models' own field
    specs (ses_event_detail_columns); each field is kept only for the classes
    that define it. -#}
{%- set step_detail_names = [
    'link', 'user_agent', 'ip_address', 'smtp_response', 'bounce_type', 'bounce_sub_type',
    'delay_type', 'complaint_feedback_type', 'bounced_recipients', 'delayed_recipients',
] %}
{%- set step_detail_columns = [] %}
{%- set step_detail_classes = {} %}
{%- for column_name in step_detail_names %}
    {%- for event_class, columns in ses_event_detail_columns().items() %}
        {%- for column in columns if column.name == column_name %}
            {%- if column_name not in step_detail_classes %}
                {%- do step_detail_columns.append(column) %}
                {%- do step_detail_classes.update({column_name: []}) %}
            {%- endif %}
            {%- do step_detail_classes[column_name].append(event_class) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}
{%- set changed_message = ses_is_changed_message() %}

with recipient_events as (

    select * from {{ ref('int_ses__recipient_events') }}
    where {{ changed_message }}

),

event_details as (

    select
        event_id,
        event_class,
        {{ ses_json_to_struct('event_data', step_detail_columns) }} as details
    from {{ ref('fct_ses_events') }}
    where {{ changed_message }}

),

step_details as (

    -- noqa: disable=LT02
    select
        {%- for column in step_detail_columns %}
        {{ ses_class_detail_field('details', column, step_detail_classes[column.name]) }} as {{ column.name }},
        {%- endfor %}
        event_id
    from event_details
    -- noqa: enable=LT02

),

recipient_statuses as (

    -- bounces and delays give a status and diagnostic for each recipient
    select
        event_id,
        {{ ses_unnest('bounced_recipients') }} as recipient_status
    from step_details
    where {{ ses_list_length('bounced_recipients') }} > 0
    union all
    select
        event_id,
        {{ ses_unnest('delayed_recipients') }} as recipient_status
    from step_details
    where {{ ses_list_length('delayed_recipients') }} > 0

),

recipient_diagnostics as (

    select
        event_id,
        lower(trim(recipient_status.email_address)) as recipient,
        min(recipient_status.status) as smtp_status,
        min(recipient_status.diagnostic_code) as diagnostic_code
    from recipient_statuses
    group by event_id, lower(trim(recipient_status.email_address))

),

steps as (

    select
        *,
        row_number() over (
            partition by message_id, recipient
            order by event_at, {{ ses_event_class_lifecycle_order('event_class') }}, event_id
        ) as step_number
    from recipient_events

),

timed_steps as (

    select
        *,
        lag(event_at) over (partition by message_id, recipient order by step_number) as previous_step_at
    from steps

),

final as (

    select
        timed_steps.message_id,
        timed_steps.recipient,
        timed_steps.attribution,
        timed_steps.step_number,
        timed_steps.event_id,
        timed_steps.event_class,
        timed_steps.event_at,
        {{ ses_seconds_between('timed_steps.sent_at', 'timed_steps.event_at') }} as seconds_since_send,
        {{ ses_seconds_between('timed_steps.previous_step_at', 'timed_steps.event_at') }}
            as seconds_since_previous_step,
        step_details.link,
        step_details.user_agent,
        step_details.ip_address,
        step_details.smtp_response,
        step_details.bounce_type,
        step_details.bounce_sub_type,
        step_details.delay_type,
        step_details.complaint_feedback_type,
        recipient_diagnostics.smtp_status,
        recipient_diagnostics.diagnostic_code,
        timed_steps.loaded_at
    from timed_steps
    left join step_details on timed_steps.event_id = step_details.event_id
    left join recipient_diagnostics
        on
            timed_steps.event_id = recipient_diagnostics.event_id
            and timed_steps.recipient = recipient_diagnostics.recipient

)

select * from final
