{#- The per-class columns shared by the message and recipient facts, from the
    ses_event_types var. Each macro emits its columns with trailing commas, so
    a model lists them and then a plain column. -#}

{#- Aggregates over events: count_<plural> and first_<class>_at. -#}
{% macro ses_event_class_aggregates(events_alias) -%}
    {%- for event_type in ses_event_types() %}
    cast(
        sum(case when {{ events_alias }}.event_class = {{ ses_string_literal(event_type.event_class) }} then 1 else 0 end)
        as {{ dbt.type_bigint() }}
    ) as count_{{ event_type.plural }},
    {%- endfor %}
    {%- for event_type in ses_event_types() %}
    min(case when {{ events_alias }}.event_class = {{ ses_string_literal(event_type.event_class) }} then {{ events_alias }}.event_at end)
        as first_{{ event_type.event_class }}_at,
    {%- endfor %}
{%- endmacro %}


{#- The aggregates of a left-joined relation, for a row that may have no
    events (a requested message SES never reported on): counts become 0, and
    was_<past_tense> flags say whether each count is above 0. -#}
{% macro ses_event_class_outcomes(relation_alias) -%}
    {%- for event_type in ses_event_types() %}
    coalesce({{ relation_alias }}.count_{{ event_type.plural }}, 0) as count_{{ event_type.plural }},
    {%- endfor %}
    {%- for event_type in ses_event_types() %}
    {{ relation_alias }}.first_{{ event_type.event_class }}_at,
    {%- endfor %}
    {%- for event_type in ses_event_types() %}
    coalesce({{ relation_alias }}.count_{{ event_type.plural }}, 0) > 0 as was_{{ event_type.past_tense }},
    {%- endfor %}
{%- endmacro %}


{#- Divide, giving null instead of an error when the denominator is zero. -#}
{% macro ses_safe_divide(numerator, denominator) -%}
    case when ({{ denominator }}) = 0 then null else cast({{ numerator }} as double) / ({{ denominator }}) end
{%- endmacro %}
