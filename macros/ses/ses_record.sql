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
        when event_class = {{ ses_string_literal(event_type.event_class) }}
            {%- for field in fields %} and {{ ses_struct_field(parsed, field.json) }} is null{% endfor %}
            then {{ ses_parse_json(ses_json_key_text('ses_record_text', event_type.details_key), fields) }}
        else {{ parsed }}
    end
{%- endmacro %}


{#- The fields whose value as written is looked at again when the parse
    gives null where the record holds one (required: true in ses_fields.sql)
    of the classes in `event_types` (every class, by default), and mail's;
    then the two tags the marts use (configuration set and campaign: tags
    stay JSON, with no container). For each:
    - field: as in ses_fields.sql; container: the column of its parsed
      mail or type object; path: its JSON path from the SES record's top,
      as ses_unfit_values names it;
    - came_out_null: when the parse gave null while the record holds a value
      (the field null while its parent object is there; for a map, a key
      whose value is null; for a tag, the tags are there);
    - source, source_path: where its value as written is read then (the
      SES record's text, or the tags), and unfit_column, the column that
      holds it;
    - written_type: the JSON type it was written as (for a map, that of its
      values); fitting_json_types: the types that fit (a JSON null fits;
      ses_unfit_values records any other). -#}
{% macro ses_required_fields(event_types=none) %}
    {%- if event_types is none %}
        {%- set event_types = ses_event_types() | selectattr('event_class', 'in', ses_type_object_fields()) | list %}
    {%- endif %}
    {%- set containers = [{'column': 'record_mail', 'key': 'mail', 'fields': ses_mail_fields(), 'prefix': 'unfit_mail__'}] %}
    {%- for event_type in event_types %}
        {%- do containers.append({
            'column': ses_type_object_column(event_type.event_class), 'key': event_type.details_key,
            'fields': ses_type_object_fields()[event_type.event_class], 'prefix': 'unfit_' ~ event_type.event_class ~ '__',
        }) %}
    {%- endfor %}
    {%- set required = [] %}
    {%- for container in containers %}
        {%- for field in container.fields if field.required %}
            {%- set value = ses_struct_field(container.column, field.json) %}
            {%- set parent_keys = field.json.split('.')[:-1] %}
            {%- set parent = ses_struct_field(container.column, parent_keys | join('.')) if parent_keys else container.column %}
            {%- set unfit_column = container.prefix ~ field.name %}
            {%- do required.append({
                'field': field, 'container': container.column, 'path': container.key ~ '.' ~ field.json,
                'came_out_null': ses_map_has_null_value(value) if field.type == 'string_list_map'
                    else parent ~ ' is not null and ' ~ value ~ ' is null',
                'source': 'ses_record_text', 'source_path': container.key ~ '.' ~ field.json,
                'unfit_column': unfit_column,
                'written_type': ses_json_map_value_type(unfit_column) if field.type == 'string_list_map'
                    else ses_json_type(unfit_column),
                'fitting_json_types': ['NULL'],
            }) %}
        {%- endfor %}
    {%- endfor %}
    {#- the tags the marts use: a list of one string, or, written without its
        list, the string itself; configuration_set is typed in
        base_ses__records (its value as written is read only when it came
        out null), the campaign tag (var ses_campaign_tag) in
        fct_ses_messages, so its type is looked at wherever tags are -#}
    {%- set tags = ses_struct_field('record_mail', 'tags') %}
    {%- for name, tag, came_out_null in [
        ('configuration_set', 'ses:configuration-set', 'configuration_set is null and ' ~ tags ~ ' is not null'),
        ('campaign', ses_setting('ses_campaign_tag'), tags ~ ' is not null'),
    ] %}
        {%- do required.append({
            'field': {'name': name, 'json': 'tags', 'type': 'varchar'}, 'container': none,
            'path': 'mail.tags.' ~ tag, 'came_out_null': came_out_null, 'source': tags, 'source_path': tag,
            'unfit_column': 'unfit_mail__' ~ name, 'written_type': ses_json_type('unfit_mail__' ~ name),
            'fitting_json_types': ['NULL', 'ARRAY'],
        }) %}
    {%- endfor %}
    {{ return(required) }}
{% endmacro %}


{#- The value as written of an entry of ses_required_fields, read again
    from its source only when the parse gave null while the record holds one
    (rare, so the second read costs nothing in practice); null otherwise. -#}
{% macro ses_value_as_written(required) -%}
    case
        when {{ required.came_out_null }}
            then {{ ses_json_value(required.source, required.source_path) }}
    end
{%- endmacro %}


{#- Whether a value that did not fit its field was read by its obvious
    reading, from the field's JSON path and the JSON type SES wrote (as
    base_ses__records.unfit_values records them): one string for a list of
    strings (or a map's value), one object for a list of objects. -#}
{% macro ses_unfit_value_is_read(field_column, json_type_column, required_fields) -%}
    case {{ field_column }}
        {%- for required in required_fields if required.field.type in ('varchar', 'varchar_list', 'struct_list', 'string_list_map') %}
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
        when {{ ses_string_literal(event_type.event_class) }}
            then {{ ses_struct_field(ses_type_object_column(event_type.event_class), 'timestamp') }}
        {%- endfor %}
    end
{%- endmacro %}


{#- True when the event's class has a type object with fields and the record
    carries none (Send's is always empty and is never missing). -#}
{% macro ses_type_object_is_missing(event_types) -%}
    case event_class
        {%- for event_type in event_types %}
        when {{ ses_string_literal(event_type.event_class) }} then {{ ses_type_object_column(event_type.event_class) }} is null
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
