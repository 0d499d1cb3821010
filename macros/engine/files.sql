{#- Reading files, where engines differ. Each physical record must survive
    exactly as written, valid JSON or not, so raw objects are read as lines
    of text rather than through a JSON reader (which samples for a schema
    and drops what it cannot parse). -#}

{#- One row per record of the raw objects at `location`: file_name and
    record_text. A record is a line; a line of objects concatenated with no
    delimiter ({...}{...}, as plain Firehose writes them) is cut into one
    record per object; blank lines are not records. NUL never occurs in text
    records, so it serves as the column delimiter that keeps each line whole;
    gzip is detected by the .gz suffix. -#}
{% macro ses_read_records(location) -%}
    {{ return(adapter.dispatch('ses_read_records', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_read_records(location) -%}
    {#- A line is cut at each "}{" (white space between allowed) only when it
        is not one JSON document already; every piece is judged on its own
        later, so a string holding "}{" that is cut wrongly ends up
        quarantined, not lost. -#}
    {%- set concatenation = "'\\}\\s*\\{'" -%}
    select
        filename as file_name,
        unnest(
            case
                when not regexp_matches(line_text, {{ concatenation }}) or json_valid(line_text) then [line_text]
                else string_split(regexp_replace(line_text, {{ concatenation }}, '}' || chr(0) || '{', 'g'), chr(0))
            end
        ) as record_text
    from read_csv(
        {{ location }},
        columns = { 'line_text': 'varchar' },
        delim = chr(0),
        quote = '',
        escape = '',
        header = false,
        auto_detect = false,
        filename = true,
        compression = 'auto',
        max_line_size = {{ var('ses_max_record_line_bytes') }}
    )
    -- a search stops at the first character of a record, where trim() would
    -- copy every line
    where regexp_matches(line_text, '\S')
{%- endmacro %}


{#- A query with one column, `file`: every object a location names (a glob's
    matches; for a remote location also a prefix's objects at any depth, or
    one object). A remote location is listed by the `s3` target's plugin
    (plugins/ses_s3.py), which fails in one line naming the setting, the
    location and the cause (missing bucket, access denied, unreachable
    endpoint, nothing there); `setting_name` is the var the location came
    from. -#}
{% macro ses_list_objects(location, setting_name) -%}
    {{ return(adapter.dispatch('ses_list_objects', 'ses_analytics')(location, setting_name)) }}
{%- endmacro %}

{% macro default__ses_list_objects(location, setting_name) -%}
    {%- if ses_is_remote(location) -%}
        {%- do ses_require_remote_listing(location, setting_name) -%}
        select unnest(ses_s3_list_objects({{ ses_string_literal(location) }}, {{ ses_string_literal(setting_name) }})) as file
    {%- else -%}
        select file from glob({{ ses_string_literal(location) }})
    {%- endif -%}
{%- endmacro %}


{#- The files at a location (a path or a glob) as a SQL expression that
    read_blob accepts: a local location as given, a remote one as the list of
    the objects the s3 target's plugin finds there (fsspec's own glob also
    returns the folders that key prefixes imply). -#}
{% macro ses_location_files(location, setting_name) -%}
    {%- set files = ses_string_literal(location) -%}
    {%- if ses_is_remote(location) and execute -%}
        {%- set literals = [] -%}
        {%- for path in run_query(ses_list_objects(location, setting_name)).columns[0].values() -%}
            {%- do literals.append(ses_string_literal(path)) -%}
        {%- endfor -%}
        {%- set files = '[' ~ literals | join(', ') ~ ']' -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}


{#- A version stamp of the files at a location (a path or a glob), as a SQL
    scalar: it changes when a file appears, goes, or changes size or
    modification time. Reading the metadata opens no file, so it tells cheaply
    whether the send log must be read again. -#}
{% macro ses_files_version(location, setting_name) -%}
    {{ return(adapter.dispatch('ses_files_version', 'ses_analytics')(location, setting_name)) }}
{%- endmacro %}

{% macro default__ses_files_version(location, setting_name) -%}
    (
        select md5(string_agg(filename || ':' || size || ':' || last_modified, ',' order by filename))
        from read_blob({{ ses_location_files(location, setting_name) }})
    )
{%- endmacro %}


{#- The internal send log: CSV (every column read as text, so nothing is
    guessed wrong) or Parquet, chosen by the file suffix. Its columns are
    found by name while the model compiles (see ses_requests_file_columns:
    the ses_requests_columns var maps the file's names, region may be
    missing), and a missing one or an empty file fails in one line naming the
    file. request_time is parsed to UTC (with the ses_requests_time_format
    var when set) and also kept as written, so a time that does not parse is
    counted, not silently null. Every further column (campaign, team, ...)
    goes into the request_attributes map as text, so a company's own columns
    reach the marts without the project knowing them. -#}
{% macro ses_read_requests(location) -%}
    {{ return(adapter.dispatch('ses_read_requests', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_read_requests(location) -%}
    {%- set path = location | string -%}
    {%- if path.lower().endswith('.parquet') -%}
        {%- set reader = 'read_parquet(' ~ ses_string_literal(path) ~ ')' -%}
    {%- else -%}
        {%- set reader = 'read_csv(' ~ ses_string_literal(path) ~ ', header = true, all_varchar = true)' -%}
    {%- endif -%}
    {%- set file_column_types = {} -%}
    {%- if execute -%}
        {#- listing a remote location first makes a wrong one fail in one line, naming it -#}
        {%- set files = ses_location_files(path, 'ses_requests_path') -%}
        {%- set empty_files = run_query('select filename from read_blob(' ~ files ~ ') where size = 0 order by filename').columns[0].values() -%}
        {%- if empty_files | length > 0 -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ empty_files[0] ~ ': the file is empty (0 bytes); a send log without requests'
                ~ ' still has its header line, e.g. message_id,recipient,request_time,region'
            ) -%}
        {%- endif -%}
        {%- set described = run_query('describe select * from ' ~ reader) -%}
        {%- for row in described.rows -%}
            {%- do file_column_types.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set columns = ses_requests_file_columns(path, file_column_types.keys() | list if execute else none) -%}
    {%- set used_columns = [] -%}
    {%- for column_name in columns.values() if column_name is not none -%}
        {%- do used_columns.append(column_name.lower()) -%}
    {%- endfor -%}
    {%- set attribute_columns = [] -%}
    {%- for column_name in file_column_types.keys() -%}
        {%- if column_name.lower() not in used_columns -%}{%- do attribute_columns.append(column_name) -%}{%- endif -%}
    {%- endfor -%}
    {#- a time format applies to text; a Parquet timestamp is read as it is typed -#}
    {%- set time_format = var('ses_requests_time_format', '') -%}
    {%- if file_column_types.get(columns.request_time, 'VARCHAR') != 'VARCHAR' -%}
        {%- set time_format = '' -%}
    {%- endif -%}
    select
        message_id,
        recipient,
        {{ ses_parse_timestamp('request_time_text', time_format or none) }} as request_time,
        request_time_text,
        region,
        request_attributes
    from (
        select
            cast({{ adapter.quote(columns.message_id) }} as varchar) as message_id,
            cast({{ adapter.quote(columns.recipient) }} as varchar) as recipient,
            nullif(trim(cast({{ adapter.quote(columns.request_time) }} as varchar)), '') as request_time_text,
            {% if columns.region is not none -%}
            nullif(trim(cast({{ adapter.quote(columns.region) }} as varchar)), '')
            {%- else -%}
            cast(null as varchar)
            {%- endif %} as region,
            {% if attribute_columns -%}
            map {
                {%- for column_name in attribute_columns %} {{ ses_string_literal(column_name) }}: cast({{ adapter.quote(column_name) }} as varchar){{ ',' if not loop.last }}{% endfor %} }
            {%- else -%}
            cast(null as map(varchar, varchar))
            {%- endif %} as request_attributes
        from {{ reader }}
    ) as send_log
{%- endmacro %}


{#- The configured events location as a glob: a glob as given, a folder as
    every file below it, a file as itself. A remote location (s3://) is
    returned as given: its listing tells a prefix from an object itself. -#}
{% macro ses_events_glob() -%}
    {%- set path = var('ses_events_path') | string -%}
    {%- if '*' not in path and '?' not in path and not ses_is_remote(path) and execute -%}
        {%- set folder_glob = path.rstrip('/') ~ '/**' -%}
        {%- set files_below = run_query('select count(*) from (' ~ ses_list_objects(folder_glob, 'ses_events_path') ~ ') as objects').columns[0].values()[0] -%}
        {%- if files_below > 0 -%}{%- set path = folder_glob -%}{%- endif -%}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}


{#- The raw objects this run reads, as a SQL expression for ses_read_records:
    the objects the location lists that `loaded_relation` has no record of
    (all of them on a full build), each named by its constant path so DuckDB
    opens only those (it prunes files only for constant paths). A local full
    build passes the glob itself, which DuckDB expands as it reads. Returns
    none when there is nothing new. An object with no record at all (empty)
    is listed again each run and read again, at no cost. -#}
{% macro ses_event_objects_to_read(loaded_relation) -%}
    {%- set pattern = ses_events_glob() -%}
    {%- if not is_incremental() and not ses_is_remote(pattern) -%}
        {%- if execute -%}
            {%- set object_count = run_query('select count(*) from (' ~ ses_list_objects(pattern, 'ses_events_path') ~ ') as objects').columns[0].values()[0] -%}
            {%- do log('ses_events_path: ' ~ object_count ~ ' new object(s) to read (full build)', info=true) -%}
        {%- endif -%}
        {{ return(ses_string_literal(pattern)) }}
    {%- endif -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set new_objects_query -%}
        {{ ses_list_objects(pattern, 'ses_events_path') }}
        {%- if is_incremental() %}
        except
        select distinct file_name from {{ loaded_relation }}
        {%- endif %}
        order by 1
    {%- endset -%}
    {%- set new_objects = run_query(new_objects_query).columns[0].values() | list -%}
    {%- do log('ses_events_path: ' ~ new_objects | length ~ ' new object(s) to read' ~ ('' if is_incremental() else ' (full build)'), info=true) -%}
    {%- if new_objects | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for path in new_objects -%}{%- do literals.append(ses_string_literal(path)) -%}{%- endfor -%}
    {{ return('[' ~ literals | join(', ') ~ ']') }}
{%- endmacro %}


{#- Whether a location is on a remote store (s3://...) rather than local disk. -#}
{% macro ses_is_remote(location) -%}
    {{ return('://' in location | string) }}
{%- endmacro %}


{#- Fails with a pointer to the fix when a remote location is configured but
    the profile target cannot read it (the default target reads local disk
    only). -#}
{% macro ses_require_remote_listing(location, setting_name) -%}
    {%- if execute -%}
        {%- set available = run_query("select count(*) from duckdb_functions() where function_name = 'ses_s3_list_objects'").columns[0].values()[0] -%}
        {%- if available == 0 -%}
            {%- do exceptions.raise_compiler_error(
                setting_name ~ ' ' ~ location ~ ': this profile target reads local files only; run dbt with --target s3 (see "Reading from S3" in the README)'
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- A text as a single-quoted SQL string literal. -#}
{% macro ses_string_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}
