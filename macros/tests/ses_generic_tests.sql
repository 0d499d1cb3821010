{#- Generic tests sized to new data: each checks the rows this run wrote
    (loaded_at is this run's stamp; every row on a full build; every row
    with --vars '{ses_test_all_rows: true}'), so a scheduled build costs what
    arrived, not the size of the tables. `loaded_at_column: null` checks a
    model that is rebuilt whole every run. Not-null is not among them:
    enforced contracts declare it, and the engine refuses the insert. -#}

{#- The rows of `model` a test looks at, with only `columns` (a test that
    selected every column of a view would make the engine read them all). -#}
{% macro ses_rows_to_test(model, columns, loaded_at_column) -%}
    (
        select {{ columns | join(', ') }} from {{ model }}
        {%- if loaded_at_column is not none %}
        where {{ ses_rows_loaded_this_run(loaded_at_column) }}
        {%- endif %}
    )
{%- endmacro %}


{#- True when every row of `model` was written by this run (a full build, a
    model rebuilt whole, or --vars '{ses_test_all_rows: true}'), asked
    while the test compiles: the test then checks all rows in one pass. -#}
{% macro ses_all_rows_are_new(model, loaded_at_column) -%}
    {%- if loaded_at_column is none or ses_setting('ses_test_all_rows') -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set oldest_is_new -%}
        select coalesce(min({{ loaded_at_column }}) = {{ ses_run_loaded_at() }}, true) from {{ model }}
    {%- endset -%}
    {{ return(run_query(oldest_is_new).columns[0].values()[0]) }}
{%- endmacro %}


{#- Keys of the new rows occur once in the whole model: a new key that
    repeats an old one fails as well as two new rows with one key.
    `column_name` for a one-column key, `columns` for a composite one. -#}
{% test ses_unique_key(model, column_name=none, columns=none, loaded_at_column='loaded_at') %}
{%- set key_columns = columns if columns else [column_name] %}
{%- set keys = key_columns | join(', ') %}

{%- if ses_all_rows_are_new(model, loaded_at_column) %}

{#- every row is this run's (a full build): one pass; a null key, like a
    new key in the join below, matches nothing -#}
select
    {{ keys }},
    count(*) as rows_with_this_key
from {{ model }}
where {% for key_column in key_columns %}{{ key_column }} is not null{{ ' and ' if not loop.last }}{% endfor %}
group by {{ keys }}
having count(*) > 1

{%- else %}

with new_keys as (

    select distinct {{ keys }}
    from {{ ses_rows_to_test(model, key_columns, loaded_at_column) }} as new_rows

)

select
    {%- for key_column in key_columns %}
    all_rows.{{ key_column }},
    {%- endfor %}
    count(*) as rows_with_this_key
from {{ model }} as all_rows
inner join new_keys
    on {% for key_column in key_columns %}all_rows.{{ key_column }} = new_keys.{{ key_column }}{{ ' and ' if not loop.last }}{% endfor %}
group by {% for key_column in key_columns %}all_rows.{{ key_column }}{{ ', ' if not loop.last }}{% endfor %}
having count(*) > 1

{%- endif %}

{% endtest %}


{#- The new rows' values of a column are in `values` (nulls pass). -#}
{% test ses_accepted_values(model, column_name, values, loaded_at_column='loaded_at') %}

select
    {{ column_name }} as value_field,
    count(*) as rows_with_this_value
from {{ ses_rows_to_test(model, [column_name], loaded_at_column) }} as new_rows
where {{ column_name }} not in (
    {%- for value in values %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor -%}
)
group by {{ column_name }}

{% endtest %}


{#- The new rows' values of a column are not null (for views, which enforce
    no constraint). -#}
{% test ses_not_null(model, column_name, loaded_at_column='loaded_at') %}

select {{ column_name }}
from {{ ses_rows_to_test(model, [column_name], loaded_at_column) }} as new_rows
where {{ column_name }} is null

{% endtest %}


{#- Each new row's value of a column (when not null) exists in `field` of
    the rows of `to` that meet `to_condition` (all by default). -#}
{% test ses_relationships(model, column_name, to, field, loaded_at_column='loaded_at', to_condition='true') %}

with new_values as (

    select distinct {{ column_name }} as value_field
    from {{ ses_rows_to_test(model, [column_name], loaded_at_column) }} as new_rows
    where {{ column_name }} is not null

),

parent_values as (

    select distinct {{ field }} as value_field
    from {{ to }}
    where {{ to_condition }}

)

select new_values.value_field
from new_values
left join parent_values
    on new_values.value_field = parent_values.value_field
where parent_values.value_field is null

{% endtest %}
