{#- Lists, where engines differ: exploding a list into rows, and its first
    element (DuckDB counts from 1, Spark from 0). -#}

{#- One row per element of a list column (in a select list). An empty or
    null list gives no row. -#}
{% macro ses_unnest(list_column) -%}
    {{ return(adapter.dispatch('ses_unnest', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_unnest(list_column) -%}
    unnest({{ list_column }})
{%- endmacro %}


{#- The first element of a list; null for an empty or null list. -#}
{% macro ses_list_first(list_column) -%}
    {{ return(adapter.dispatch('ses_list_first', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_list_first(list_column) -%}
    {{ list_column }}[1]
{%- endmacro %}


{#- One field of every element of a list of structs, as a list. -#}
{% macro ses_list_field(list_column, field_name) -%}
    {{ return(adapter.dispatch('ses_list_field', 'ses_analytics')(list_column, field_name)) }}
{%- endmacro %}

{% macro default__ses_list_field(list_column, field_name) -%}
    list_transform({{ list_column }}, lambda element: element.{{ field_name }})
{%- endmacro %}


{#- An aggregate: the values of `value` as a list, in the order of the
    `order_by` expressions. -#}
{% macro ses_ordered_list_agg(value, order_by) -%}
    {{ return(adapter.dispatch('ses_ordered_list_agg', 'ses_analytics')(value, order_by)) }}
{%- endmacro %}

{% macro default__ses_ordered_list_agg(value, order_by) -%}
    list({{ value }} order by {{ order_by | join(', ') }})
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


{#- The last element of a list; null for an empty or null list. -#}
{% macro ses_list_last(list_column) -%}
    {{ return(adapter.dispatch('ses_list_last', 'ses_analytics')(list_column)) }}
{%- endmacro %}

{% macro default__ses_list_last(list_column) -%}
    {{ list_column }}[-1]
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
