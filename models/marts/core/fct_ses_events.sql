-- grain: one distinct SES event of any class, flattened in the layout of the
-- original proof of concept (ses_mail): each class's own classification and
-- recipients come from its staging model. A view: the per-class staging
-- models hold the data, and a query reads only the columns it names.
{{ config(schema=ses_schema('marts'), materialized='view') }}

{#- Per class: which of its fields the proof of concept called event_type
    and event_subclass (lower-cased). Whom an event lists is its field with
    role recipients (ses_fields.sql). -#}
{%- set classification = {
    'bounce': {'event_type': 'bounce_type', 'event_subclass': 'bounce_sub_type'},
    'complaint': {'event_type': 'complaint_feedback_type', 'event_subclass': 'complaint_sub_type'},
    'delivery_delay': {'event_type': 'delay_type'},
} %}
{%- set no_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}

-- one step per event class, generated from ses_event_types
-- noqa: disable=LT02
with
{%- for event_type in ses_event_types() %}
{%- set fields = ses_type_object_fields()[event_type.event_class] %}
{%- set recipients_field = (
    fields | selectattr('role', 'defined') | selectattr('role', 'equalto', 'recipients') | list + [none]
)[0] %}
{%- set class_fields = classification.get(event_type.event_class, {}) %}
{%- if recipients_field is none %}
    {%- set recipients = ses_empty_list(dbt.type_string()) %}
{%- elif recipients_field.type == 'struct_list' %}
    {%- set recipients = (
        'coalesce(' ~ ses_list_field(recipients_field.name, 'email_address') ~ ', ' ~ ses_empty_list() ~ ')'
    ) %}
{%- else %}
    {%- set recipients = 'coalesce(' ~ recipients_field.name ~ ', ' ~ ses_empty_list() ~ ')' %}
{%- endif %}

{{ event_type.plural }} as (

    select
        event_id,
        message_id,
        {{ ses_string_literal(event_type.event_class) }} as event_class,
        {{ ses_string_literal(event_type.event_type) }} as ses_event_type,
        {{ 'lower(' ~ class_fields.event_type ~ ')' if 'event_type' in class_fields else no_text }} as event_type,
        {{ 'lower(' ~ class_fields.event_subclass ~ ')' if 'event_subclass' in class_fields else no_text }}
            as event_subclass,
        {{ recipients }} as event_recipients,  -- noqa: RF01
        event_at,
        sent_at,
        source,
        sending_account_id as account,  -- noqa: RF04
        from_addresses,
        to_addresses,
        destination,
        subject,
        header_message_id,
        configuration_set,
        tags,
        envelope_type,
        transport_message_id,
        file_name,
        loaded_at
    from {{ ref(event_type.staging_model) }}

),
{%- endfor %}

final as (

    {%- for event_type in ses_event_types() %}
    select * from {{ event_type.plural }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}

)
-- noqa: enable=LT02

select * from final
