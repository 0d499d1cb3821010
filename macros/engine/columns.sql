{#- Column lists, where engines differ. -#}

{#- Every column of the relation selected from but `columns` (in a select
    list; give the left-out columns again after it to replace them). -#}
{% macro ses_all_columns_except(columns) -%}
    {{ return(adapter.dispatch('ses_all_columns_except', 'ses_analytics')(columns)) }}
{%- endmacro %}

{% macro default__ses_all_columns_except(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__ses_all_columns_except(columns) -%}
    * except ({{ columns | join(', ') }})
{%- endmacro %}
