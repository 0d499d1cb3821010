{#- SES writes ISO-8601 with Z, exports drop the zone (meaning UTC), and some
    fields carry an offset such as -05:00. All become a UTC timestamp without
    time zone; text that is not a timestamp becomes null. -#}
{% macro ses_parse_timestamp(text_column) -%}
    {{ return(adapter.dispatch('ses_parse_timestamp', 'ses_analytics')(text_column)) }}
{%- endmacro %}

{% macro default__ses_parse_timestamp(text_column) -%}
    case
        when regexp_matches({{ text_column }}, '\d:\d\d(:\d\d(\.\d*)?)?\s*[+-]\d\d(:?\d\d)?$')
            then cast(timezone('UTC', try_cast({{ text_column }} as timestamptz)) as timestamp)
        else try_cast({{ text_column }} as timestamp)
    end
{%- endmacro %}


{#- Now, in UTC, without time zone: when a run loaded a record. -#}
{% macro ses_current_utc_timestamp() -%}
    {{ return(adapter.dispatch('ses_current_utc_timestamp', 'ses_analytics')()) }}
{%- endmacro %}

{% macro default__ses_current_utc_timestamp() -%}
    cast(timezone('UTC', current_timestamp) as timestamp)
{%- endmacro %}


{#- Seconds from one timestamp to another, with the fraction. -#}
{% macro ses_seconds_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('ses_seconds_between', 'ses_analytics')(start_column, end_column)) }}
{%- endmacro %}

{% macro default__ses_seconds_between(start_column, end_column) -%}
    (epoch_us({{ end_column }}) - epoch_us({{ start_column }})) / 1000000.0
{%- endmacro %}
