-- grain: one distinct SES event of any class, flattened in the layout of the
-- original proof of concept (ses_mail): each class's own classification and
-- recipients come from its staging model. A view: the per-class staging
-- models hold the data, and a query reads only the columns it names.
{{ config(materialized='view') }}

{#- Per class: which of its fields the proof of concept called event_type
    and event_subclass (lower-cased), and whom the event lists. -#}
{%- set classification = {
    'bounce': {'event_type': 'bounce_type', 'event_subclass': 'bounce_sub_type'},
    'complaint': {'event_type': 'complaint_feedback_type', 'event_subclass': 'complaint_sub_type'},
    'delivery_delay': {'event_type': 'delay_type'},
} %}

with
{%- for event_type in ses_event_types() %}
{%- set fields = ses_type_object_fields()[event_type.event_class] %}
{%- set recipients_field = (fields | selectattr('role', 'defined') | selectattr('role', 'equalto', 'recipients') | list + [none])[0] %}
{%- set class_fields = classification.get(event_type.event_class, {}) %}

{{ event_type.plural }} as (

    select
        event_id,
        message_id,
        '{{ event_type.event_class }}' as event_class,
        '{{ event_type.event_type }}' as ses_event_type,
        {%- for poc_column in ['event_type', 'event_subclass'] %}
        {{ 'lower(' ~ class_fields[poc_column] ~ ')' if poc_column in class_fields else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as {{ poc_column }},
        {%- endfor %}
        {%- if recipients_field is none %}
        cast([] as {{ dbt.type_string() }}[]) as event_recipients,
        {%- elif recipients_field.type == 'struct_list' %}
        coalesce({{ ses_list_field(recipients_field.name, 'email_address') }}, []) as event_recipients,
        {%- else %}
        coalesce({{ recipients_field.name }}, []) as event_recipients,
        {%- endif %}
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

select * from final
