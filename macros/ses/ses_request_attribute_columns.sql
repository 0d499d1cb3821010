{#- The columns of the internal send log beyond the four the project types:
    whatever else the company's file carries (campaign, team, ...). Known only
    once the staging view exists, so empty while dbt parses. -#}
{% macro ses_request_attribute_columns() %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set known_columns = ['message_id', 'recipient', 'request_time', 'region'] -%}
    {%- set relation = ref('stg_internal__ses_requests') -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {{ return(columns | map(attribute='name') | reject('in', known_columns) | list) }}
{% endmacro %}
