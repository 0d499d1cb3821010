{#- Field lists: which JSON key becomes which typed column. The extraction
    itself is engine-specific and lives in macros/engine/json.sql.

    Each column: name (snake_case column), json (dotted key path in the JSON
    object), type: one of
      varchar | bigint | boolean | json | timestamp (ISO text parsed to UTC)
      | varchar_list | string_list_map (object of string -> array of string)
      | struct_list (array of objects; `fields` lists [column, json key, type]). -#}

{#- mail.headers is left out: commonHeaders carries what analyses use, and the
    full header list stays in raw_ses_records.record_text. -#}
{% macro ses_mail_columns() %}
    {{ return([
        {'name': 'sent_at', 'json': 'timestamp', 'type': 'timestamp'},
        {'name': 'message_id', 'json': 'messageId', 'type': 'varchar'},
        {'name': 'source', 'json': 'source', 'type': 'varchar'},
        {'name': 'source_arn', 'json': 'sourceArn', 'type': 'varchar'},
        {'name': 'source_ip', 'json': 'sourceIp', 'type': 'varchar'},
        {'name': 'caller_identity', 'json': 'callerIdentity', 'type': 'varchar'},
        {'name': 'sending_account_id', 'json': 'sendingAccountId', 'type': 'varchar'},
        {'name': 'destination', 'json': 'destination', 'type': 'varchar_list'},
        {'name': 'headers_truncated', 'json': 'headersTruncated', 'type': 'boolean'},
        {'name': 'from_addresses', 'json': 'commonHeaders.from', 'type': 'varchar_list'},
        {'name': 'to_addresses', 'json': 'commonHeaders.to', 'type': 'varchar_list'},
        {'name': 'cc_addresses', 'json': 'commonHeaders.cc', 'type': 'varchar_list'},
        {'name': 'bcc_addresses', 'json': 'commonHeaders.bcc', 'type': 'varchar_list'},
        {'name': 'reply_to_addresses', 'json': 'commonHeaders.replyTo', 'type': 'varchar_list'},
        {'name': 'return_path', 'json': 'commonHeaders.returnPath', 'type': 'varchar'},
        {'name': 'header_date', 'json': 'commonHeaders.date', 'type': 'varchar'},
        {'name': 'header_message_id', 'json': 'commonHeaders.messageId', 'type': 'varchar'},
        {'name': 'subject', 'json': 'commonHeaders.subject', 'type': 'varchar'},
        {'name': 'tags', 'json': 'tags', 'type': 'string_list_map'},
    ]) }}
{% endmacro %}


{#- The typed columns of each event class's type object, keyed by event_class. -#}
{% macro ses_event_detail_columns() %}
    {% set recipient_status_fields = [
        ['email_address', 'emailAddress', 'varchar'],
        ['action', 'action', 'varchar'],
        ['status', 'status', 'varchar'],
        ['diagnostic_code', 'diagnosticCode', 'varchar'],
    ] %}
    {% set topic_fields = [
        ['topic_name', 'topicName', 'varchar'],
        ['subscription_status', 'subscriptionStatus', 'varchar'],
    ] %}
    {{ return({
        'send': [],
        'reject': [
            {'name': 'reject_reason', 'json': 'reason', 'type': 'varchar'},
        ],
        'bounce': [
            {'name': 'bounce_type', 'json': 'bounceType', 'type': 'varchar'},
            {'name': 'bounce_sub_type', 'json': 'bounceSubType', 'type': 'varchar'},
            {'name': 'bounced_recipients', 'json': 'bouncedRecipients', 'type': 'struct_list', 'fields': recipient_status_fields},
            {'name': 'bounced_at', 'json': 'timestamp', 'type': 'timestamp'},
            {'name': 'feedback_id', 'json': 'feedbackId', 'type': 'varchar'},
            {'name': 'reporting_mta', 'json': 'reportingMTA', 'type': 'varchar'},
            {'name': 'remote_mta_ip', 'json': 'remoteMtaIp', 'type': 'varchar'},
        ],
        'complaint': [
            {'name': 'complained_recipients', 'json': 'complainedRecipients', 'type': 'struct_list', 'fields': [['email_address', 'emailAddress', 'varchar']]},
            {'name': 'complained_at', 'json': 'timestamp', 'type': 'timestamp'},
            {'name': 'feedback_id', 'json': 'feedbackId', 'type': 'varchar'},
            {'name': 'complaint_sub_type', 'json': 'complaintSubType', 'type': 'varchar'},
            {'name': 'complaint_feedback_type', 'json': 'complaintFeedbackType', 'type': 'varchar'},
            {'name': 'user_agent', 'json': 'userAgent', 'type': 'varchar'},
            {'name': 'arrival_at', 'json': 'arrivalDate', 'type': 'timestamp'},
        ],
        'delivery': [
            {'name': 'delivered_at', 'json': 'timestamp', 'type': 'timestamp'},
            {'name': 'processing_time_millis', 'json': 'processingTimeMillis', 'type': 'bigint'},
            {'name': 'delivered_recipients', 'json': 'recipients', 'type': 'varchar_list'},
            {'name': 'smtp_response', 'json': 'smtpResponse', 'type': 'varchar'},
            {'name': 'reporting_mta', 'json': 'reportingMTA', 'type': 'varchar'},
            {'name': 'remote_mta_ip', 'json': 'remoteMtaIp', 'type': 'varchar'},
        ],
        'open': [
            {'name': 'opened_at', 'json': 'timestamp', 'type': 'timestamp'},
            {'name': 'ip_address', 'json': 'ipAddress', 'type': 'varchar'},
            {'name': 'user_agent', 'json': 'userAgent', 'type': 'varchar'},
        ],
        'click': [
            {'name': 'clicked_at', 'json': 'timestamp', 'type': 'timestamp'},
            {'name': 'ip_address', 'json': 'ipAddress', 'type': 'varchar'},
            {'name': 'user_agent', 'json': 'userAgent', 'type': 'varchar'},
            {'name': 'link', 'json': 'link', 'type': 'varchar'},
            {'name': 'link_tags', 'json': 'linkTags', 'type': 'string_list_map'},
        ],
        'rendering_failure': [
            {'name': 'template_name', 'json': 'templateName', 'type': 'varchar'},
            {'name': 'error_message', 'json': 'errorMessage', 'type': 'varchar'},
        ],
        'delivery_delay': [
            {'name': 'delay_type', 'json': 'delayType', 'type': 'varchar'},
            {'name': 'delayed_recipients', 'json': 'delayedRecipients', 'type': 'struct_list', 'fields': recipient_status_fields},
            {'name': 'expires_at', 'json': 'expirationTime', 'type': 'timestamp'},
            {'name': 'reporting_mta', 'json': 'reportingMTA', 'type': 'varchar'},
            {'name': 'delayed_at', 'json': 'timestamp', 'type': 'timestamp'},
        ],
        'subscription': [
            {'name': 'contact_list', 'json': 'contactList', 'type': 'varchar'},
            {'name': 'subscription_changed_at', 'json': 'timestamp', 'type': 'timestamp'},
            {'name': 'subscription_source', 'json': 'source', 'type': 'varchar'},
            {'name': 'new_unsubscribe_all', 'json': 'newTopicPreferences.unsubscribeAll', 'type': 'boolean'},
            {'name': 'new_topic_subscriptions', 'json': 'newTopicPreferences.topicSubscriptionStatus', 'type': 'struct_list', 'fields': topic_fields},
            {'name': 'new_topic_default_subscription_status', 'json': 'newTopicPreferences.topicDefaultSubscriptionStatus', 'type': 'varchar'},
            {'name': 'old_unsubscribe_all', 'json': 'oldTopicPreferences.unsubscribeAll', 'type': 'boolean'},
            {'name': 'old_topic_subscriptions', 'json': 'oldTopicPreferences.topicSubscriptionStatus', 'type': 'struct_list', 'fields': topic_fields},
            {'name': 'old_topic_default_subscription_status', 'json': 'oldTopicPreferences.topicDefaultSubscriptionStatus', 'type': 'varchar'},
        ],
    }) }}
{% endmacro %}


{#- One field of a parsed type object, kept only for the event classes that
    define it: a stray key in another class's object is not that class's
    field. -#}
{% macro ses_class_detail_field(struct_column, column, event_classes) -%}
    case when event_class in ({% for event_class in event_classes %}'{{ event_class }}'{{ ', ' if not loop.last }}{% endfor %}) then {{ ses_struct_field(struct_column, column) }} end
{%- endmacro %}
