{#- The internal send log's columns. The project knows four: message_id,
    recipient and request_time are required, region is optional (null when
    the file has none; the region summary calls it unknown). The
    ses_requests_columns var maps each to the file's own name
    ({message_id: MessageId}); a name left out is its own. Names match
    without regard to case, as the engine binds them. -#}

{#- The file's column for each of the project's send-log columns, as a dict
    (none for an optional column the file does not have), given the names
    the file has (`file_columns`; none before the file is read, while dbt
    parses, when every column is taken to be there under its own name).
    Fails in one line naming the file and the missing column (a key of
    ses_requests_columns the project does not know fails the settings check). -#}
{% macro ses_requests_file_columns(location, file_columns) -%}
    {#- each of the project's columns, and whether the file must have it -#}
    {%- set known_columns = {'message_id': true, 'recipient': true, 'request_time': true, 'region': false} -%}
    {#- checked by ses_setting: a mapping of these names only -#}
    {%- set configured = ses_setting('ses_requests_columns') -%}
    {%- set file_names = {} -%}
    {%- for file_column in file_columns or [] -%}
        {%- do file_names.update({file_column.lower(): file_column}) -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {%- for name, required in known_columns.items() -%}
        {%- set wanted = (configured.get(name) or name) | string -%}
        {%- set file_column = wanted if file_columns is none else file_names.get(wanted.lower()) -%}
        {%- if file_column is none and (required or name in configured) -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ location ~ ': no column ' ~ wanted
                ~ (' (' ~ name ~ ' in ses_requests_columns)' if wanted != name else '')
                ~ '; the file has ' ~ file_columns | join(', ')
                ~ '; map yours with the ses_requests_columns var, e.g. {' ~ name ~ ': YourColumn}'
            ) -%}
        {%- endif -%}
        {%- do found.update({name: file_column}) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- What a select of the send log needs, given the file's columns and their
    types (`file_column_types`, none while dbt parses): `columns`, the
    file's column for each of the project's (ses_requests_file_columns);
    `attribute_columns`, every further one, for request_attributes; and
    `time_format`, the ses_requests_time_format var, or empty when
    request_time is not text (`text_type`, the engine's name for it): a
    Parquet timestamp is read as it is typed. -#}
{% macro ses_requests_layout(location, file_column_types, text_type) -%}
    {%- set columns = ses_requests_file_columns(location, file_column_types.keys() | list if file_column_types is not none else none) -%}
    {%- set used_columns = [] -%}
    {%- for column_name in columns.values() if column_name is not none -%}
        {%- do used_columns.append(column_name.lower()) -%}
    {%- endfor -%}
    {%- set attribute_columns = [] -%}
    {%- for column_name in (file_column_types or {}).keys() if column_name.lower() not in used_columns -%}
        {%- do attribute_columns.append(column_name) -%}
    {%- endfor -%}
    {%- set time_format = ses_setting('ses_requests_time_format') -%}
    {%- if (file_column_types or {}).get(columns.request_time, text_type) != text_type -%}
        {%- set time_format = '' -%}
    {%- endif -%}
    {{ return({'columns': columns, 'attribute_columns': attribute_columns, 'time_format': time_format}) }}
{%- endmacro %}


{#- How stg_internal__ses_requests is kept. A view reads the send log as it
    is now; with ses_pii_mode hashed or redacted it is a table instead,
    written masked, because a view would hand the file's raw addresses to
    whoever queries it. -#}
{% macro ses_requests_materialized() -%}
    {{ return(adapter.dispatch('ses_requests_materialized', 'ses_analytics')()) }}
{%- endmacro %}

{% macro default__ses_requests_materialized() -%}
    {{ return('view' if ses_setting('ses_pii_mode') == 'raw' else 'table') }}
{%- endmacro %}

{#- Spark reads a file with options (a CSV header) only through a temporary
    view, which no lasting view may name: a table, written each build. -#}
{% macro spark__ses_requests_materialized() -%}
    {{ return('table') }}
{%- endmacro %}
