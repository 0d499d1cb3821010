{#- Incremental bookkeeping shared by the incremental models. Each model
    remembers how far it got by the greatest loaded_at it holds, so a run
    killed half-way is caught up by the next: whatever an upstream model
    committed after this model's last commit is picked up, nothing twice. -#}

{#- True for rows loaded after everything this model already holds (every
    row on a full build). -#}
{% macro ses_loaded_since_last_run(loaded_at_column='loaded_at') -%}
    {%- if is_incremental() -%}
        {{ loaded_at_column }} > (
            select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from {{ this }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- True for messages this run must recompute: on an incremental build those
    with an event loaded since this model's last run (and, with
    `include_requests`, those whose send-log rows changed since); on a full
    build every message. Marts whose rows depend on all of a message's events
    (counts, step numbers) are rebuilt message by message this way.
    When nothing changed the filter is the constant false, found while the
    model compiles, so the engine skips every scan it guards: a run with
    nothing new costs next to nothing. -#}
{% macro ses_is_changed_message(message_id_column='message_id', include_requests=false) -%}
    {#- refs are taken outside the branch so dbt records the dependencies while parsing -#}
    {%- set events = ref('fct_ses_events') -%}
    {%- set requests = ref('int_ses__requests') if include_requests else none -%}
    {%- if not is_incremental() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set changed_messages -%}
        select message_id from {{ events }}
        where {{ ses_loaded_since_last_run() }}
        {%- if include_requests %}
        union
        select message_id from {{ requests }}
        where {{ ses_loaded_since_last_run() }}
        {%- endif %}
    {%- endset -%}
    {%- if execute and run_query('select 1 from (' ~ changed_messages ~ ') as changed limit 1').rows | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {{ return(message_id_column ~ ' in (' ~ changed_messages ~ ')') }}
{%- endmacro %}


{#- The later of two loaded_at values, either of which may be null: a row
    reflecting events and send-log rows is as new as the newer of them. -#}
{% macro ses_latest_loaded_at(first_loaded_at, second_loaded_at) -%}
    greatest(
        coalesce({{ first_loaded_at }}, {{ second_loaded_at }}),
        coalesce({{ second_loaded_at }}, {{ first_loaded_at }})
    )
{%- endmacro %}
