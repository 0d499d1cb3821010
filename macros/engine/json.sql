{#- JSON, where engines differ: the one parse of each record into typed
    structs, and the few helpers around it. Field lists come from
    macros/ses/ses_fields.sql. Spark's versions parse with from_json and a
    schema built from the same fields, and read single values as VARIANT
    (try_parse_json, variant_get); the models stay as they are. -#}

{#- Parse JSON text once into a struct holding every listed field, typed;
    null when the text is not valid JSON. Fields name their dotted path from
    the document's top; timestamps stay text here (ses_parse_timestamp reads
    them where they are named). A key the document lacks, or whose value has
    another type, gives null. -#}
{% macro ses_parse_json(text_column, fields) -%}
    {{ return(adapter.dispatch('ses_parse_json', 'ses_analytics')(text_column, fields)) }}
{%- endmacro %}

{#- The nested shape of `fields` (dotted JSON paths): a dict per object,
    a list of one dict for an array of objects, else the engine's type name
    from `json_types` (keyed by the field types of ses_fields.sql). -#}
{% macro ses_json_shape(fields, json_types) -%}
    {%- set shape = {} -%}
    {%- for field in fields -%}
        {%- set keys = field.json.split('.') -%}
        {%- set parent = namespace(node=shape) -%}
        {%- for key in keys[:-1] -%}
            {%- if key not in parent.node -%}{%- do parent.node.update({key: {}}) -%}{%- endif -%}
            {%- set parent.node = parent.node[key] -%}
        {%- endfor -%}
        {%- if field.type == 'struct_list' -%}
            {%- set element = {} -%}
            {%- for element_field in field.fields -%}{%- do element.update({element_field[1]: json_types[element_field[2]]}) -%}{%- endfor -%}
            {%- do parent.node.update({keys[-1]: [element]}) -%}
        {%- else -%}
            {%- do parent.node.update({keys[-1]: json_types[field.type]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(shape) }}
{%- endmacro %}

{% macro default__ses_parse_json(text_column, fields) -%}
    {%- set shape = ses_json_shape(fields, {
        'varchar': 'VARCHAR',
        'bigint': 'BIGINT',
        'boolean': 'BOOLEAN',
        'timestamp': 'VARCHAR',
        'varchar_list': ['VARCHAR'],
        'string_list_map': 'MAP(VARCHAR, VARCHAR[])',
        'json': 'JSON',
    }) -%}
    {#- Text that is not JSON must give null, not fail the batch. try() alone
        would do, but on an error DuckDB re-runs the whole vector (2,048 rows)
        row by row, and with bad records scattered through the data that is
        nearly every vector: ten times slower. So only text shaped as SES
        writes an object ({"...}) goes through try(); the rest is checked with
        json_valid first. A bad record that is shaped so still gives null, at
        the price of its own vector. -#}
    case
        when starts_with({{ text_column }}, '{"') and ends_with({{ text_column }}, '}')
            then try(json_transform({{ text_column }}, '{{ tojson(shape) }}'))
        when json_valid({{ text_column }}) then json_transform({{ text_column }}, '{{ tojson(shape) }}')
    end
{%- endmacro %}

{#- Spark: from_json with a DDL schema of the same shape. from_json gives a
    struct of nulls, not null, for text that is not JSON and for the JSON
    literal null, so the text is checked with try_parse_json first, once:
    text that is not JSON counts as the JSON null, and both give null, as on
    DuckDB (any other JSON value parses, as there). -#}
{% macro spark__ses_parse_json(text_column, fields) -%}
    {%- set shape = ses_json_shape(fields, {
        'varchar': 'string',
        'bigint': 'bigint',
        'boolean': 'boolean',
        'timestamp': 'string',
        'varchar_list': ['string'],
        'string_list_map': 'map<string, array<string>>',
        'json': 'string',
    }) -%}
    case
        when not is_variant_null(coalesce(try_parse_json({{ text_column }}), parse_json('null')))
            then from_json({{ text_column }}, {{ ses_string_literal(ses_spark_ddl_type(shape)) }})
    end
{%- endmacro %}

{#- A shape made by ses_json_shape as a Spark DDL type: struct<...> for a
    dict, array<...> for a list, the type name otherwise. -#}
{% macro ses_spark_ddl_type(shape) -%}
    {%- if shape is mapping -%}
        {%- set members = [] -%}
        {%- for key, member in shape.items() -%}
            {%- do members.append('`' ~ key ~ '`: ' ~ ses_spark_ddl_type(member)) -%}
        {%- endfor -%}
        {{ return('struct<' ~ members | join(', ') ~ '>') }}
    {%- elif shape is string -%}
        {{ return(shape) }}
    {%- else -%}
        {{ return('array<' ~ ses_spark_ddl_type(shape[0]) ~ '>') }}
    {%- endif -%}
{%- endmacro %}


{#- Whether a text is one valid JSON document. Only asked of the few records
    the parse returned null for, to tell text that is not JSON from the JSON
    literal null. -#}
{% macro ses_is_valid_json(text_column) -%}
    {{ return(adapter.dispatch('ses_is_valid_json', 'ses_analytics')(text_column)) }}
{%- endmacro %}

{% macro default__ses_is_valid_json(text_column) -%}
    json_valid({{ text_column }})
{%- endmacro %}

{% macro spark__ses_is_valid_json(text_column) -%}
    try_parse_json({{ text_column }}) is not null
{%- endmacro %}


{#- The value of a top-level key of a JSON text, as text (a string's content,
    or an object's JSON). Exported records write a type object as a JSON
    string ("reject": "{\"reason\": ...}"); this reads that string so it can
    be parsed. -#}
{% macro ses_json_key_text(text_column, key) -%}
    {{ return(adapter.dispatch('ses_json_key_text', 'ses_analytics')(text_column, key)) }}
{%- endmacro %}

{% macro default__ses_json_key_text(text_column, key) -%}
    json_extract_string({{ text_column }}, '$."{{ key }}"')
{%- endmacro %}

{% macro spark__ses_json_key_text(text_column, key) -%}
    get_json_object({{ text_column }}, {{ ses_string_literal('$' ~ ses_spark_json_path_steps([key])) }})
{%- endmacro %}

{#- The steps of a Spark JSON path to a key path, each key bracketed
    (['key']) so that any character but a quote may appear in it. -#}
{% macro ses_spark_json_path_steps(keys) -%}
    {%- set steps = [] -%}
    {%- for key in keys -%}{%- do steps.append("['" ~ key ~ "']") -%}{%- endfor -%}
    {{ return(steps | join('')) }}
{%- endmacro %}


{#- A field of a struct made by ses_parse_json, by its JSON path (dots step
    into nested objects). -#}
{% macro ses_struct_field(struct_column, json_path) -%}
    {{ struct_column }}.{% for key in json_path.split('.') %}{{ adapter.quote(key) }}{{ '.' if not loop.last }}{% endfor %}
{%- endmacro %}


{#- The first value of a tag, from the tags object as SES wrote it (each tag
    maps to an array of strings). -#}
{% macro ses_tag_value(tags_json, tag_key) -%}
    {{ return(adapter.dispatch('ses_tag_value', 'ses_analytics')(tags_json, tag_key)) }}
{%- endmacro %}

{% macro default__ses_tag_value(tags_json, tag_key) -%}
    json_extract_string({{ tags_json }}, {{ ses_string_literal('$."' ~ tag_key ~ '"[0]') }})
{%- endmacro %}

{% macro spark__ses_tag_value(tags_json, tag_key) -%}
    get_json_object({{ tags_json }}, {{ ses_string_literal('$' ~ ses_spark_json_path_steps([tag_key]) ~ '[0]') }})
{%- endmacro %}


{#- A tag's value as read: its first value, or, when written without its
    list, the string itself (the obvious reading; base_ses__records counts
    such records in unfit_values). -#}
{% macro ses_tag_value_as_read(tags_json, tag_key) -%}
    coalesce(
        {{ ses_tag_value(tags_json, tag_key) }},
        {{ ses_json_obvious_reading(ses_json_value(tags_json, tag_key), {'type': 'varchar'}) }}
    )
{%- endmacro %}


{#- A parsed array of objects with each element's fields renamed from their
    JSON keys to snake_case (`fields` as in ses_fields.sql). -#}
{% macro ses_rename_struct_list(list_column, fields) -%}
    {{ return(adapter.dispatch('ses_rename_struct_list', 'ses_analytics')(list_column, fields)) }}
{%- endmacro %}

{% macro default__ses_rename_struct_list(list_column, fields) -%}
    list_transform({{ list_column }}, lambda element: {
        {%- for field in fields %} '{{ field[0] }}': element.{{ adapter.quote(field[1]) }}{{ ',' if not loop.last }}{% endfor %} })
{%- endmacro %}

{% macro spark__ses_rename_struct_list(list_column, fields) -%}
    transform({{ list_column }}, element -> named_struct(
        {%- for field in fields %}'{{ field[0] }}', element.{{ adapter.quote(field[1]) }}{{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro %}


{#- A value of a JSON text at a dotted path from its top, as JSON (null
    when the key is missing). Asked only of the rare record whose required
    field parsed as null, so the second parse costs nothing in practice. -#}
{% macro ses_json_value(text_column, json_path) -%}
    {{ return(adapter.dispatch('ses_json_value', 'ses_analytics')(text_column, json_path)) }}
{%- endmacro %}

{% macro default__ses_json_value(text_column, json_path) -%}
    json_extract({{ text_column }}, '$.{% for key in json_path.split('.') %}"{{ key }}"{{ '.' if not loop.last }}{% endfor %}')
{%- endmacro %}

{#- Spark: the value as a VARIANT. -#}
{% macro spark__ses_json_value(text_column, json_path) -%}
    try_variant_get(try_parse_json({{ text_column }}), {{ ses_string_literal('$' ~ ses_spark_json_path_steps(json_path.split('.'))) }})
{%- endmacro %}


{#- The JSON type of a JSON value (ARRAY, OBJECT, VARCHAR, BIGINT, UBIGINT,
    DOUBLE, BOOLEAN, NULL). -#}
{% macro ses_json_type(json_column) -%}
    {{ return(adapter.dispatch('ses_json_type', 'ses_analytics')(json_column)) }}
{%- endmacro %}

{% macro default__ses_json_type(json_column) -%}
    json_type({{ json_column }})
{%- endmacro %}

{#- Spark: a VARIANT's type named as DuckDB's json_type names it (an
    integer is UBIGINT unless negative, any other number DOUBLE). -#}
{% macro spark__ses_json_type(json_column) -%}
    case
        when {{ json_column }} is null then null
        when schema_of_variant({{ json_column }}) like 'OBJECT%' then 'OBJECT'
        when schema_of_variant({{ json_column }}) like 'ARRAY%' then 'ARRAY'
        when schema_of_variant({{ json_column }}) = 'STRING' then 'VARCHAR'
        when schema_of_variant({{ json_column }}) = 'VOID' then 'NULL'
        when schema_of_variant({{ json_column }}) = 'BOOLEAN' then 'BOOLEAN'
        when schema_of_variant({{ json_column }}) in ('TINYINT', 'SMALLINT', 'INT', 'BIGINT')
            then case when variant_get({{ json_column }}, '$', 'bigint') < 0 then 'BIGINT' else 'UBIGINT' end
        else 'DOUBLE'
    end
{%- endmacro %}


{#- Whether a parsed map (string -> list, as linkTags) holds a key whose
    value is null: the one parse gives null for a value written with
    another type, and SES writes none as null. -#}
{% macro ses_map_has_null_value(map_column) -%}
    {{ return(adapter.dispatch('ses_map_has_null_value', 'ses_analytics')(map_column)) }}
{%- endmacro %}

{% macro default__ses_map_has_null_value(map_column) -%}
    len(list_filter(map_values({{ map_column }}), lambda map_value: map_value is null)) > 0
{%- endmacro %}

{% macro spark__ses_map_has_null_value(map_column) -%}
    exists(map_values({{ map_column }}), map_value -> map_value is null)
{%- endmacro %}


{#- The JSON type that the values of a JSON object were written as, where
    they are not lists (the values of a string -> list map, as linkTags): a
    type with no obvious reading first (a number, an object), else VARCHAR
    (one string each, read as a list of one), else NULL (every value a list
    or null: nothing unfit). -#}
{% macro ses_json_map_value_type(json_column) -%}
    {{ return(adapter.dispatch('ses_json_map_value_type', 'ses_analytics')(json_column)) }}
{%- endmacro %}

{% macro default__ses_json_map_value_type(json_column) -%}
    case
        when json_type({{ json_column }}) = 'OBJECT' then coalesce(
            list_filter(
                list_transform(
                    map_values(json_transform({{ json_column }}, '"MAP(VARCHAR, JSON)"')), lambda map_value: json_type(map_value)
                ),
                lambda value_type: value_type not in ('ARRAY', 'NULL', 'VARCHAR')
            )[1],
            case
                when list_contains(
                    list_transform(
                        map_values(json_transform({{ json_column }}, '"MAP(VARCHAR, JSON)"')), lambda map_value: json_type(map_value)
                    ),
                    'VARCHAR'
                ) then 'VARCHAR'
            end,
            'NULL'
        )
        else json_type({{ json_column }})
    end
{%- endmacro %}

{% macro spark__ses_json_map_value_type(json_column) -%}
    case
        when {{ ses_json_type(json_column) }} = 'OBJECT' then coalesce(
            try_element_at(filter(
                transform(
                    map_values(variant_get({{ json_column }}, '$', 'map<string, variant>')),
                    map_value -> {{ ses_json_type('map_value') }}
                ),
                value_type -> value_type not in ('ARRAY', 'NULL', 'VARCHAR')
            ), 1),
            case
                when array_contains(
                    transform(
                        map_values(variant_get({{ json_column }}, '$', 'map<string, variant>')),
                        map_value -> {{ ses_json_type('map_value') }}
                    ),
                    'VARCHAR'
                ) then 'VARCHAR'
            end,
            'NULL'
        )
        else {{ ses_json_type(json_column) }}
    end
{%- endmacro %}


{#- A JSON value that did not fit a field's type, read where its shape has
    an obvious reading: one string for a list of strings, one object for a
    list of objects, each as a list of one; a string for a string (a tag
    value written without its list); for a string -> list map, each value
    so (a list as it is, one string as a list of one, anything else null).
    Null otherwise. -#}
{% macro ses_json_obvious_reading(json_column, field) -%}
    {{ return(adapter.dispatch('ses_json_obvious_reading', 'ses_analytics')(json_column, field)) }}
{%- endmacro %}

{% macro default__ses_json_obvious_reading(json_column, field) -%}
    {%- if field.type == 'varchar' -%}
        case when json_type({{ json_column }}) = 'VARCHAR' then {{ json_column }} ->> '$' end
    {%- elif field.type == 'varchar_list' -%}
        case when json_type({{ json_column }}) = 'VARCHAR' then [{{ json_column }} ->> '$'] end
    {%- elif field.type == 'string_list_map' -%}
        case
            when json_type({{ json_column }}) = 'OBJECT' then map_from_entries(list_transform(
                map_entries(json_transform({{ json_column }}, '"MAP(VARCHAR, JSON)"')),
                lambda map_entry: {
                    'key': map_entry.key,
                    'value': case json_type(map_entry.value)
                        when 'ARRAY' then cast(map_entry.value as varchar[])
                        when 'VARCHAR' then [map_entry.value ->> '$']
                    end
                }
            ))
        end
    {%- elif field.type == 'struct_list' -%}
        {%- set element_fields = [] -%}
        {%- for element_field in field.fields -%}
            {%- do element_fields.append({'json': element_field[1], 'type': element_field[2]}) -%}
        {%- endfor -%}
        case
            when json_type({{ json_column }}) = 'OBJECT'
                then [{{ ses_parse_json('cast(' ~ json_column ~ ' as varchar)', element_fields) }}]
        end
    {%- else -%}
        null
    {%- endif -%}
{%- endmacro %}

{% macro spark__ses_json_obvious_reading(json_column, field) -%}
    {%- if field.type == 'varchar' -%}
        case when {{ ses_json_type(json_column) }} = 'VARCHAR' then variant_get({{ json_column }}, '$', 'string') end
    {%- elif field.type == 'varchar_list' -%}
        case when {{ ses_json_type(json_column) }} = 'VARCHAR' then array(variant_get({{ json_column }}, '$', 'string')) end
    {%- elif field.type == 'string_list_map' -%}
        case
            when {{ ses_json_type(json_column) }} = 'OBJECT' then transform_values(
                variant_get({{ json_column }}, '$', 'map<string, variant>'),
                (map_key, map_value) -> case {{ ses_json_type('map_value') }}
                    when 'ARRAY' then try_variant_get(map_value, '$', 'array<string>')
                    when 'VARCHAR' then array(variant_get(map_value, '$', 'string'))
                end
            )
        end
    {%- elif field.type == 'struct_list' -%}
        {%- set element_fields = [] -%}
        {%- for element_field in field.fields -%}
            {%- do element_fields.append({'json': element_field[1], 'type': element_field[2]}) -%}
        {%- endfor -%}
        case
            when {{ ses_json_type(json_column) }} = 'OBJECT'
                then array({{ ses_parse_json('to_json(' ~ json_column ~ ')', element_fields) }})
        end
    {%- else -%}
        null
    {%- endif -%}
{%- endmacro %}


{#- A parsed container (mail or a type object) with each of its required
    fields whose value as written has an obvious reading
    (ses_json_obvious_reading) replaced by that reading, at any depth
    (mail.commonHeaders.from); unchanged when none of its fields came out
    unfit. -#}
{% macro ses_refit_container(container, required_fields) -%}
    {{ return(adapter.dispatch('ses_refit_container', 'ses_analytics')(container, required_fields)) }}
{%- endmacro %}

{#- The required fields of one container as a tree of their JSON keys:
    {'commonHeaders': {'from': <entry>, 'to': <entry>}, 'destination': <entry>}. -#}
{% macro ses_refit_tree(required_fields) -%}
    {%- set tree = {} -%}
    {%- for required in required_fields -%}
        {%- set keys = required.field.json.split('.') -%}
        {%- set parent = namespace(node=tree) -%}
        {%- for key in keys[:-1] -%}
            {%- if key not in parent.node -%}{%- do parent.node.update({key: {}}) -%}{%- endif -%}
            {%- set parent.node = parent.node[key] -%}
        {%- endfor -%}
        {%- do parent.node.update({keys[-1]: required}) -%}
    {%- endfor -%}
    {{ return(tree) }}
{%- endmacro %}

{#- The value a refitted key takes: its obvious reading when its value as
    written has one, else the value as parsed. -#}
{% macro ses_refitted_value(struct, key, required) -%}
    coalesce(
        {{ ses_json_obvious_reading(required.unfit_column, required.field) }},
        {{ ses_struct_field(struct, key) }}
    )
{%- endmacro %}

{% macro default__ses_refit_container(container, required_fields) -%}
    case
        when {{ container }} is null or (
            {%- for required in required_fields %}{{ required.unfit_column }} is null{{ ' and ' if not loop.last }}{% endfor -%}
        )
            then {{ container }}
        else {{ ses_duckdb_struct_refitted(container, ses_refit_tree(required_fields)) }}
    end
{%- endmacro %}

{#- struct_update, one level at a time; a nested object the record does not
    hold stays null (struct_update of null gives a struct of nulls). -#}
{% macro ses_duckdb_struct_refitted(struct, tree) -%}
    struct_update(
        {{ struct }}
        {%- for key, node in tree.items() %},
        {{ adapter.quote(key) }} :=
        {%- if 'unfit_column' in node %} {{ ses_refitted_value(struct, key, node) }}
        {%- else %} case
            when {{ ses_struct_field(struct, key) }} is null then {{ ses_struct_field(struct, key) }}
            else {{ ses_duckdb_struct_refitted(ses_struct_field(struct, key), node) }}
        end
        {%- endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- Spark has no struct_update: the container is built again, key by key
    and level by level (its keys from the field list it was parsed with). -#}
{% macro spark__ses_refit_container(container, required_fields) -%}
    {%- set container_fields = namespace(list=ses_mail_fields() if container == 'record_mail' else []) -%}
    {%- for event_type in ses_event_types() if ses_type_object_column(event_type.event_class) == container -%}
        {%- set container_fields.list = ses_type_object_parsed_fields(event_type) -%}
    {%- endfor -%}
    {%- set shape = ses_json_shape(container_fields.list, {
        'varchar': 'leaf', 'bigint': 'leaf', 'boolean': 'leaf', 'timestamp': 'leaf',
        'varchar_list': 'leaf', 'string_list_map': 'leaf', 'json': 'leaf',
    }) -%}
    case
        when {{ container }} is null or (
            {%- for required in required_fields %}{{ required.unfit_column }} is null{{ ' and ' if not loop.last }}{% endfor -%}
        )
            then {{ container }}
        else {{ ses_spark_struct_refitted(container, shape, ses_refit_tree(required_fields)) }}
    end
{%- endmacro %}

{% macro ses_spark_struct_refitted(struct, shape, tree) -%}
    named_struct(
        {%- for key, member in shape.items() %}
        '{{ key }}',
        {%- if key in tree and 'unfit_column' in tree[key] %} {{ ses_refitted_value(struct, key, tree[key]) }}
        {%- elif key in tree %} case
            when {{ ses_struct_field(struct, key) }} is null then {{ ses_struct_field(struct, key) }}
            else {{ ses_spark_struct_refitted(ses_struct_field(struct, key), member, tree[key]) }}
        end
        {%- else %} {{ ses_struct_field(struct, key) }}{% endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#- The required fields of a record whose value as written did not fit its
    type, as a map from the field's JSON path to the JSON type SES wrote
    (whether it was read follows from the two: see
    ses_json_obvious_reading); null when every field fit. A JSON null fits
    (and so does any type an entry lists in fitting_json_types). -#}
{% macro ses_unfit_values(required_fields) -%}
    {{ return(adapter.dispatch('ses_unfit_values', 'ses_analytics')(required_fields)) }}
{%- endmacro %}

{% macro default__ses_unfit_values(required_fields) -%}
    {%- set entries -%}
        list_filter([
            {%- for required in required_fields %}
            case
                when {{ required.written_type }} not in (
                    {%- for json_type in required.get('fitting_json_types', ['NULL']) %}'{{ json_type }}'{{ ', ' if not loop.last }}{% endfor -%}
                )
                    then { 'key': '{{ required.path }}', 'value': {{ required.written_type }} }
            end{{ ',' if not loop.last }}
            {%- endfor %}
        ], lambda entry: entry is not null)
    {%- endset -%}
    case when len({{ entries }}) > 0 then map_from_entries({{ entries }}) end
{%- endmacro %}

{% macro spark__ses_unfit_values(required_fields) -%}
    {%- set entries -%}
        filter(array(
            {%- for required in required_fields %}
            case
                when {{ required.written_type }} not in (
                    {%- for json_type in required.get('fitting_json_types', ['NULL']) %}'{{ json_type }}'{{ ', ' if not loop.last }}{% endfor -%}
                )
                    then named_struct('key', '{{ required.path }}', 'value', {{ required.written_type }})
            end{{ ',' if not loop.last }}
            {%- endfor %}
        ), entry -> entry is not null)
    {%- endset -%}
    case when size({{ entries }}) > 0 then map_from_entries({{ entries }}) end
{%- endmacro %}
