{#- Incremental bookkeeping. Every row an incremental model writes carries
    `loaded_at`, the start of the dbt invocation that wrote it (one constant
    per run). A model reads what its inputs wrote after its own greatest
    loaded_at, so a run killed half-way is caught up by the next: whatever an
    upstream model committed after this model's last commit is picked up,
    nothing twice. Tests check the rows stamped with this run. -#}

{#- This run's stamp: when the dbt invocation started, in UTC. -#}
{% macro ses_run_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- The greatest loaded_at in `relation`, read while the model compiles and
    written as a constant, so the engine can skip the row groups loaded
    before it (rows are appended in loaded_at order). The epoch for an empty
    or missing relation. -#}
{% macro ses_watermark(relation) -%}
    {%- set watermark = none -%}
    {%- if execute and is_incremental() -%}
        {%- set watermark = run_query('select max(loaded_at) from ' ~ relation).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if watermark is none -%}
        {{ return("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
    {%- endif -%}
    {{ return("cast('" ~ watermark.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}


{#- True for the rows of an input loaded after everything this model holds
    (every row on a full build). -#}
{% macro ses_loaded_since_last_run(loaded_at_column='loaded_at') -%}
    {%- if is_incremental() -%}
        {{ loaded_at_column }} > {{ ses_watermark(this) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- A filter on `message_id_column` for the messages this run must
    recompute: on a full build every message; on an incremental build those
    with a row loaded since this model's last run in any of `inputs`
    (relations with message_id and loaded_at: the events, the send log).
    Marts whose rows depend on all of a message's events (counts, step
    numbers) are rebuilt message by message this way. Whether anything
    changed is asked while the model compiles: with nothing new the filter
    is the constant false and the engine skips every scan it guards. -#}
{% macro ses_changed_messages(message_id_column, inputs) -%}
    {%- if not is_incremental() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set watermark = ses_watermark(this) -%}
    {%- set changed_messages -%}
        {%- for input in inputs %}
        select message_id from {{ input }}
        where loaded_at > {{ watermark }}
        {{ 'union' if not loop.last }}
        {%- endfor %}
    {%- endset -%}
    {%- if execute and run_query('select 1 from (' ~ changed_messages ~ ') as changed limit 1').rows | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {{ return(message_id_column ~ ' in (' ~ changed_messages ~ ')') }}
{%- endmacro %}


{#- For data tests: the rows this run wrote (loaded_at is this run's stamp),
    so a scheduled build checks what it added rather than rescanning every
    table. On a full build every row is this run's. `--vars
    '{ses_test_all_rows: true}'` checks every row. -#}
{% macro ses_rows_loaded_this_run(loaded_at_column='loaded_at') -%}
    {%- if ses_setting('ses_test_all_rows') -%}
        true
    {%- else -%}
        {{ loaded_at_column }} = {{ ses_run_loaded_at() }}
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of the message-grain marts that read the send log: deletes this
    model's rows of the messages removed from the send log since its last
    run (the is_removed rows of `requests`, int_ses__requests). The model
    recomputes those messages as changed ones, but one with no SES event
    gives no row at all, which delete+insert alone would leave in place.
    Runs inside the model's transaction; renders nothing on a full build or
    when nothing was removed (asked while the hook renders). -#}
{% macro ses_delete_removed_messages(requests) -%}
    {%- if execute and is_incremental() -%}
        {%- set removed_messages -%}
            select message_id from {{ requests }}
            where is_removed and loaded_at > {{ ses_watermark(this) }}
        {%- endset -%}
        {%- if run_query(removed_messages ~ ' limit 1').rows | length > 0 -%}
            {{ ses_delete_rows(this, 'message_id in (' ~ removed_messages ~ ')') }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Models rebuilt whole when anything they read changed: aggregates over
    every message (the deliverability marts), which no message-by-message
    rebuild can keep right (a reputation window spans days, a suppression
    candidate can stop being one). They are incremental (append) so that a
    run with nothing new writes nothing: the model's config meta names what
    it reads (`rebuilt_from`: models stamped with loaded_at) and the vars it
    is built with (`settings`), and its rows carry loaded_at and
    settings_version. When an input has rows loaded since the model's last
    run, or a setting changed, the pre-hook ses_delete_rows_to_rebuild
    empties it and every row is written again. -#}

{#- A hash of the values of the vars the model names in its meta `settings`. -#}
{% macro ses_settings_version() -%}
    {%- set values = {} -%}
    {%- for name in model.config.meta.settings -%}
        {%- do values.update({name: ses_setting(name)}) -%}
    {%- endfor -%}
    {{ return(local_md5(tojson(values, sort_keys=true))) }}
{%- endmacro %}


{#- True when the model must write every row again: a full build, rows of an
    input loaded since its last run, or other settings than it was built
    with (asked while the model compiles and again while its hook renders;
    nothing runs between the two). -#}
{% macro ses_must_rebuild() -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set watermark = ses_watermark(this) -%}
    {%- set changes = [
        'select 1 from ' ~ this ~ ' where settings_version <> ' ~ ses_string_literal(ses_settings_version())
    ] -%}
    {#- the inputs are among the model's own parents (its ref()s), by name -#}
    {%- set parents = {} -%}
    {%- for node_id in model.depends_on.nodes if node_id in graph.nodes -%}
        {%- do parents.update({graph.nodes[node_id].name: graph.nodes[node_id].relation_name}) -%}
    {%- endfor -%}
    {%- for input in model.config.meta.rebuilt_from -%}
        {%- if input not in parents -%}
            {{ exceptions.raise_compiler_error(
                model.name ~ ": meta rebuilt_from names " ~ input ~ ", which is not among the model's parents"
            ) }}
        {%- endif -%}
        {%- do changes.append('select 1 from ' ~ parents[input] ~ ' where loaded_at > ' ~ watermark) -%}
    {%- endfor -%}
    {%- set any_change = 'select 1 from (' ~ changes | join(' union all ') ~ ') as changes limit 1' -%}
    {{ return(run_query(any_change).rows | length > 0) }}
{%- endmacro %}


{#- Pre-hook of the models rebuilt whole: empties the model when it is to be
    written again; renders nothing otherwise. Runs inside the model's
    transaction. -#}
{% macro ses_delete_rows_to_rebuild() -%}
    {%- if execute and is_incremental() and ses_must_rebuild() -%}
        {{ ses_delete_rows(this) }}
    {%- endif -%}
{%- endmacro %}


{#- The bookkeeping columns of a model rebuilt whole, and the filter that
    makes a run with nothing new write nothing (in the final select). -#}
{% macro ses_rebuild_columns() -%}
    {{ ses_string_literal(ses_settings_version()) }} as settings_version,
    {{ ses_run_loaded_at() }} as loaded_at
{%- endmacro %}

{% macro ses_rebuild_filter() -%}
    {{ 'true' if ses_must_rebuild() else 'false' }}
{%- endmacro %}


{#- Deleting rows, where engines differ: the statement that deletes the rows
    of `relation` meeting `condition` (every row without one), for a hook to
    run. -#}
{% macro ses_delete_rows(relation, condition=none) -%}
    {{ return(adapter.dispatch('ses_delete_rows', 'ses_analytics')(relation, condition)) }}
{%- endmacro %}

{% macro default__ses_delete_rows(relation, condition=none) -%}
    delete from {{ relation }}{{ ' where ' ~ condition if condition is not none }}
{%- endmacro %}

{#- Spark deletes no row of a Parquet table: it empties one (truncate), or
    writes it again without those rows (ses_spark_rewrite_table, which runs
    while the hook renders; the statement left for the hook drops its
    helper table). -#}
{% macro spark__ses_delete_rows(relation, condition=none) -%}
    {%- if condition is none -%}
        truncate table {{ relation }}
    {%- else -%}
        {{ ses_spark_rewrite_table(relation, 'not coalesce(' ~ condition ~ ', false)') }}
    {%- endif -%}
{%- endmacro %}


{#- Writes a Spark table again with its rows meeting `kept_rows_condition`
    (over the table's columns, its alias kept_rows), followed by the rows of
    `added_rows` (a relation with the same columns), when given. Spark cannot
    overwrite a table a query is reading, so the new content is first written
    to a helper table beside it (<name>__ses_rewrite), then copied over the
    table. Runs the statements itself, as it renders; returns the one that
    drops the helper, for the caller to run last. -#}
{% macro ses_spark_rewrite_table(relation, kept_rows_condition, added_rows=none) -%}
    {%- set helper = relation.incorporate(path={'identifier': relation.identifier ~ '__ses_rewrite'}) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='quoted') | join(', ') -%}
    {%- do run_query('drop table if exists ' ~ helper) -%}
    {%- set new_content -%}
        create table {{ helper }} using parquet as
        select {{ columns }} from {{ relation }} as kept_rows
        where {{ kept_rows_condition }}
        {%- if added_rows is not none %}
        union all
        select {{ columns }} from {{ added_rows }}
        {%- endif %}
    {%- endset -%}
    {%- do run_query(new_content) -%}
    {%- do run_query('insert overwrite table ' ~ relation ~ ' select ' ~ columns ~ ' from ' ~ helper) -%}
    {{ return('drop table if exists ' ~ helper) }}
{%- endmacro %}


{#- dbt-spark's incremental strategies, with delete+insert added for tables
    of any file format (dbt-spark itself has it for none: merge needs Delta,
    Iceberg or Hudi). The models that rebuild messages use it, as on DuckDB.
    These override dbt-spark's macros of the same name; every other strategy
    is left to them. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'delete+insert' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}

{#- delete+insert: the table written again with its rows whose unique_key is
    not among the new rows', then the new rows (`source`, the temporary view
    of the model's query). -#}
{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy != 'delete+insert' -%}
        {{ return(dbt.dbt_spark_get_incremental_sql(
            strategy, source, target, existing, unique_key, incremental_predicates
        )) }}
    {%- endif -%}
    {%- if not unique_key or incremental_predicates -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ': delete+insert on Spark needs a unique_key and takes no incremental_predicates'
        ) }}
    {%- endif -%}
    {%- set key_columns = [unique_key] if unique_key is string else unique_key -%}
    {%- set key_matches = [] -%}
    {%- for key_column in key_columns -%}
        {%- do key_matches.append('new_rows.' ~ key_column ~ ' = kept_rows.' ~ key_column) -%}
    {%- endfor -%}
    {%- set kept_rows_condition = 'not exists (select 1 from ' ~ source ~ ' as new_rows where '
        ~ key_matches | join(' and ') ~ ')' -%}
    {{ return(ses_spark_rewrite_table(target, kept_rows_condition, source)) }}
{%- endmacro %}
