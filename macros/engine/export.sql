{#- Optional Parquet copy of the marts for Athena, Spark or any other Parquet
    reader: run as an on-run-end hook, it does nothing unless the
    `ses_export_path` var is set. Each message-grain mart is written whole to
    `<ses_export_path>/<mart>/send_date=YYYY-MM-DD/`, the partition being the
    message's send date (its request date when SES has not reported it yet).
    A run in which any model or test failed exports nothing, so the copy is
    always of a build that passed. -#}
{% macro ses_export_marts(results) -%}
    {{ return(adapter.dispatch('ses_export_marts', 'ses_analytics')(results)) }}
{%- endmacro %}

{% macro default__ses_export_marts(results) -%}
    {%- set export_path = ses_project_path(var('ses_export_path')) -%}
    {%- if export_path == '' or not execute or flags.WHICH not in ['build', 'run'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
    {%- if failed | length > 0 -%}
        {%- do log('ses_export_path: nothing exported, ' ~ failed | length ~ ' node(s) did not pass', info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set messages = ses_model_relation('fct_ses_messages') -%}
    {#- An S3 prefix cannot be removed as a whole through s3fs, so remote
        partitions are overwritten file by file; a local folder is replaced. -#}
    {%- set write_mode = 'overwrite_or_ignore' if ses_is_remote(export_path) else 'overwrite' -%}
    {%- for model_name in ['fct_ses_messages', 'fct_ses_message_recipients', 'ses_message_pivot', 'ses_journeys', 'ses_opened_not_clicked', 'fct_ses_events'] -%}
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
        {%- do log('ses_export_path: exported ' ~ model_name ~ ' to ' ~ destination, info=true) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}


{#- The relation a model of this project was built as, found in the graph
    (hooks cannot call ref()). -#}
{% macro ses_model_relation(model_name) -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | selectattr('name', 'equalto', model_name) | first -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
