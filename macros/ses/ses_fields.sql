{#- Which JSON keys of an SES record the project reads, and as what. One list
    drives the single parse in base_ses__records (macros/engine/json.sql
    turns it into the engine's JSON shape), the typed mail columns of base,
    and the named columns of each per-class staging model.

    A field: name (its snake_case column), json (its dotted key path inside
    `mail` or inside the type object), type, one of
      varchar | bigint | boolean
      | timestamp        ISO-8601 text, parsed to UTC where it is named
      | varchar_list     array of strings
      | string_list_map  object of string -> array of strings
      | json             kept as the JSON text SES wrote
      | struct_list      array of objects; `fields` lists [column, json key, type]
    and, for the recipient list of an event class that names its recipients,
    role: recipients; required: true for a field whose value as written is
    looked at again when the parse gives null where the record holds one
    (see ses_required_fields): a field SES always writes wherever its parent
    object is (mail.destination; commonHeaders' from and to; a class's
    recipients; topicSubscriptionStatus in its preferences), so a null there
    means another JSON type, and a map whose values are always lists
    (linkTags), so a value that parsed as null was written otherwise;
    personal: the kind of personal data it holds (address, header, text,
    link, value or tags: plugins/ses_personal_data.py), masked where
    base_ses__records types it when ses_pii_mode is hashed or redacted. A
    struct_list's element fields carry their kind fourth. -#}

{#- mail.headers is left out: commonHeaders carries what analyses use, and the
    full header list stays in raw_ses_records.record_text. mail.tags stays
    JSON: as a map, each event's seven tags become fourteen strings, a third
    of the parse and of the write of base_ses__records (see DECISIONLOG.md);
    configuration_set, the tag the marts use, is typed from it there. -#}
{% macro ses_mail_fields() %}
    {{ return([
        {'name': 'sent_at', 'json': 'timestamp', 'type': 'timestamp'},
        {'name': 'message_id', 'json': 'messageId', 'type': 'varchar'},
        {'name': 'source', 'json': 'source', 'type': 'varchar', 'personal': 'address'},
        {'name': 'source_arn', 'json': 'sourceArn', 'type': 'varchar', 'personal': 'text'},
        {'name': 'source_ip', 'json': 'sourceIp', 'type': 'varchar', 'personal': 'value'},
        {'name': 'caller_identity', 'json': 'callerIdentity', 'type': 'varchar', 'personal': 'value'},
        {'name': 'sending_account_id', 'json': 'sendingAccountId', 'type': 'varchar'},
        {'name': 'destination', 'json': 'destination', 'type': 'varchar_list', 'required': true, 'personal': 'address'},
        {'name': 'headers_truncated', 'json': 'headersTruncated', 'type': 'boolean'},
        {'name': 'from_addresses', 'json': 'commonHeaders.from', 'type': 'varchar_list', 'required': true, 'personal': 'header'},
        {'name': 'to_addresses', 'json': 'commonHeaders.to', 'type': 'varchar_list', 'required': true, 'personal': 'header'},
        {'name': 'cc_addresses', 'json': 'commonHeaders.cc', 'type': 'varchar_list', 'personal': 'header'},
        {'name': 'bcc_addresses', 'json': 'commonHeaders.bcc', 'type': 'varchar_list', 'personal': 'header'},
        {'name': 'reply_to_addresses', 'json': 'commonHeaders.replyTo', 'type': 'varchar_list', 'personal': 'header'},
        {'name': 'return_path', 'json': 'commonHeaders.returnPath', 'type': 'varchar', 'personal': 'header'},
        {'name': 'header_date', 'json': 'commonHeaders.date', 'type': 'varchar'},
        {'name': 'header_message_id', 'json': 'commonHeaders.messageId', 'type': 'varchar', 'personal': 'text'},
        {'name': 'subject', 'json': 'commonHeaders.subject', 'type': 'varchar', 'personal': 'text'},
        {'name': 'tags', 'json': 'tags', 'type': 'json', 'personal': 'tags'},
    ]) }}
{% endmacro %}


{#- The fields of each event class's type object, keyed by event_class. The
    type object's `timestamp` is the event time (base_ses__records.event_at)
    and is not repeated here. Send's type object is always empty. -#}
{% macro ses_type_object_fields() %}
    {%- set recipient_status_fields = [
        ['email_address', 'emailAddress', 'varchar', 'address'],
        ['action', 'action', 'varchar'],
        ['status', 'status', 'varchar'],
        ['diagnostic_code', 'diagnosticCode', 'varchar', 'text'],
    ] %}
    {%- set topic_fields = [
        ['topic_name', 'topicName', 'varchar'],
        ['subscription_status', 'subscriptionStatus', 'varchar'],
    ] %}
    {{ return({
        'send': [],
        'reject': [
            {'name': 'reject_reason', 'json': 'reason', 'type': 'varchar', 'personal': 'text'},
        ],
        'rendering_failure': [
            {'name': 'template_name', 'json': 'templateName', 'type': 'varchar'},
            {'name': 'error_message', 'json': 'errorMessage', 'type': 'varchar', 'personal': 'text'},
        ],
        'delivery_delay': [
            {'name': 'delay_type', 'json': 'delayType', 'type': 'varchar'},
            {'name': 'delayed_recipients', 'json': 'delayedRecipients', 'type': 'struct_list', 'fields': recipient_status_fields, 'role': 'recipients', 'required': true},
            {'name': 'expires_at', 'json': 'expirationTime', 'type': 'timestamp'},
            {'name': 'reporting_mta', 'json': 'reportingMTA', 'type': 'varchar'},
        ],
        'delivery': [
            {'name': 'processing_time_millis', 'json': 'processingTimeMillis', 'type': 'bigint', 'required': true},
            {'name': 'delivered_recipients', 'json': 'recipients', 'type': 'varchar_list', 'role': 'recipients', 'required': true, 'personal': 'address'},
            {'name': 'smtp_response', 'json': 'smtpResponse', 'type': 'varchar', 'personal': 'text'},
            {'name': 'reporting_mta', 'json': 'reportingMTA', 'type': 'varchar'},
            {'name': 'remote_mta_ip', 'json': 'remoteMtaIp', 'type': 'varchar', 'personal': 'value'},
        ],
        'bounce': [
            {'name': 'bounce_type', 'json': 'bounceType', 'type': 'varchar'},
            {'name': 'bounce_sub_type', 'json': 'bounceSubType', 'type': 'varchar'},
            {'name': 'bounced_recipients', 'json': 'bouncedRecipients', 'type': 'struct_list', 'fields': recipient_status_fields, 'role': 'recipients', 'required': true},
            {'name': 'feedback_id', 'json': 'feedbackId', 'type': 'varchar'},
            {'name': 'reporting_mta', 'json': 'reportingMTA', 'type': 'varchar'},
            {'name': 'remote_mta_ip', 'json': 'remoteMtaIp', 'type': 'varchar', 'personal': 'value'},
        ],
        'open': [
            {'name': 'ip_address', 'json': 'ipAddress', 'type': 'varchar', 'personal': 'value'},
            {'name': 'user_agent', 'json': 'userAgent', 'type': 'varchar', 'personal': 'value'},
        ],
        'click': [
            {'name': 'ip_address', 'json': 'ipAddress', 'type': 'varchar', 'personal': 'value'},
            {'name': 'user_agent', 'json': 'userAgent', 'type': 'varchar', 'personal': 'value'},
            {'name': 'link', 'json': 'link', 'type': 'varchar', 'personal': 'link'},
            {'name': 'link_tags', 'json': 'linkTags', 'type': 'string_list_map', 'required': true, 'personal': 'text'},
        ],
        'complaint': [
            {'name': 'complained_recipients', 'json': 'complainedRecipients', 'type': 'struct_list', 'fields': [['email_address', 'emailAddress', 'varchar', 'address']], 'role': 'recipients', 'required': true},
            {'name': 'feedback_id', 'json': 'feedbackId', 'type': 'varchar'},
            {'name': 'complaint_sub_type', 'json': 'complaintSubType', 'type': 'varchar'},
            {'name': 'complaint_feedback_type', 'json': 'complaintFeedbackType', 'type': 'varchar'},
            {'name': 'user_agent', 'json': 'userAgent', 'type': 'varchar', 'personal': 'value'},
            {'name': 'arrival_at', 'json': 'arrivalDate', 'type': 'timestamp'},
        ],
        'subscription': [
            {'name': 'contact_list', 'json': 'contactList', 'type': 'varchar'},
            {'name': 'subscription_source', 'json': 'source', 'type': 'varchar'},
            {'name': 'new_unsubscribe_all', 'json': 'newTopicPreferences.unsubscribeAll', 'type': 'boolean'},
            {'name': 'new_topic_subscriptions', 'json': 'newTopicPreferences.topicSubscriptionStatus', 'type': 'struct_list', 'fields': topic_fields, 'required': true},
            {'name': 'new_topic_default_subscription_status', 'json': 'newTopicPreferences.topicDefaultSubscriptionStatus', 'type': 'varchar'},
            {'name': 'old_unsubscribe_all', 'json': 'oldTopicPreferences.unsubscribeAll', 'type': 'boolean'},
            {'name': 'old_topic_subscriptions', 'json': 'oldTopicPreferences.topicSubscriptionStatus', 'type': 'struct_list', 'fields': topic_fields, 'required': true},
            {'name': 'old_topic_default_subscription_status', 'json': 'oldTopicPreferences.topicDefaultSubscriptionStatus', 'type': 'varchar'},
        ],
    }) }}
{% endmacro %}


{#- Every field of the SES record that the one parse reads, as json paths from
    the record's top: its type name, `mail`, and each class's type object
    (with the event time, `timestamp`, where the class has one). -#}
{% macro ses_record_fields() %}
    {%- set fields = [
        {'json': 'eventType', 'type': 'varchar'},
        {'json': 'notificationType', 'type': 'varchar'},
    ] %}
    {%- for field in ses_mail_fields() %}
        {%- do fields.append(dict(field, json='mail.' ~ field.json)) %}
    {%- endfor %}
    {%- for event_type in ses_event_types() if ses_type_object_fields()[event_type.event_class] %}
        {%- if event_type.has_timestamp %}
            {%- do fields.append({'json': event_type.details_key ~ '.timestamp', 'type': 'timestamp'}) %}
        {%- endif %}
        {%- for field in ses_type_object_fields()[event_type.event_class] %}
            {%- do fields.append(dict(field, json=event_type.details_key ~ '.' ~ field.json)) %}
        {%- endfor %}
    {%- endfor %}
    {{ return(fields) }}
{% endmacro %}


{#- The fields of one class's type object as parsed (its `timestamp` first,
    where it has one), with paths from the type object's top. -#}
{% macro ses_type_object_parsed_fields(event_type) %}
    {%- set fields = [{'json': 'timestamp', 'type': 'timestamp'}] if event_type.has_timestamp else [] %}
    {{ return(fields + ses_type_object_fields()[event_type.event_class]) }}
{% endmacro %}
