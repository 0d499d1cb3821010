{#- The pieces of base_ses__records that are generated from the field lists
    (ses_fields.sql) and the ses_event_types var, so the model reads as the
    steps it takes. -#}

{#- Every field the one parse of a raw record reads: the envelope's own keys
    (SNS, EventBridge), the SES record at the top (bare records and legacy
    notifications) and the same record under `detail` (EventBridge). -#}
{% macro ses_envelope_fields() %}
    {%- set fields = [
        {'json': 'Type', 'type': 'varchar'},
        {'json': 'TopicArn', 'type': 'varchar'},
        {'json': 'MessageId', 'type': 'varchar'},
        {'json': 'Message', 'type': 'varchar'},
        {'json': 'source', 'type': 'varchar'},
        {'json': 'id', 'type': 'varchar'},
    ] %}
    {%- for field in ses_record_fields() %}
        {%- do fields.append(field) %}
        {%- do fields.append(dict(field, json='detail.' ~ field.json)) %}
    {%- endfor %}
    {{ return(fields) }}
{% endmacro %}


{#- The top-level parts of an SES record, each JSON key with the column that
    holds it while the record is judged: its type names, mail, and the type
    object of each class in `event_types`. -#}
{% macro ses_record_parts(event_types) %}
    {%- set parts = {
        'eventType': 'record_event_type',
        'notificationType': 'record_notification_type',
        'mail': 'record_mail',
    } %}
    {%- for event_type in event_types %}
        {%- do parts.update({event_type.details_key: 'record_' ~ event_type.event_class}) %}
    {%- endfor %}
    {{ return(parts) }}
{% endmacro %}


{#- A class's type object as parsed; when an export wrote it as a JSON string
    it parses as an object with no field set, and is parsed from the string
    instead (rare, so the second parse costs nothing in practice). -#}
{% macro ses_type_object_from_string(event_type) -%}
    {%- set parsed = 'record_' ~ event_type.event_class -%}
    {%- set fields = ses_type_object_parsed_fields(event_type) -%}
    case
        when {{ parsed }} is not null
            {%- for field in fields %} and {{ ses_struct_field(parsed, field.json) }} is null{% endfor %}
            then {{ ses_parse_json(ses_json_key_text('ses_record_text', event_type.details_key), fields) }}
        else {{ parsed }}
    end
{%- endmacro %}


{#- The event's own type object timestamp, as text (null for the classes that
    have none: their event time is mail.timestamp). -#}
{% macro ses_type_object_timestamp(event_types) -%}
    case event_class
        {%- for event_type in event_types if event_type.has_timestamp %}
        when '{{ event_type.event_class }}'
            then {{ ses_struct_field(ses_type_object_column(event_type.event_class), 'timestamp') }}
        {%- endfor %}
    end
{%- endmacro %}


{#- True when the event's class has a type object with fields and the record
    carries none (Send's is always empty and is never missing). -#}
{% macro ses_type_object_is_missing(event_types) -%}
    case event_class
        {%- for event_type in event_types %}
        when '{{ event_type.event_class }}' then {{ ses_type_object_column(event_type.event_class) }} is null
        {%- endfor %}
        else false
    end
{%- endmacro %}


{#- The event id: 64 bits of the message id, then 64 bits of the parsed
    record (its type, mail, and every type object), so white space, key
    order and the envelope do not change it. See DECISIONLOG.md. -#}
{% macro ses_event_id(event_types) -%}
    {%- set content = ['ses_event_type', 'record_mail'] -%}
    {%- for event_type in event_types -%}
        {%- do content.append(ses_type_object_column(event_type.event_class)) -%}
    {%- endfor -%}
    {{ ses_hash128(['message_id'], content) }}
{%- endmacro %}


{#- One mail field as its typed column (timestamps parsed to UTC). -#}
{% macro ses_mail_field(field) -%}
    {%- set value = ses_struct_field('record_mail', field.json) -%}
    {{ ses_parse_timestamp(value) if field.type == 'timestamp' else value }}
{%- endmacro %}
