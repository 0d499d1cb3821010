{#- JSON handling. Everything engine-specific about JSON lives here: another
    engine implements these macros (e.g. spark__ses_json_to_struct with
    from_json) and the models stay as they are. -#}

{% macro ses_is_valid_json(text_column) -%}
    {{ return(adapter.dispatch('ses_is_valid_json', 'ses_analytics')(text_column)) }}
{%- endmacro %}

{% macro default__ses_is_valid_json(text_column) -%}
    json_valid({{ text_column }})
{%- endmacro %}


{#- Minified JSON as text: the same document always hashes the same, whatever
    white space the transport added. -#}
{% macro ses_json_minified(json_column) -%}
    {{ return(adapter.dispatch('ses_json_minified', 'ses_analytics')(json_column)) }}
{%- endmacro %}

{% macro default__ses_json_minified(json_column) -%}
    cast(json({{ json_column }}) as varchar)
{%- endmacro %}


{#- A JSON value that may arrive as an object or as a JSON string holding the
    object (exported data writes "send": "{}"), returned as JSON either way. -#}
{% macro ses_json_unquote_object(json_column) -%}
    {{ return(adapter.dispatch('ses_json_unquote_object', 'ses_analytics')(json_column)) }}
{%- endmacro %}

{% macro default__ses_json_unquote_object(json_column) -%}
    case
        when json_type({{ json_column }}) = 'VARCHAR'
            and json_valid(json_extract_string({{ json_column }}, '$'))
            then cast(json_extract_string({{ json_column }}, '$') as json)
        when json_type({{ json_column }}) = 'NULL' then null
        else {{ json_column }}
    end
{%- endmacro %}


{#- Parse a JSON text column once into a struct holding every listed column
    (see ses_columns.sql for the column spec). One parse per record is several
    times faster than one path extraction per field. -#}
{% macro ses_json_to_struct(json_column, columns) -%}
    {{ return(adapter.dispatch('ses_json_to_struct', 'ses_analytics')(json_column, columns)) }}
{%- endmacro %}

{% macro default__ses_json_to_struct(json_column, columns) -%}
    {%- set json_types = {
        'varchar': 'VARCHAR',
        'bigint': 'BIGINT',
        'boolean': 'BOOLEAN',
        'json': 'JSON',
        'timestamp': 'VARCHAR',
        'varchar_list': ['VARCHAR'],
        'string_list_map': 'MAP(VARCHAR, VARCHAR[])',
    } -%}
    {%- set shape = {} -%}
    {%- for column in columns -%}
        {%- set keys = column.json.split('.') -%}
        {%- set parent = namespace(node=shape) -%}
        {%- for key in keys[:-1] -%}
            {%- if key not in parent.node -%}{%- do parent.node.update({key: {}}) -%}{%- endif -%}
            {%- set parent.node = parent.node[key] -%}
        {%- endfor -%}
        {%- if column.type == 'struct_list' -%}
            {%- set element = {} -%}
            {%- for field in column.fields -%}{%- do element.update({field[1]: json_types[field[2]]}) -%}{%- endfor -%}
            {%- do parent.node.update({keys[-1]: [element]}) -%}
        {%- else -%}
            {%- do parent.node.update({keys[-1]: json_types[column.type]}) -%}
        {%- endif -%}
    {%- endfor -%}
    json_transform({{ json_column }}, '{{ tojson(shape) }}')
{%- endmacro %}


{#- The typed SQL expression for one column of a struct made by
    ses_json_to_struct. -#}
{% macro ses_struct_field(struct_column, column) -%}
    {{ return(adapter.dispatch('ses_struct_field', 'ses_analytics')(struct_column, column)) }}
{%- endmacro %}

{% macro default__ses_struct_field(struct_column, column) -%}
    {%- set path = struct_column ~ '."' ~ column.json.split('.') | join('"."') ~ '"' -%}
    {%- if column.type == 'timestamp' -%}
        {{ ses_parse_timestamp(path) }}
    {%- elif column.type == 'struct_list' -%}
        list_transform({{ path }}, lambda element: {
            {%- for field in column.fields %}'{{ field[0] }}': element."{{ field[1] }}"{{ ', ' if not loop.last }}{% endfor -%}
        })
    {%- else -%}
        {{ path }}
    {%- endif -%}
{%- endmacro %}



{#- The first value of a tag (tags map each key to an array of strings). -#}
{% macro ses_tag_value(tags_column, tag_key) -%}
    {{ return(adapter.dispatch('ses_tag_value', 'ses_analytics')(tags_column, tag_key)) }}
{%- endmacro %}

{% macro default__ses_tag_value(tags_column, tag_key) -%}
    {{ tags_column }}['{{ tag_key }}'][1]
{%- endmacro %}


{#- One field of every element of a list of structs, as a list. -#}
{% macro ses_list_field(list_column, field_name) -%}
    {{ return(adapter.dispatch('ses_list_field', 'ses_analytics')(list_column, field_name)) }}
{%- endmacro %}

{% macro default__ses_list_field(list_column, field_name) -%}
    list_transform({{ list_column }}, lambda element: element."{{ field_name }}")
{%- endmacro %}


{#- One row per element of a list column (used in a select list). -#}
{% macro ses_unnest(list_column) -%}
    {{ return(adapter.dispatch('ses_unnest', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_unnest(list_column) -%}
    unnest({{ list_column }})
{%- endmacro %}


{#- Number of elements of a list (0 for null). -#}
{% macro ses_list_length(list_column) -%}
    {{ return(adapter.dispatch('ses_list_length', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_list_length(list_column) -%}
    coalesce(len({{ list_column }}), 0)
{%- endmacro %}


{#- The first element of a list (null for an empty or null list). -#}
{% macro ses_list_first(list_column) -%}
    {{ return(adapter.dispatch('ses_list_first', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_list_first(list_column) -%}
    list_extract({{ list_column }}, 1)
{%- endmacro %}


{#- A sorted list of the distinct values of a column, as an aggregate. -#}
{% macro ses_sorted_list_agg(column) -%}
    {{ return(adapter.dispatch('ses_sorted_list_agg', 'ses_analytics')(column)) }}
{%- endmacro %}

{% macro default__ses_sorted_list_agg(column) -%}
    list(distinct {{ column }} order by {{ column }}) filter (where {{ column }} is not null)
{%- endmacro %}


{#- A map of string keys to the text of the given columns. `columns` are
    column names; an empty list gives a null map. -#}
{% macro ses_columns_as_string_map(columns) -%}
    {{ return(adapter.dispatch('ses_columns_as_string_map', 'ses_analytics')(columns)) }}
{%- endmacro %}

{% macro default__ses_columns_as_string_map(columns) -%}
    {%- if columns | length == 0 -%}
        cast(null as map(varchar, varchar))
    {%- else -%}
        map {
            {%- for column in columns %}'{{ column }}': cast("{{ column }}" as varchar){{ ', ' if not loop.last }}{% endfor -%}
        }
    {%- endif -%}
{%- endmacro %}


{#- A fast 64-bit hash of a text, for grouping identical texts. Not an
    identity: equal hashes are compared by their text too where it matters. -#}
{% macro ses_fast_hash(text_column) -%}
    {{ return(adapter.dispatch('ses_fast_hash', 'ses_analytics')(text_column)) }}
{%- endmacro %}

{% macro default__ses_fast_hash(text_column) -%}
    hash({{ text_column }})
{%- endmacro %}


{#- A fast 64-bit hash of several columns together, for telling whether a
    row changed. -#}
{% macro ses_row_hash(columns) -%}
    {{ return(adapter.dispatch('ses_row_hash', 'ses_analytics')(columns)) }}
{%- endmacro %}

{% macro default__ses_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}


{#- The value of the row with the smallest / largest ordering, as an
    aggregate; `order_by` is a list of expressions compared in order. -#}
{% macro ses_arg_min(value, order_by) -%}
    {{ return(adapter.dispatch('ses_arg_min', 'ses_analytics')(value, order_by)) }}
{%- endmacro %}

{% macro default__ses_arg_min(value, order_by) -%}
    arg_min({{ value }}, ({{ order_by | join(', ') }}))
{%- endmacro %}

{% macro ses_arg_max(value, order_by) -%}
    {{ return(adapter.dispatch('ses_arg_max', 'ses_analytics')(value, order_by)) }}
{%- endmacro %}

{% macro default__ses_arg_max(value, order_by) -%}
    arg_max({{ value }}, ({{ order_by | join(', ') }}))
{%- endmacro %}
