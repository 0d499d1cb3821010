{#- The ten SES event types, from the ses_event_types var in dbt_project.yml
    (lifecycle order, plural, past tense and recipient grain of each). -#}
{% macro ses_event_types() %}
    {{ return(ses_setting('ses_event_types')) }}
{% endmacro %}


{#- Legacy identity notifications name the type in notificationType; only
    these three are events, the rest (AmazonSnsSubscriptionSucceeded) are not. -#}
{% macro ses_legacy_notification_types() %}
    {{ return(['Bounce', 'Complaint', 'Delivery']) }}
{% endmacro %}


{#- SQL case expression mapping an SES eventType string to its event_class. -#}
{% macro ses_event_class_from_type(event_type_column) -%}
    case {{ event_type_column }}
        {%- for event_type in ses_event_types() %}
        when {{ ses_string_literal(event_type.event_type) }} then {{ ses_string_literal(event_type.event_class) }}
        {%- endfor %}
    end
{%- endmacro %}


{#- SQL expression ranking an event_class by SES lifecycle order (send first). -#}
{% macro ses_event_class_lifecycle_order(event_class_column) -%}
    case {{ event_class_column }}
        {%- for event_type in ses_event_types() %}
        when {{ ses_string_literal(event_type.event_class) }} then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}


{#- The event classes whose recipient_grain is the given one, as a SQL list. -#}
{% macro ses_event_classes_with_recipient_grain(recipient_grain) -%}
    ({%- for event_type in ses_event_types() if event_type.recipient_grain == recipient_grain -%}
        {{ ses_string_literal(event_type.event_class) }}{{ ', ' if not loop.last }}
    {%- endfor -%})
{%- endmacro %}


{#- SQL case expression naming the lifecycle status an event_class leaves a
    message in (its past tense: delivered, bounced, ...). -#}
{% macro ses_lifecycle_status(event_class_column) -%}
    case {{ event_class_column }}
        {%- for event_type in ses_event_types() %}
        when {{ ses_string_literal(event_type.event_class) }} then {{ ses_string_literal(event_type.past_tense) }}
        {%- endfor %}
    end
{%- endmacro %}
