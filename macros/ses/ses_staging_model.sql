{#- The mail fields every per-class staging model carries. -#}
{% macro ses_staging_mail_columns() %}
    {{ return([
        'sent_at', 'source', 'source_arn', 'sending_account_id', 'destination',
        'from_addresses', 'to_addresses', 'subject', 'header_message_id', 'tags', 'configuration_set',
    ]) }}
{% endmacro %}


{#- The engagement rules base_ses__records judges before it masks the user
    agent and IP address they read, as columns of the per-class staging
    models of opens and clicks (int_ses__engagements applies them). -#}
{% macro ses_engagement_evidence_columns() %}
    {{ return({
        'open': ['is_apple_privacy_open', 'is_image_proxy_open'],
        'click': ['is_scanner_click'],
    }) }}
{% endmacro %}


{#- The column of stg_ses__events holding an event class's type object as
    parsed (SES's own key names). -#}
{% macro ses_type_object_column(event_class) -%}
    {{ event_class }}_details
{%- endmacro %}


{#- One field of a class's type object, named and typed: timestamps parsed to
    UTC, arrays of objects with their elements' fields renamed. -#}
{% macro ses_type_object_field(event_class, field) -%}
    {%- set value = ses_struct_field(ses_type_object_column(event_class), field.json) -%}
    {%- if field.type == 'timestamp' -%}
        {{ ses_parse_timestamp(value) }}
    {%- elif field.type == 'struct_list' -%}
        {{ ses_rename_struct_list(value, field.fields) }}
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}


{#- The body of one stg_ses__<class> model: the distinct events of one class
    (from `events`, stg_ses__events) with their type object's fields named and
    typed. The ten staging models are this macro with a different class. -#}
{% macro ses_staging_model(events, event_class) %}
{%- set fields = ses_type_object_fields()[event_class] -%}

with events as (

    select * from {{ events }}
    where event_class = {{ ses_string_literal(event_class) }}

),

final as (

    select
        event_id,
        message_id,
        event_at,
        {%- for column_name in ses_staging_mail_columns() %}
        {{ column_name }},
        {%- endfor %}
        {%- for field in fields %}
        {{ ses_type_object_field(event_class, field) }} as {{ field.name }},
        {%- endfor %}
        {%- for column_name in ses_engagement_evidence_columns().get(event_class, []) %}
        {{ column_name }},
        {%- endfor %}
        envelope_type,
        transport_message_id,
        file_name,
        loaded_at
    from events

)

select * from final
{%- endmacro %}
