{#- Lists, where engines differ: exploding a list into rows, and its first
    element (DuckDB counts from 1, Spark from 0). Each spark__ version sits
    beside its default (DuckDB) one; ses_map_entries has none, as Spark's
    map_entries is DuckDB's (a list of key, value structs). -#}

{#- One row per element of a list column (in a select list). An empty or
    null list gives no row. -#}
{% macro ses_unnest(list_column) -%}
    {{ return(adapter.dispatch('ses_unnest', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_unnest(list_column) -%}
    unnest({{ list_column }})
{%- endmacro %}

{#- Spark allows one generator (explode) per select list. -#}
{% macro spark__ses_unnest(list_column) -%}
    explode({{ list_column }})
{%- endmacro %}


{#- The first element of a list; null for an empty or null list. -#}
{% macro ses_list_first(list_column) -%}
    {{ return(adapter.dispatch('ses_list_first', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_list_first(list_column) -%}
    {{ list_column }}[1]
{%- endmacro %}

{% macro spark__ses_list_first(list_column) -%}
    try_element_at({{ list_column }}, 1)
{%- endmacro %}


{#- One field of every element of a list of structs, as a list. -#}
{% macro ses_list_field(list_column, field_name) -%}
    {{ return(adapter.dispatch('ses_list_field', 'ses_analytics')(list_column, field_name)) }}
{%- endmacro %}

{% macro default__ses_list_field(list_column, field_name) -%}
    list_transform({{ list_column }}, lambda element: element.{{ field_name }})
{%- endmacro %}

{% macro spark__ses_list_field(list_column, field_name) -%}
    transform({{ list_column }}, element -> element.{{ field_name }})
{%- endmacro %}


{#- An aggregate: the values of `value` as a list, in the order of the
    `order_by` expressions. -#}
{% macro ses_ordered_list_agg(value, order_by) -%}
    {{ return(adapter.dispatch('ses_ordered_list_agg', 'ses_analytics')(value, order_by)) }}
{%- endmacro %}

{% macro default__ses_ordered_list_agg(value, order_by) -%}
    list({{ value }} order by {{ order_by | join(', ') }})
{%- endmacro %}

{#- Spark has no ordered list aggregate: the values are collected with their
    order keys in a struct (ses_spark_sort_key), sorted, and taken out
    again. -#}
{% macro spark__ses_ordered_list_agg(value, order_by) -%}
    transform(
        array_sort(collect_list(named_struct('sort_key', {{ ses_spark_sort_key(order_by) }}, 'value', {{ value }}))),
        sorted_element -> sorted_element.value
    )
{%- endmacro %}


{#- An aggregate: the value of `value` on the row that comes first in the
    order of the `order_by` expressions (ascending, nulls last). -#}
{% macro ses_min_by(value, order_by) -%}
    {{ return(adapter.dispatch('ses_min_by', 'ses_analytics')(value, order_by)) }}
{%- endmacro %}

{% macro default__ses_min_by(value, order_by) -%}
    min_by({{ value }}, ({{ order_by | join(', ') }}))
{%- endmacro %}

{% macro spark__ses_min_by(value, order_by) -%}
    min_by({{ value }}, {{ ses_spark_sort_key(order_by) }})
{%- endmacro %}


{#- Expressions as one Spark struct that sorts as DuckDB sorts them
    (ascending, nulls last): each is preceded by whether it is null, as
    Spark's struct order puts nulls first. -#}
{% macro ses_spark_sort_key(order_by) -%}
    {%- set fields = [] -%}
    {%- for expression in order_by -%}
        {%- do fields.append("'is_null_" ~ loop.index ~ "', (" ~ expression ~ ") is null") -%}
        {%- do fields.append("'key_" ~ loop.index ~ "', " ~ expression) -%}
    {%- endfor -%}
    named_struct({{ fields | join(', ') }})
{%- endmacro %}


{#- A list's elements joined by `separator`, each run of equal neighbours
    written once (open, open, click gives open>click). -#}
{% macro ses_join_collapsing_repeats(list_column, separator) -%}
    {{ return(adapter.dispatch('ses_join_collapsing_repeats', 'ses_analytics')(list_column, separator)) }}
{%- endmacro %}

{% macro default__ses_join_collapsing_repeats(list_column, separator) -%}
    {#- the positions whose element differs from the one before, then their elements -#}
    array_to_string(
        list_transform(
            list_filter(
                generate_series(1, len({{ list_column }})),
                lambda position: position = 1 or {{ list_column }}[position] <> {{ list_column }}[position - 1]
            ),
            lambda position: {{ list_column }}[position]
        ),
        {{ separator }}
    )
{%- endmacro %}

{#- Spark's filter passes each element's position (from 0) to the lambda. -#}
{% macro spark__ses_join_collapsing_repeats(list_column, separator) -%}
    array_join(
        filter(
            {{ list_column }},
            (element, position) -> case
                when position = 0 then true
                else element <> element_at({{ list_column }}, position)
            end
        ),
        {{ separator }}
    )
{%- endmacro %}


{#- The last element of a list; null for an empty or null list. -#}
{% macro ses_list_last(list_column) -%}
    {{ return(adapter.dispatch('ses_list_last', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_list_last(list_column) -%}
    {{ list_column }}[-1]
{%- endmacro %}

{% macro spark__ses_list_last(list_column) -%}
    try_element_at({{ list_column }}, -1)
{%- endmacro %}


{#- The entries of a map as a list of (key, value) structs, for
    ses_unnest. -#}
{% macro ses_map_entries(map_column) -%}
    {{ return(adapter.dispatch('ses_map_entries', 'ses_analytics')(map_column)) }}
{%- endmacro %}

{% macro default__ses_map_entries(map_column) -%}
    map_entries({{ map_column }})
{%- endmacro %}


{#- A URL without the query parameters whose `name=value` text matches
    `parameter_pattern` (a regular expression); the rest of the query, in
    its order, and the fragment are kept. -#}
{% macro ses_remove_query_parameters(url, parameter_pattern) -%}
    {{ return(adapter.dispatch('ses_remove_query_parameters', 'ses_analytics')(url, parameter_pattern)) }}
{%- endmacro %}

{% macro default__ses_remove_query_parameters(url, parameter_pattern) -%}
    regexp_extract({{ url }}, '^[^?#]*')
    || coalesce('?' || nullif(array_to_string(list_filter(
        string_split(regexp_extract({{ url }}, '\?([^#]*)', 1), '&'),
        lambda parameter: parameter <> '' and not regexp_matches(parameter, {{ ses_string_literal(parameter_pattern) }})
    ), '&'), ''), '')
    || regexp_extract({{ url }}, '#.*$')
{%- endmacro %}

{#- Spark's regexp_extract takes group 1 unless told (DuckDB the whole
    match); its string literals read a backslash as an escape, so the
    question mark is matched as [?] and the parameter pattern goes through
    ses_string_literal. -#}
{% macro spark__ses_remove_query_parameters(url, parameter_pattern) -%}
    regexp_extract({{ url }}, '^[^?#]*', 0)
    || coalesce('?' || nullif(array_join(filter(
        split(regexp_extract({{ url }}, '[?]([^#]*)', 1), '&'),
        parameter -> parameter <> '' and not regexp_like(parameter, {{ ses_string_literal(parameter_pattern) }})
    ), '&'), ''), '')
    || regexp_extract({{ url }}, '#.*$', 0)
{%- endmacro %}


{#- An empty list, of `element_type` elements when given (e.g. for a
    column's type, or to coalesce a null list to). -#}
{% macro ses_empty_list(element_type=none) -%}
    {{ return(adapter.dispatch('ses_empty_list', 'ses_analytics')(element_type)) }}
{%- endmacro %}

{% macro default__ses_empty_list(element_type=none) -%}
    {{ 'cast([] as ' ~ element_type ~ '[])' if element_type else '[]' }}
{%- endmacro %}

{% macro spark__ses_empty_list(element_type=none) -%}
    {{ 'cast(array() as array<' ~ element_type ~ '>)' if element_type else 'array()' }}
{%- endmacro %}


{#- A map as a key to group by (grouping by a map itself is allowed on
    DuckDB only), and the map again from such a key, in the select list of
    the grouped query. -#}
{% macro ses_map_group_key(map_column) -%}
    {{ return(adapter.dispatch('ses_map_group_key', 'ses_analytics')(map_column)) }}
{%- endmacro %}

{% macro default__ses_map_group_key(map_column) -%}
    {{ map_column }}
{%- endmacro %}

{#- Spark groups by no map: by its entries, a list of structs, instead. -#}
{% macro spark__ses_map_group_key(map_column) -%}
    map_entries({{ map_column }})
{%- endmacro %}

{% macro ses_grouped_map(group_key) -%}
    {{ return(adapter.dispatch('ses_grouped_map', 'ses_analytics')(group_key)) }}
{%- endmacro %}

{% macro default__ses_grouped_map(group_key) -%}
    {{ group_key }}
{%- endmacro %}

{% macro spark__ses_grouped_map(group_key) -%}
    map_from_entries({{ group_key }})
{%- endmacro %}


{#- An aggregate: the values of `value` as a list, in no set order. -#}
{% macro ses_list_agg(value) -%}
    {{ return(adapter.dispatch('ses_list_agg', 'ses_analytics')(value)) }}
{%- endmacro %}

{% macro default__ses_list_agg(value) -%}
    list({{ value }})
{%- endmacro %}

{% macro spark__ses_list_agg(value) -%}
    collect_list({{ value }})
{%- endmacro %}


{#- Whether `predicate` (SQL naming each element `element_name`) holds for
    any element of a list; null for a null list. -#}
{% macro ses_list_any(list_column, element_name, predicate) -%}
    {{ return(adapter.dispatch('ses_list_any', 'ses_analytics')(list_column, element_name, predicate)) }}
{%- endmacro %}

{% macro default__ses_list_any(list_column, element_name, predicate) -%}
    list_bool_or(list_transform({{ list_column }}, lambda {{ element_name }}: {{ predicate }}))
{%- endmacro %}

{% macro spark__ses_list_any(list_column, element_name, predicate) -%}
    exists({{ list_column }}, {{ element_name }} -> {{ predicate }})
{%- endmacro %}


{#- A struct of named values, from a mapping of field name to SQL. -#}
{% macro ses_struct(fields) -%}
    {{ return(adapter.dispatch('ses_struct', 'ses_analytics')(fields)) }}
{%- endmacro %}

{% macro default__ses_struct(fields) -%}
    { {% for name, value in fields.items() %}'{{ name }}': {{ value }}{{ ', ' if not loop.last }}{% endfor %} }
{%- endmacro %}

{% macro spark__ses_struct(fields) -%}
    named_struct({%- for name, value in fields.items() %}'{{ name }}', {{ value }}{{ ', ' if not loop.last }}{% endfor -%})
{%- endmacro %}
