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
    {%- if var('ses_test_all_rows', false) -%}
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
            delete from {{ this }} where message_id in ({{ removed_messages }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
