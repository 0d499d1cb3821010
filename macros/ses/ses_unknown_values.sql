{#- Values outside the ses_known_values var, one row per model, column and
    value: how many rows hold it and when it was first and last loaded.
    `relations` maps each staging model named in the var to its relation
    (the caller's ref(), so the dependency shows in its own file). -#}
{% macro ses_unknown_values(relations) -%}
    {%- set known_values = ses_setting('ses_known_values') -%}
    {%- for model_name in known_values if model_name not in relations -%}
        {%- do exceptions.raise_compiler_error(
            'ses_known_values names ' ~ model_name ~ ', which ses_unknown_values was not given: pass its relation too'
        ) -%}
    {%- endfor -%}
    {%- for model_name, columns in known_values.items() %}
        {%- for column_name, values in columns.items() %}
    select
        {{ ses_string_literal(model_name) }} as model_name,
        {{ ses_string_literal(column_name) }} as column_name,
        {{ adapter.quote(column_name) }} as unknown_value,
        count(*) as count_rows,
        min(loaded_at) as first_loaded_at,
        max(loaded_at) as last_loaded_at
    from {{ relations[model_name] }}
    where
        {{ adapter.quote(column_name) }} not in (
            {%- for value in values %}{{ ses_string_literal(value) }}{{ ', ' if not loop.last }}{% endfor -%}
        )
    group by {{ adapter.quote(column_name) }}
            {%- if not loop.last %}
    union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
