{#- JSON, where engines differ: the one parse of each record into typed
    structs, and the few helpers around it. Field lists come from
    macros/ses/ses_fields.sql; another engine implements these macros (e.g.
    spark__ses_parse_json with from_json and a schema built from the same
    fields) and the models stay as they are. -#}

{#- Parse JSON text once into a struct holding every listed field, typed;
    null when the text is not valid JSON. Fields name their dotted path from
    the document's top; timestamps stay text here (ses_parse_timestamp reads
    them where they are named). A key the document lacks, or whose value has
    another type, gives null. -#}
{% macro ses_parse_json(text_column, fields) -%}
    {{ return(adapter.dispatch('ses_parse_json', 'ses_analytics')(text_column, fields)) }}
{%- endmacro %}

{% macro default__ses_parse_json(text_column, fields) -%}
    {%- set json_types = {
        'varchar': 'VARCHAR',
        'bigint': 'BIGINT',
        'boolean': 'BOOLEAN',
        'timestamp': 'VARCHAR',
        'varchar_list': ['VARCHAR'],
        'string_list_map': 'MAP(VARCHAR, VARCHAR[])',
        'json': 'JSON',
    } -%}
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


{#- Whether a text is one valid JSON document. Only asked of the few records
    the parse returned null for, to tell text that is not JSON from the JSON
    literal null. -#}
{% macro ses_is_valid_json(text_column) -%}
    {{ return(adapter.dispatch('ses_is_valid_json', 'ses_analytics')(text_column)) }}
{%- endmacro %}

{% macro default__ses_is_valid_json(text_column) -%}
    json_valid({{ text_column }})
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
    json_extract_string({{ tags_json }}, '$."{{ tag_key }}"[0]')
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
