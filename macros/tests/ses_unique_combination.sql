{#- Generic test: no two rows share the same values in all of `columns`
    (what dbt_utils.unique_combination_of_columns does, without the package). -#}
{% test ses_unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as rows_with_these_values
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
