-- grain: one message_id with at least one SES event; one count column per
-- event class. A view over fct_ses_messages, which counts them already: the
-- proof of concept's pivot, under the same count_ names as every other mart.
{{ config(schema=ses_schema('marts'), materialized='view') }}

with messages as (

    select * from {{ ref('fct_ses_messages') }}
    where count_events > 0

),

final as (

    select
        message_id,
        recipients,
        {% for event_type in ses_event_types() -%}
            count_{{ event_type.plural }},
        {% endfor -%}
        sent_at,
        loaded_at
    from messages

)

select * from final
