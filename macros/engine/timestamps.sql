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

{% macro spark__ses_seconds_between(start_column, end_column) -%}
    cast(unix_millis({{ end_column }}) - unix_millis({{ start_column }}) as double) / 1000
{%- endmacro %}


{#- Spark reads ISO 8601 with Z, an offset or no zone (the session's zone,
    UTC in the profile) in one cast; a strptime format is translated to
    Spark's datetime pattern (ses_spark_datetime_pattern). -#}
{% macro spark__ses_parse_timestamp(text_column, format=none) -%}
    {%- if format -%}
    try_to_timestamp({{ text_column }}, {{ ses_string_literal(ses_spark_datetime_pattern(format)) }})
    {%- else -%}
    try_cast({{ text_column }} as timestamp)
    {%- endif -%}
{%- endmacro %}


{#- A strptime format (ses_requests_time_format) as a Spark datetime
    pattern: each code its pattern letters, other text quoted. A code Spark
    has no equivalent for fails the compilation, naming it. -#}
{% macro ses_spark_datetime_pattern(format) -%}
    {%- set codes = {
        'Y': 'yyyy', 'y': 'yy', 'm': 'MM', 'd': 'dd', 'e': 'd', 'H': 'HH', 'I': 'hh', 'M': 'mm',
        'S': 'ss', 'f': 'SSSSSS', 'p': 'a', 'b': 'MMM', 'B': 'MMMM', 'a': 'EEE', 'A': 'EEEE',
        'j': 'DDD', 'z': 'XXX', 'Z': 'z', '%': "'%'"
    } -%}
    {%- set pattern = namespace(text='', literal='', code=false) -%}
    {%- for character in format -%}
        {%- if pattern.code -%}
            {%- if character not in codes -%}
                {%- do exceptions.raise_compiler_error(
                    "ses_requests_time_format '" ~ format ~ "': %" ~ character ~ " has no Spark equivalent"
                ) -%}
            {%- endif -%}
            {%- if pattern.literal -%}
                {%- set pattern.text = pattern.text ~ "'" ~ pattern.literal ~ "'" -%}
                {%- set pattern.literal = '' -%}
            {%- endif -%}
            {%- set pattern.text = pattern.text ~ codes[character] -%}
            {%- set pattern.code = false -%}
        {%- elif character == '%' -%}
            {%- set pattern.code = true -%}
        {%- else -%}
            {%- set pattern.literal = pattern.literal ~ ("''" if character == "'" else character) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if pattern.literal -%}
        {%- set pattern.text = pattern.text ~ "'" ~ pattern.literal ~ "'" -%}
    {%- endif -%}
    {{ return(pattern.text) }}
{%- endmacro %}
