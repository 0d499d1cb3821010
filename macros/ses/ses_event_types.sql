{#- The ten SES event types, in lifecycle order (used to break ties between
    events with the same timestamp). Adding a type is one line here plus its
    field list in ses_event_detail_columns(). -#}
{% macro ses_event_types() %}
    {{ return([
        {'event_type': 'Send', 'event_class': 'send', 'details_key': 'send', 'detail_type': 'Email Sent', 'staging_model': 'stg_ses__sends'},
        {'event_type': 'Reject', 'event_class': 'reject', 'details_key': 'reject', 'detail_type': 'Email Rejected', 'staging_model': 'stg_ses__rejects'},
        {'event_type': 'Rendering Failure', 'event_class': 'rendering_failure', 'details_key': 'failure', 'detail_type': 'Email Rendering Failed', 'staging_model': 'stg_ses__rendering_failures'},
        {'event_type': 'DeliveryDelay', 'event_class': 'delivery_delay', 'details_key': 'deliveryDelay', 'detail_type': 'Email Delivery Delayed', 'staging_model': 'stg_ses__delivery_delays'},
        {'event_type': 'Delivery', 'event_class': 'delivery', 'details_key': 'delivery', 'detail_type': 'Email Delivered', 'staging_model': 'stg_ses__deliveries'},
        {'event_type': 'Bounce', 'event_class': 'bounce', 'details_key': 'bounce', 'detail_type': 'Email Bounced', 'staging_model': 'stg_ses__bounces'},
        {'event_type': 'Open', 'event_class': 'open', 'details_key': 'open', 'detail_type': 'Email Opened', 'staging_model': 'stg_ses__opens'},
        {'event_type': 'Click', 'event_class': 'click', 'details_key': 'click', 'detail_type': 'Email Clicked', 'staging_model': 'stg_ses__clicks'},
        {'event_type': 'Complaint', 'event_class': 'complaint', 'details_key': 'complaint', 'detail_type': 'Email Complaint Received', 'staging_model': 'stg_ses__complaints'},
        {'event_type': 'Subscription', 'event_class': 'subscription', 'details_key': 'subscription', 'detail_type': 'Email Subscribed', 'staging_model': 'stg_ses__subscriptions'},
    ]) }}
{% endmacro %}


{#- Legacy identity notifications name the type in notificationType; only
    these three are events, the rest (AmazonSnsSubscriptionSucceeded) are not. -#}
{% macro ses_legacy_notification_types() %}
    {{ return(['Bounce', 'Complaint', 'Delivery']) }}
{% endmacro %}


{% macro ses_event_type_literal_list() -%}
    ({%- for event_type in ses_event_types() -%}'{{ event_type.event_type }}'{{ ', ' if not loop.last }}{%- endfor -%})
{%- endmacro %}


{#- SQL case expression mapping an SES eventType string to its event_class. -#}
{% macro ses_event_class_from_type(event_type_column) -%}
    case {{ event_type_column }}
        {%- for event_type in ses_event_types() %}
        when '{{ event_type.event_type }}' then '{{ event_type.event_class }}'
        {%- endfor %}
    end
{%- endmacro %}


{#- SQL expression ranking an event_class by SES lifecycle order (send first). -#}
{% macro ses_event_class_lifecycle_order(event_class_column) -%}
    case {{ event_class_column }}
        {%- for event_type in ses_event_types() %}
        when '{{ event_type.event_class }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}
