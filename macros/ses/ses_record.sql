{#- The pieces of base_ses__records that are generated from the field lists
    (ses_fields.sql) and the ses_event_types var, so the model reads as the
    steps it takes; and the rule the models reading it share, that a
    redelivery is left out. -#}

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
    it is parsed from the string instead (rare, so the second parse costs
    nothing in practice). A string parses as an object with no field set
    on DuckDB and as null on Spark: both are read again, for the event's own
    class only. -#}
{% macro ses_type_object_from_string(event_type) -%}
    {%- set parsed = 'record_' ~ event_type.event_class -%}
    {%- set fields = ses_type_object_parsed_fields(event_type) -%}
    case
        when event_class = '{{ event_type.event_class }}'
            {%- for field in fields %} and {{ ses_struct_field(parsed, field.json) }} is null{% endfor %}
            then {{ ses_parse_json(ses_json_key_text('ses_record_text', event_type.details_key), fields) }}
        else {{ parsed }}
    end
{%- endmacro %}


{#- The fields SES always writes for a class (required: true in
    ses_fields.sql) of the classes in `event_types` (every class, by
    default), and mail's: for each,
    the column of its parsed container, its JSON path from the SES record's
    top, and the name of the column that holds its value as written when
    the parse gave null for it. Last, the configuration-set tag (it has no
    container: tags stay JSON). -#}
{% macro ses_required_fields(event_types=none) %}
    {%- if event_types is none %}
        {%- set event_types = ses_event_types() | selectattr('event_class', 'in', ses_type_object_fields()) | list %}
    {%- endif %}
    {%- set required = [] %}
    {%- for field in ses_mail_fields() if field.required %}
        {%- do required.append({
            'field': field, 'container': 'record_mail', 'path': 'mail.' ~ field.json,
            'unfit_column': 'unfit_mail__' ~ field.name,
        }) %}
    {%- endfor %}
    {%- for event_type in event_types %}
        {%- for field in ses_type_object_fields()[event_type.event_class] if field.required %}
            {%- do required.append({
                'field': field, 'container': ses_type_object_column(event_type.event_class),
                'path': event_type.details_key ~ '.' ~ field.json,
                'unfit_column': 'unfit_' ~ event_type.event_class ~ '__' ~ field.name,
            }) %}
        {%- endfor %}
    {%- endfor %}
    {#- the one tag the project types (configuration_set): a list of one
        string, or, written without its list, the string itself -#}
    {%- do required.append({
        'field': {'name': 'configuration_set', 'json': 'tags', 'type': 'varchar'}, 'container': none,
        'path': 'mail.tags.ses:configuration-set', 'unfit_column': 'unfit_mail__configuration_set',
        'fitting_json_types': ['NULL', 'ARRAY'],
    }) %}
    {{ return(required) }}
{% endmacro %}


{#- Whether a value that did not fit its field was read by its obvious
    reading, from the field's JSON path and the JSON type SES wrote (as
    base_ses__records.unfit_values records them). -#}
{% macro ses_unfit_value_is_read(field_column, json_type_column, required_fields) -%}
    case {{ field_column }}
        {%- for required in required_fields if required.field.type in ('varchar', 'varchar_list', 'struct_list') %}
        when '{{ required.path }}' then {{ json_type_column }} = '{{ 'OBJECT' if required.field.type == 'struct_list' else 'VARCHAR' }}'
        {%- endfor %}
        else false
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
    {%- set content = ['ses_event_type', ses_hashable_struct('record_mail')] -%}
    {%- for event_type in event_types -%}
        {%- do content.append(ses_hashable_struct(ses_type_object_column(event_type.event_class))) -%}
    {%- endfor -%}
    {{ ses_hash128(['message_id'], content) }}
{%- endmacro %}


{#- One mail field as its typed column (timestamps parsed to UTC). -#}
{% macro ses_mail_field(field) -%}
    {%- set value = ses_struct_field('record_mail', field.json) -%}
    {{ ses_parse_timestamp(value) if field.type == 'timestamp' else value }}
{%- endmacro %}


{#- The rows of `records` (rows of base_ses__records) that no batch of
    `batches` (base_ses__batches) lists as a redelivery: both are the names of
    CTEs of the calling model, which refs its inputs itself. -#}
{% macro ses_without_redeliveries(records, batches) -%}
    select {{ records }}.*
    from {{ records }}
    where {{ records }}.raw_record_id not in (
        select {{ ses_unnest(batches ~ '.redelivered_record_ids') }} as raw_record_id
        from {{ batches }}
    )
{%- endmacro %}
