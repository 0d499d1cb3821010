{#- The schema of one layer (landing, staging, marts): the ses_schema_prefix
    var and the layer, which dbt's own generate_schema_name (the host
    project's, when this is installed as a package) then places under the
    target schema: main_ses_marts with the shipped profile. Set in each
    model's config() rather than as +schema in dbt_project.yml, because dbt
    renders dbt_project.yml before any project's vars exist: there, a host's
    ses_schema_prefix would never be seen. -#}
{% macro ses_schema(layer) -%}
    {{ return(ses_setting('ses_schema_prefix') ~ layer) }}
{%- endmacro %}
