{#- Personal data (addresses, display names, IP addresses, user agents,
    addresses inside links and free text), where engines differ. The var
    ses_pii_mode says what is kept: raw (as SES wrote it), hashed (16 hex
    digits of a keyed HMAC-SHA256 of each value, an address keeping its
    domain so per-domain figures still work; the key is the SES_PII_HASH_KEY
    environment variable, which only the ses_objects plugin reads, so it
    appears in no SQL, log or artifact) or redacted (addresses keep their
    domain only; other values become "redacted").

    Values are masked after the parse, field by field, where
    base_ses__records first types them (and where the send log's recipient
    is read): the text of a record is never rewritten, so it parses exactly
    as in raw mode. Which fields hold personal data, and as what kind
    (plugins/ses_personal_data.py), is the `personal` key of each field in
    macros/ses/ses_fields.sql. -#}

{#- The configured mode (raw, hashed or redacted: ses_setting checks it). -#}
{% macro ses_pii_mode() -%}
    {{ return(ses_setting('ses_pii_mode')) }}
{%- endmacro %}


{#- Fails in one line, when the run starts (ses_check_settings), if
    ses_pii_mode is hashed and the key is not set. Asked of the ses_objects
    plugin: the key never reaches Jinja, where dbt would keep it among the
    environment variables it records. Spark has no plugin, and refuses the
    mode itself (ses_spark_raw_personal_data). -#}
{% macro ses_require_pii_key() -%}
    {%- if execute and ses_pii_mode() == 'hashed' and target.type == 'duckdb' -%}
        {%- if not run_query('select ses_pii_key_is_set()').columns[0].values()[0] -%}
            {%- do exceptions.raise_compiler_error(
                'ses_pii_mode hashed needs a secret key: set the environment variable SES_PII_HASH_KEY'
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- One value (a string) as the mode keeps it; `kind` says what it is:
    address, header, text, link, value or tags (see
    plugins/ses_personal_data.py). -#}
{% macro ses_mask(value, kind) -%}
    {{ return(adapter.dispatch('ses_mask', 'ses_analytics')(value, kind)) }}
{%- endmacro %}

{% macro default__ses_mask(value, kind) -%}
    {%- set mode = ses_pii_mode() -%}
    {%- if mode == 'raw' -%}
        {{ value }}
    {%- else -%}
        ses_mask_personal_data({{ value }}, '{{ kind }}', '{{ mode }}')
    {%- endif -%}
{%- endmacro %}


{#- A parsed field (ses_fields.sql) as the mode keeps it: a string, each
    element of a list, the personal keys of each object in a list of
    objects, or each value of a map of lists. Unchanged when the field
    holds no personal data. -#}
{% macro ses_mask_field(value, field) -%}
    {{ return(adapter.dispatch('ses_mask_field', 'ses_analytics')(value, field)) }}
{%- endmacro %}

{% macro default__ses_mask_field(value, field) -%}
    {%- if ses_pii_mode() == 'raw' -%}
        {{ value }}
    {%- elif field.type == 'struct_list' -%}
        {%- set element_fields = [] -%}
        {%- for element_field in field.fields if element_field | length > 3 -%}
            {%- do element_fields.append({'json': element_field[1], 'type': element_field[2], 'personal': element_field[3]}) -%}
        {%- endfor -%}
        {%- if element_fields -%}
            list_transform({{ value }}, lambda element: {{ ses_mask_struct('element', element_fields) }})
        {%- else -%}
            {{ value }}
        {%- endif -%}
    {%- elif not field.get('personal') -%}
        {{ value }}
    {%- elif field.type == 'varchar_list' -%}
        list_transform({{ value }}, lambda element: {{ ses_mask('element', field.personal) }})
    {%- elif field.type == 'json' -%}
        cast({{ ses_mask(value, field.personal) }} as json)
    {%- elif field.type == 'string_list_map' -%}
        map_from_entries(list_transform(
            map_entries({{ value }}),
            lambda entry: {
                'key': entry.key,
                'value': list_transform(entry.value, lambda element: {{ ses_mask('element', field.personal) }})
            }
        ))
    {%- else -%}
        {{ ses_mask(value, field.personal) }}
    {%- endif -%}
{%- endmacro %}


{#- Whether a field (ses_fields.sql) holds personal data: its `personal`
    kind, or, for a list of objects, a kind on any of its elements' fields
    (their fourth item). -#}
{% macro ses_field_is_personal(field) -%}
    {%- set personal = namespace(found=field.personal is defined and field.personal) -%}
    {%- for element_field in field.get('fields', []) if element_field | length > 3 -%}
        {%- set personal.found = true -%}
    {%- endfor -%}
    {{ return(personal.found) }}
{%- endmacro %}


{#- A parsed object (a type object, an element of a recipient list) with
    each of `fields` that holds personal data masked, the rest unchanged;
    null stays null. Fields are named by their JSON keys. -#}
{% macro ses_mask_struct(struct_column, fields) -%}
    {{ return(adapter.dispatch('ses_mask_struct', 'ses_analytics')(struct_column, fields)) }}
{%- endmacro %}

{% macro default__ses_mask_struct(struct_column, fields) -%}
    {%- set personal_fields = [] -%}
    {%- for field in fields if ses_field_is_personal(field) -%}
        {%- do personal_fields.append(field) -%}
    {%- endfor -%}
    {%- if ses_pii_mode() == 'raw' or not personal_fields -%}
        {{ struct_column }}
    {%- else -%}
        case when {{ struct_column }} is not null then struct_update(
            {{ struct_column }}
            {%- for field in personal_fields %},
            {{ adapter.quote(field.json) }} := {{ ses_mask_field(ses_struct_field(struct_column, field.json), field) }}
            {%- endfor %}
        ) end
    {%- endif -%}
{%- endmacro %}


{#- Spark keeps personal data as written (ses_pii_mode raw) only: the
    hashed and redacted modes need the ses_objects plugin's keyed hash, which
    Spark has no counterpart of here, and fail the compilation rather than
    land raw values. -#}
{% macro spark__ses_mask(value, kind) -%}
    {{ return(ses_spark_raw_personal_data(value)) }}
{%- endmacro %}

{% macro spark__ses_mask_field(value, field) -%}
    {{ return(ses_spark_raw_personal_data(value)) }}
{%- endmacro %}

{% macro spark__ses_mask_struct(struct_column, fields) -%}
    {{ return(ses_spark_raw_personal_data(struct_column)) }}
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
