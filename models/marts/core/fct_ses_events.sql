-- grain: one distinct SES event, flattened in the proof of concept's layout

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

),

details_parsed as (

    select
        *,
        {{ ses_json_to_struct('event_details', summary_fields) }} as summary
    from events

),

final as (

    select
        event_id,
        message_id,
        event_class,
        ses_event_type,
        lower(case event_class
            when 'bounce' then summary.bounceType
            when 'complaint' then summary.complaintFeedbackType
            when 'delivery_delay' then summary.delayType
        end) as event_type,
        lower(case event_class
            when 'bounce' then summary.bounceSubType
            when 'complaint' then summary.complaintSubType
        end) as event_subclass,
        coalesce(case event_class
            when 'delivery' then summary.recipients
            when 'bounce' then {{ ses_list_field('summary.bouncedRecipients', 'emailAddress') }}
            when 'complaint' then {{ ses_list_field('summary.complainedRecipients', 'emailAddress') }}
            when 'delivery_delay' then {{ ses_list_field('summary.delayedRecipients', 'emailAddress') }}
        end, cast([] as varchar[])) as event_recipients,
        event_details as event_data,
        event_at,
        sent_at,
        source,
        sending_account_id as account,
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
