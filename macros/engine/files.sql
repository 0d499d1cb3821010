{#- Reading files, where engines differ. Each physical record must survive
    exactly as written, valid JSON or not, so raw objects are read whole as
    bytes rather than through a CSV or JSON reader: those stop the whole
    query on a NUL byte, a lone CR, CRLF next to LF or invalid UTF-8, and a
    JSON reader drops what it cannot parse. -#}

{#- One row per record of the raw objects `objects` (an expression for
    read_blob: a quoted glob or a list of quoted paths): file_name,
    object_size, object_modified_at, record_text, read_failure. An object
    holding one record per line (NDJSON), or objects written back to back
    ({...}{...}, as plain Firehose writes them), is cut in SQL; any other
    text (pretty-printed JSON, a JSON array of events, a string holding
    "}{") is cut by a scan that knows JSON strings, ses_split_json_text, in
    the ses_objects plugin (plugins/ses_objects.py). Blank lines, and the CR
    of a CRLF line end, are not records. An object that yields no record has
    one row with no record_text: read_failure says why it could not be read
    (object_not_gzip, object_gzip_without_gz_suffix, object_corrupt_gzip,
    object_not_utf8), or is null when it held no record. -#}
{% macro ses_read_records(objects) -%}
    {{ return(adapter.dispatch('ses_read_records', 'ses_analytics')(objects)) }}
{%- endmacro %}

{% macro default__ses_read_records(objects) -%}
    {#- a cut between two objects: JSON white space between "}" and "{" -#}
    {%- set object_boundary = "'\\}[ \\t\\r\\n]*\\{'" -%}
    {%- set blank = "'[ \\t\\r\\n]*'" -%}
    {%- set continuation = "'^([ \\t]+[^ \\t\\r]|[\\[\\]}\"])'" -%}
    with object_bytes as (

        select
            filename as file_name,
            size as object_size,
            timezone('UTC', last_modified) as object_modified_at,
            content,
            suffix(lower(filename), '.gz') as is_named_gzip,
            -- gzip's magic number, whatever the name says
            content[1:2] = '\x1F\x8B'::blob as is_gzip
        from read_blob({{ objects }})

    ),

    decoded as (

        select
            file_name,
            object_size,
            object_modified_at,
            is_named_gzip,
            is_gzip,
            try(decode(
                case
                    when is_named_gzip and is_gzip then ses_gunzip(content)
                    when not is_named_gzip and not is_gzip then content
                end
            )) as object_text
        from object_bytes

    ),

    judged as (

        select
            file_name,
            object_size,
            object_modified_at,
            -- a UTF-8 byte order mark starts the text, not its first record
            case when starts_with(object_text, chr(65279)) then object_text[2:] else object_text end as object_text,
            case
                when is_named_gzip and not is_gzip then 'object_not_gzip'
                when is_gzip and not is_named_gzip then 'object_gzip_without_gz_suffix'
                when object_text is null and is_gzip then 'object_corrupt_gzip'
                when object_text is null then 'object_not_utf8'
            end as read_failure
        from decoded

    ),

    split_into_lines as (

        select
            *,
            string_split(object_text, chr(10)) as object_lines
        from judged

    ),

    shaped as (

        -- whether the object holds one record per line (or several written
        -- back to back), blank lines, and lines that are no JSON at all: true
        -- for NDJSON and plain Firehose objects, even with a record cut short
        -- or a line of junk among them, which SQL cuts line by line. An
        -- object with a line that continues a value begun above (indented,
        -- or opening with a quote or a closing bracket) or with an array
        -- goes whole to the JSON-aware scan instead.
        select
            *,
            read_failure is null and not list_bool_or(list_transform(
                object_lines,
                lambda line: not prefix(line, '{') and regexp_matches(line, {{ continuation }})
            )) as is_record_per_line
        from split_into_lines

    ),

    pieces as (

        -- a row with no text stands for an object that yields no record
        select
            file_name,
            object_size,
            object_modified_at,
            read_failure,
            is_record_per_line,
            unnest(
                case
                    when read_failure is not null or regexp_full_match(object_text, {{ blank }}) then [null]
                    when is_record_per_line then object_lines
                    else coalesce(nullif(ses_split_json_text(object_text), []), [null])
                end
            ) as piece
        from shaped

    ),

    record_lines as (

        -- the CR of a CRLF line end is not part of the record
        select * replace (
            case
                when is_record_per_line and suffix(piece, chr(13)) then rtrim(piece, chr(13))
                else piece
            end as piece
        )
        from pieces
        -- a search stops at the first character of a record
        where piece is null or not is_record_per_line or regexp_matches(piece, '[^ \t\r]')

    ),

    concatenations as (

        select
            *,
            piece is not null
            and is_record_per_line
            and regexp_matches(piece, {{ object_boundary }})
            and not json_valid(piece) as is_concatenation
        from record_lines

    ),

    cut as (

        -- cut at every boundary, unless NUL (the mark cut at) is in the text
        select
            *,
            case
                when is_concatenation and not contains(piece, chr(0))
                    then string_split(regexp_replace(piece, {{ object_boundary }}, '}' || chr(0) || '{', 'g'), chr(0))
            end as concatenated_parts
        from concatenations

    ),

    records as (

        -- a cut inside a string leaves a part with an odd number of unescaped
        -- quotes (escaped backslashes removed first, then escaped quotes
        -- counted); such a line goes to the JSON-aware scan instead
        select
            file_name,
            object_size,
            object_modified_at,
            read_failure,
            unnest(
                case
                    when not is_concatenation then [piece]
                    when list_bool_and(list_transform(
                        concatenated_parts,
                        lambda part: (
                            strlen(part) - strlen(replace(part, '"', ''))
                            - (strlen(replace(part, '\\', '')) - strlen(replace(replace(part, '\\', ''), '\"', ''))) // 2
                        ) % 2 = 0
                    )) then concatenated_parts
                    else ses_split_json_text(piece)
                end
            ) as record_text
        from cut

    )

    select * from records
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
        select md5(string_agg(file_name || ':' || object_size || ':' || object_modified_at, ',' order by file_name))
        from ({{ ses_object_versions(location, setting_name) }}) as object_versions
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
        -- as the var ses_pii_mode keeps it, as the events' addresses are
        {{ ses_mask_address('recipient') }} as recipient,  -- noqa: AL09
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
    {%- set path = ses_project_path(var('ses_events_path')) -%}
    {%- if '*' not in path and '?' not in path and not ses_is_remote(path) and execute -%}
        {%- set folder_glob = path.rstrip('/') ~ '/**' -%}
        {%- set files_below = run_query('select count(*) from (' ~ ses_list_objects(folder_glob, 'ses_events_path') ~ ') as objects').columns[0].values()[0] -%}
        {%- if files_below > 0 -%}{%- set path = folder_glob -%}{%- endif -%}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}


{#- A query of every object a location lists, with its version: file_name,
    object_size, object_modified_at. Only file metadata is read. A remote
    location is listed by the s3 target's plugin first (fsspec's own glob
    also returns the folders that key prefixes imply). -#}
{% macro ses_object_versions(location, setting_name) -%}
    {{ return(adapter.dispatch('ses_object_versions', 'ses_analytics')(location, setting_name)) }}
{%- endmacro %}

{% macro default__ses_object_versions(location, setting_name) -%}
    select
        filename as file_name,
        size as object_size,
        timezone('UTC', last_modified) as object_modified_at
    from read_blob({{ ses_location_files(location, setting_name) }})
{%- endmacro %}


{#- The raw objects this run reads, as a SQL expression for ses_read_records:
    the objects the location lists whose name, size and modification time
    `loaded_relation` has no record of (all of them on a full build), so an
    object written again, records appended, is read again (its records read
    before then count as redeliveries). Each object is named by its
    constant path so DuckDB opens only those (it prunes files only for
    constant paths); a local full build passes the glob itself, which DuckDB
    expands as it reads. Returns none when there is nothing new; fails in
    one line naming the var and the location when it lists nothing. -#}
{% macro ses_event_objects_to_read(loaded_relation) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set pattern = ses_events_glob() -%}
    {%- set listed_objects = ses_object_versions(pattern, 'ses_events_path') -%}
    {%- set object_count = run_query('select count(*) from (' ~ listed_objects ~ ') as listed').columns[0].values()[0] -%}
    {%- if object_count == 0 -%}
        {%- do exceptions.raise_compiler_error(
            'ses_events_path ' ~ var('ses_events_path') ~ ': no objects found (no such file or folder, or nothing written there yet); set the var to where your SES objects are'
        ) -%}
    {%- endif -%}
    {%- if not is_incremental() and not ses_is_remote(pattern) -%}
        {%- do log('ses_events_path: ' ~ object_count ~ ' new object(s) to read (full build)', info=true) -%}
        {{ return(ses_string_literal(pattern)) }}
    {%- endif -%}
    {%- set new_objects_query -%}
        with new_versions as (
            {{ listed_objects }}
            {%- if is_incremental() %}
            except
            select file_name, object_size, object_modified_at from {{ loaded_relation }}
            {%- endif %}
        )
        select
            new_versions.file_name,
            {%- if is_incremental() %}
            new_versions.file_name in (select loaded.file_name from {{ loaded_relation }} as loaded) as was_read_before
            {%- else %}
            false as was_read_before
            {%- endif %}
        from new_versions
        order by 1
    {%- endset -%}
    {%- set new_objects = run_query(new_objects_query) -%}
    {%- set changed_count = new_objects.columns[1].values() | select | list | length -%}
    {%- do log(
        'ses_events_path: ' ~ new_objects.rows | length ~ ' new object(s) to read'
        ~ (' (' ~ changed_count ~ ' of them changed since read)' if changed_count else '')
        ~ ('' if is_incremental() else ' (full build)'),
        info=true
    ) -%}
    {%- if new_objects.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for path in new_objects.columns[0].values() -%}{%- do literals.append(ses_string_literal(path)) -%}{%- endfor -%}
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
