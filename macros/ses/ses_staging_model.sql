{#- The mail fields every per-class staging model carries. -#}
{% macro ses_staging_mail_columns() %}
    {{ return([
        'sent_at', 'source', 'source_arn', 'sending_account_id', 'destination',
        'from_addresses', 'to_addresses', 'subject', 'tags', 'configuration_set',
    ]) }}
{% endmacro %}


{#- The body of one stg_ses__<class> model: the events of one class with their
    type object flattened into typed columns. The ten staging models are this
    macro with a different class. -#}
{% macro ses_staging_model(event_class) %}
{%- set detail_columns = ses_event_detail_columns()[event_class] -%}

with events as (

    select * from {{ ref('stg_ses__events') }}
    where event_class = '{{ event_class }}'

),

{%- if detail_columns %}

details_parsed as (

    select
        *,
        {{ ses_json_to_struct('event_details', detail_columns) }} as details_struct
    from events

),
{%- endif %}

final as (

    select
        event_id,
        message_id,
        event_at,
        {%- for column_name in ses_staging_mail_columns() %}
        {{ column_name }},
        {%- endfor %}
        {%- for column in detail_columns %}
        {{ ses_struct_field('details_struct', column) }} as {{ column.name }},
        {%- endfor %}
        envelope_type,
        file_name,
        loaded_at
    from {{ 'details_parsed' if detail_columns else 'events' }}

)

select * from final
{%- endmacro %}
