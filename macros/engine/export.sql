{#- Optional Parquet copy of the marts for Athena, Spark or any other Parquet
    reader, as an operation run after a build:

        dbt build && dbt run-operation ses_export_marts

    Each message-grain mart is written whole to
    `<destination>/<mart>/send_date=YYYY-MM-DD/`, the partition being the
    message's send date (its request date when SES has not reported it yet).
    The destination is the `export_path` argument or else the
    `ses_export_path` var. It is an operation, not a hook, so that a project
    installing this one as a package does not export on each of its own
    runs; `&&` keeps the old guarantee that only a build that passed is
    exported. -#}
{% macro ses_export_marts(export_path=none) -%}
    {#- an operation runs no hook: the settings are checked here -#}
    {%- do ses_check_settings() -%}
    {{ return(adapter.dispatch('ses_export_marts', 'ses_analytics')(export_path)) }}
{%- endmacro %}

{% macro default__ses_export_marts(export_path=none) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set export_path = ses_project_path(ses_setting('ses_export_path') if export_path is none else export_path) -%}
    {%- if export_path == '' -%}
        {{ exceptions.raise_compiler_error(
            "ses_export_marts: no destination; set the ses_export_path var or pass --args '{export_path: ...}'"
        ) }}
    {%- endif -%}
    {%- set model_names = ['fct_ses_messages', 'fct_ses_message_recipients', 'ses_message_pivot', 'ses_journeys', 'ses_opened_not_clicked', 'fct_ses_events'] -%}
    {%- for model_name in model_names -%}
        {%- set relation = ses_model_relation(model_name) -%}
        {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
            {{ exceptions.raise_compiler_error(
                "ses_export_marts: " ~ relation ~ " does not exist; run dbt build first (nothing was exported)"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set messages = ses_model_relation('fct_ses_messages') -%}
    {#- An S3 prefix cannot be removed as a whole through s3fs, so remote
        partitions are overwritten file by file; a local folder is replaced. -#}
    {%- set write_mode = 'overwrite_or_ignore' if ses_is_remote(export_path) else 'overwrite' -%}
    {%- for model_name in model_names -%}
        {%- set destination = export_path.rstrip('/') ~ '/' ~ model_name -%}
        {%- call statement('ses_export_' ~ model_name) -%}
            copy (
                select
                    exported.*,
                    message_dates.send_date
                from {{ ses_model_relation(model_name) }} as exported
                left join (
                    select
                        message_id,
                        cast(coalesce(sent_at, request_time) as date) as send_date
                    from {{ messages }}
                ) as message_dates
                    on exported.message_id = message_dates.message_id
            ) to {{ ses_string_literal(destination) }} (format parquet, partition_by (send_date), {{ write_mode }})
        {%- endcall -%}
        {%- do log('ses_export_marts: exported ' ~ model_name ~ ' to ' ~ destination, info=true) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}


{#- On Spark the marts already are Parquet tables in the warehouse, which
    Athena, Spark or any Parquet reader reads as they are: the export stops
    with that message rather than failing on DuckDB's COPY. -#}
{% macro spark__ses_export_marts(export_path=none) -%}
    {{ exceptions.raise_compiler_error(
        "ses_export_marts: on Spark the marts are Parquet tables already, in the warehouse "
        ~ "(spark.sql.warehouse.dir); read them there"
    ) }}
{%- endmacro %}


{#- The relation a model of this project was built as, found in the graph
    (operations cannot call ref()); in a project that installs this one, its
    own model of the same name is not taken. -#}
{% macro ses_model_relation(model_name) -%}
    {%- set node = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('package_name', 'equalto', 'ses_analytics')
        | selectattr('name', 'equalto', model_name) | first -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
