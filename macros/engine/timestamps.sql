{#- Timestamps, where engines differ. SES writes ISO-8601 with Z, exports
    drop the zone (meaning UTC), and some fields carry an offset such as
    -05:00. All become a UTC timestamp without time zone; text that is not a
    timestamp becomes null. The common Z form is checked first: a suffix test
    is far cheaper than the offset pattern. With a `format` (strptime codes,
    e.g. '%m/%d/%Y %H:%M'), text is read in that format only: without a zone
    (%z, %Z) it is taken as UTC. -#}
{% macro ses_parse_timestamp(text_column, format=none) -%}
    {{ return(adapter.dispatch('ses_parse_timestamp', 'ses_analytics')(text_column, format)) }}
{%- endmacro %}

{% macro default__ses_parse_timestamp(text_column, format=none) -%}
    {%- if format and ('%z' in format or '%Z' in format) -%}
    cast(timezone('UTC', try_strptime({{ text_column }}, {{ ses_string_literal(format) }})) as timestamp)
    {%- elif format -%}
    cast(try_strptime({{ text_column }}, {{ ses_string_literal(format) }}) as timestamp)
    {%- else -%}
    case
        when {{ text_column }} like '%Z' then try_cast({{ text_column }} as timestamp)
        when regexp_matches({{ text_column }}, '\d:\d\d(:\d\d(\.\d*)?)?\s*[+-]\d\d(:?\d\d)?$')
            then cast(timezone('UTC', try_cast({{ text_column }} as timestamptz)) as timestamp)
        else try_cast({{ text_column }} as timestamp)
    end
    {%- endif -%}
{%- endmacro %}


{#- Seconds from one timestamp to another, to the millisecond (SES's
    precision). -#}
{% macro ses_seconds_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('ses_seconds_between', 'ses_analytics')(start_column, end_column)) }}
{%- endmacro %}

{% macro default__ses_seconds_between(start_column, end_column) -%}
    date_diff('millisecond', {{ start_column }}, {{ end_column }}) / 1000.0
{%- endmacro %}
