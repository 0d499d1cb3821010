{#- Personal data (recipient addresses, IP addresses, user agents), where
    engines differ. The var ses_pii_mode says what is kept: raw (as SES wrote
    it), hashed (a keyed SHA-256 of each value, the address's domain kept so
    per-domain figures still work; the key is the SES_PII_HASH_KEY
    environment variable, read by the ses_objects plugin so it appears in no
    SQL, log or artifact) or redacted (addresses keep their domain only;
    other values become "redacted"). Applied where the data first lands
    (raw_ses_records, the send log), so nothing downstream holds a raw value. -#}

{#- The configured mode (raw, hashed or redacted: ses_setting checks it). -#}
{% macro ses_pii_mode() -%}
    {{ return(ses_setting('ses_pii_mode')) }}
{%- endmacro %}


{#- One e-mail address as the mode keeps it: as written, or its keyed hash
    (16 hex digits) or "redacted", at its domain in lower case. The hash is
    of the address in lower case, so an address written in two cases is one
    recipient. A value with no @ is masked whole, as ses_mask_value does. -#}
{% macro ses_mask_address(address) -%}
    {{ return(adapter.dispatch('ses_mask_address', 'ses_analytics')(address)) }}
{%- endmacro %}

{% macro default__ses_mask_address(address) -%}
    {%- set mode = ses_pii_mode() -%}
    {%- if mode == 'raw' -%}
        {{ address }}
    {%- else -%}
        {#- a value with no @ is no address: masked whole -#}
        case
            when not contains({{ address }}, '@') then {{ ses_mask_value(address) }}
            {%- if mode == 'hashed' %}
            else left(sha256(ses_pii_key() || lower(trim({{ address }}))), 16)
                || '@' || lower(split_part(trim({{ address }}), '@', -1))
            {%- else %}
            else 'redacted@' || lower(split_part(trim({{ address }}), '@', -1))
            {%- endif %}
        end
    {%- endif -%}
{%- endmacro %}


{#- Any other personal value (an IP address, a user agent) as the mode keeps
    it: as written, its keyed hash (16 hex digits) or "redacted". -#}
{% macro ses_mask_value(value) -%}
    {{ return(adapter.dispatch('ses_mask_value', 'ses_analytics')(value)) }}
{%- endmacro %}

{% macro default__ses_mask_value(value) -%}
    {%- set mode = ses_pii_mode() -%}
    {%- if mode == 'raw' -%}
        {{ value }}
    {%- elif mode == 'hashed' -%}
        left(sha256(ses_pii_key() || {{ value }}), 16)
    {%- else -%}
        'redacted'
    {%- endif -%}
{%- endmacro %}


{#- A raw record's text with its personal data masked as the mode says:
    every e-mail address anywhere in it (destination, headers, recipient
    lists, diagnostic codes), and the values of the keys that hold IP
    addresses and user agents (also inside an SNS Message, where the quotes
    are escaped). Each distinct value is replaced wherever it occurs, so the
    text stays valid JSON and identical records stay identical. -#}
{% macro ses_mask_personal_data(text) -%}
    {{ return(adapter.dispatch('ses_mask_personal_data', 'ses_analytics')(text)) }}
{%- endmacro %}

{% macro default__ses_mask_personal_data(text) -%}
    {%- if ses_pii_mode() == 'raw' -%}
        {{ text }}
    {%- else -%}
        {%- set address_pattern = "'[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+'" -%}
        {%- set keyed_value_pattern = "'\\\\?\"(ipAddress|sourceIp|remoteMtaIp|userAgent)\\\\?\"\\s*:\\s*\\\\?\"([^\"\\\\]+)'" -%}
        {#- longest first, so that a value inside another (Mozilla/5.0 in
            Mozilla/5.0 (iPhone), b@x.org in bob@x.org) is not replaced
            inside it first: sorted by a key of its length, zero-padded -#}
        list_reduce(
            list_transform(
                list_reverse_sort(list_transform(
                    list_distinct(
                        regexp_extract_all({{ text }}, {{ address_pattern }})
                        || regexp_extract_all({{ text }}, {{ keyed_value_pattern }}, 2)
                    ),
                    lambda written: lpad(cast(strlen(written) as varchar), 10, '0') || written
                )),
                lambda keyed: { 'written': keyed[11:], 'masked': {{ ses_mask_address('keyed[11:]') }} }
            ),
            lambda masked_text, replacement: replace(masked_text, replacement.written, replacement.masked),
            {{ text }}
        )
    {%- endif -%}
{%- endmacro %}


{#- Spark keeps personal data as written (ses_pii_mode raw) only: the
    hashed and redacted modes are not ported yet, and fail the compilation
    rather than land raw values. -#}
{% macro spark__ses_mask_address(address) -%}
    {{ return(ses_spark_raw_personal_data(address)) }}
{%- endmacro %}

{% macro spark__ses_mask_value(value) -%}
    {{ return(ses_spark_raw_personal_data(value)) }}
{%- endmacro %}

{% macro spark__ses_mask_personal_data(text) -%}
    {{ return(ses_spark_raw_personal_data(text)) }}
{%- endmacro %}

{#- An expression as written, or a compilation error naming the mode when
    ses_pii_mode asks for masking, which Spark cannot do yet. -#}
{% macro ses_spark_raw_personal_data(expression) -%}
    {%- set mode = ses_pii_mode() -%}
    {%- if mode != 'raw' -%}
        {%- do exceptions.raise_compiler_error(
            "ses_pii_mode '" ~ mode ~ "': on Spark only raw is available yet; build with --target duckdb to mask personal data"
        ) -%}
    {%- endif -%}
    {{ return(expression) }}
{%- endmacro %}
