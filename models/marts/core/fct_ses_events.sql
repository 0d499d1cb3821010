-- grain: one distinct SES event, flattened in the proof of concept's layout
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set summary_fields = [
    {'name': 'bounce_type', 'json': 'bounceType', 'type': 'varchar'},
    {'name': 'bounce_sub_type', 'json': 'bounceSubType', 'type': 'varchar'},
    {'name': 'complaint_feedback_type', 'json': 'complaintFeedbackType', 'type': 'varchar'},
    {'name': 'complaint_sub_type', 'json': 'complaintSubType', 'type': 'varchar'},
    {'name': 'delay_type', 'json': 'delayType', 'type': 'varchar'},
    {'name': 'delivered_recipients', 'json': 'recipients', 'type': 'varchar_list'},
    {'name': 'bounced_recipients', 'json': 'bouncedRecipients', 'type': 'struct_list', 'fields': [['email_address', 'emailAddress', 'varchar']]},
    {'name': 'complained_recipients', 'json': 'complainedRecipients', 'type': 'struct_list', 'fields': [['email_address', 'emailAddress', 'varchar']]},
    {'name': 'delayed_recipients', 'json': 'delayedRecipients', 'type': 'struct_list', 'fields': [['email_address', 'emailAddress', 'varchar']]},
] %}

with events as (

    select * from {{ ref('stg_ses__events') }}
    where {{ ses_loaded_since_last_run() }}

),

details_parsed as (

    select
        *,
        {{ ses_json_to_struct('event_details', summary_fields) }} as event_summary
    from events

),

final as (

    select
        event_id,
        message_id,
        event_class,
        ses_event_type,
        lower(case event_class
            when 'bounce' then event_summary.bounceType
            when 'complaint' then event_summary.complaintFeedbackType
            when 'delivery_delay' then event_summary.delayType
        end) as event_type,
        lower(case event_class
            when 'bounce' then event_summary.bounceSubType
            when 'complaint' then event_summary.complaintSubType
        end) as event_subclass,
        coalesce(case event_class
            when 'delivery' then event_summary.recipients
            when 'bounce' then {{ ses_list_field('event_summary.bouncedRecipients', 'emailAddress') }}
            when 'complaint' then {{ ses_list_field('event_summary.complainedRecipients', 'emailAddress') }}
            when 'delivery_delay' then {{ ses_list_field('event_summary.delayedRecipients', 'emailAddress') }}
        end, cast([] as varchar[])) as event_recipients,
        event_details as event_data,
        event_at,
        sent_at,
        source,
        -- `account` is the proof of concept's name for the sending account
        sending_account_id as account,  -- noqa: RF04
        from_addresses,
        to_addresses,
        destination,
        subject,
        header_message_id,
        configuration_set,
        tags,
        envelope_type,
        transport_message_id,
        file_name,
        loaded_at
    from details_parsed

)

select * from final
