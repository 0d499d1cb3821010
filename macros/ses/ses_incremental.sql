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
    with an event loaded since this model's last run, plus any listed in
    `also_changed` (a select of message_id); on a full build every message.
    Marts whose rows depend on all of a message's events (counts, step
    numbers) are rebuilt message by message this way. -#}
{% macro ses_is_changed_message(message_id_column='message_id', also_changed=none) -%}
    {#- called outside the branch so dbt records the dependency while parsing -#}
    {%- set events = ref('fct_ses_events') -%}
    {%- if is_incremental() -%}
        {{ message_id_column }} in (
            select message_id from {{ events }}
            where {{ ses_loaded_since_last_run() }}
            {%- if also_changed is not none %}
            union
            {{ also_changed }}
            {%- endif %}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
