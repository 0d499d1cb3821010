{#- Reading files, where engines differ. Each physical record must survive
    exactly as written, valid JSON or not, so raw objects are read whole as
    bytes rather than through a CSV or JSON reader: those stop the whole
    query on a NUL byte, a lone CR, CRLF next to LF or invalid UTF-8, and a
    JSON reader drops what it cannot parse. -#}

{#- One row per record of the raw objects `objects` (a glob, or a list of
    paths, as ses_event_objects_to_read gives them): file_name,
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
        from read_blob({{ ses_location_files(objects, 'ses_events_path') if objects is string else ses_string_list(objects) }})

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

{#- Spark has no gunzip function: a `.gz` object's text comes from the text
    source (wholetext), which inflates by the name and skips, as
    ignoreCorruptFiles, one it cannot inflate (its read_failure then says
    why, from the bytes). Hadoop picks the codec by the exact suffix, so an
    object named `.GZ` reads as object_corrupt_gzip here. Paths come back as
    URIs (file:/..., the text source's percent-encoded), named as DuckDB
    names them; modification times are Hadoop's, to the millisecond. Spark
    lists no file of 0 bytes, so an empty object, one row with no record on
    DuckDB, is not seen here. The JSON-aware scan is
    ses_spark_split_json_text. -#}
{% macro spark__ses_read_records(objects) -%}
    {%- set object_boundary = "r'\\}[ \\t\\r\\n]*\\{'" -%}
    {%- set continuation = "r'^([ \\t]+[^ \\t\\r]|[\\[\\]}\"])'" -%}
    {%- set bytes_view = ses_spark_files_view(objects, 'binaryFile') -%}
    {%- set gzip_objects = objects -%}
    {%- if objects is not string -%}
        {%- set gzip_objects = [] -%}
        {%- for path in objects if path.endswith('.gz') -%}{%- do gzip_objects.append(path) -%}{%- endfor -%}
    {%- endif -%}
    with object_bytes as (

        select
            {{ ses_spark_file_name('path') }} as file_name,
            length as object_size,
            modificationTime as object_modified_at,
            content,
            lower(path) like '%.gz' as is_named_gzip,
            -- gzip's magic number, whatever the name says
            substring(content, 1, 2) = X'1F8B' as is_gzip
        from {{ bytes_view }}

    ),

    inflated as (

        {% if gzip_objects -%}
        select
            {{ ses_spark_file_name('input_file_name()') }} as file_name,
            value as inflated_text
        from {{ ses_spark_files_view(gzip_objects, 'text', {'wholetext': 'true', 'ignoreCorruptFiles': 'true', 'pathGlobFilter': '*.gz'}) }}
        {%- else -%}
        select
            cast(null as string) as file_name,
            cast(null as string) as inflated_text
        where false
        {%- endif %}

    ),

    decoded as (

        select
            object_bytes.file_name,
            object_bytes.object_size,
            object_bytes.object_modified_at,
            object_bytes.is_named_gzip,
            object_bytes.is_gzip,
            try_validate_utf8(
                case
                    when object_bytes.is_named_gzip and object_bytes.is_gzip then inflated.inflated_text
                    when not object_bytes.is_named_gzip and not object_bytes.is_gzip then cast(object_bytes.content as string)
                end
            ) as object_text
        from object_bytes
        left join inflated on object_bytes.file_name = inflated.file_name

    ),

    judged as (

        select
            file_name,
            object_size,
            object_modified_at,
            -- a UTF-8 byte order mark starts the text, not its first record
            case when startswith(object_text, '\uFEFF') then substring(object_text, 2) else object_text end as object_text,
            case
                when is_named_gzip and not is_gzip then 'object_not_gzip'
                when is_gzip and not is_named_gzip then 'object_gzip_without_gz_suffix'
                when object_text is null and is_gzip then 'object_corrupt_gzip'
                when object_text is null then 'object_not_utf8'
            end as read_failure
        from decoded

    ),

    shaped as (

        -- as on DuckDB: one record per line (or several back to back) is cut
        -- line by line; anything else goes whole to the JSON-aware scan
        select
            *,
            read_failure is null and not exists(
                object_lines,
                line -> not startswith(line, '{') and line rlike {{ continuation }}
            ) as is_record_per_line
        from (select *, split(object_text, '\n', -1) as object_lines from judged) as split_into_lines

    ),

    scanned as (

        select
            *,
            case
                when read_failure is null and not is_record_per_line then {{ ses_spark_split_json_text('object_text') }}
            end as json_values
        from shaped

    ),

    pieces as (

        -- a row with no text stands for an object that yields no record
        select
            file_name,
            object_size,
            object_modified_at,
            read_failure,
            is_record_per_line,
            explode(
                case
                    when read_failure is not null or object_text rlike r'^[ \t\r\n]*\z' then array(cast(null as string))
                    when is_record_per_line then object_lines
                    when size(json_values) = 0 then array(cast(null as string))
                    else json_values
                end
            ) as piece
        from scanned

    ),

    record_lines as (

        -- the CR of a CRLF line end is not part of the record
        select
            file_name,
            object_size,
            object_modified_at,
            read_failure,
            is_record_per_line,
            case
                when is_record_per_line and endswith(piece, '\r') then regexp_replace(piece, r'\r+\z', '')
                else piece
            end as piece
        from pieces
        -- a search stops at the first character of a record
        where piece is null or not is_record_per_line or piece rlike r'[^ \t\r]'

    ),

    concatenations as (

        select
            *,
            piece is not null
            and is_record_per_line
            and piece rlike {{ object_boundary }}
            and not {{ ses_spark_is_json('piece') }} as is_concatenation
        from record_lines

    ),

    cut as (

        -- cut at every boundary, unless NUL (the mark cut at) is in the text
        select
            *,
            case
                when is_concatenation and not contains(piece, '\u0000')
                    then split(regexp_replace(piece, {{ object_boundary }}, '}\u0000{'), '\u0000', -1)
            end as concatenated_parts
        from concatenations

    ),

    records as (

        -- a cut inside a string leaves a part with an odd number of unescaped
        -- quotes; such a line goes to the JSON-aware scan instead
        select
            file_name,
            object_size,
            object_modified_at,
            read_failure,
            explode(
                case
                    when not is_concatenation then array(piece)
                    when forall(
                        concatenated_parts,
                        part -> (
                            length(part) - length(replace(part, '"', ''))
                            - (length(replace(part, r'\\', '')) - length(replace(replace(part, r'\\', ''), r'\"', ''))) div 2
                        ) % 2 = 0
                    ) then concatenated_parts
                    else {{ ses_spark_split_json_text('piece') }}
                end
            ) as record_text
        from cut

    )

    select * from records
{%- endmacro %}


{#- What split_json_text in plugins/ses_objects.py returns, in Spark SQL (a
    Python UDF cannot be called from SQL): one step of `aggregate` per
    record, skipping white space, then either a JSON value (the extent of
    the value found by ses_spark_json_value_extent; a valid array gives its
    elements, a value that does not close or is not JSON ends at the next
    line opening a value) or the rest of the line. There are at most as many
    records as line ends and opening brackets, plus one. Each step scans the
    rest of the text, so a long object with many pretty-printed records
    costs records x length: only objects that are not one record per line
    come here. -#}
{% macro ses_spark_split_json_text(text) -%}
    {%- set record_end = "regexp_replace(substring(" ~ text ~ ", record_start, record_stop - record_start), r'[ \\t\\r\\n]+\\z', '')" -%}
    aggregate(
        sequence(1, length({{ text }}) - length(regexp_replace({{ text }}, r'[\n{\[]', '')) + 1),
        named_struct('position', 1, 'records', cast(array() as array<string>)),
        (scan, step) -> case
            when scan.position > length({{ text }}) then scan
            else transform(
                array(scan.position + length(regexp_extract(substring({{ text }}, scan.position), r'^[ \t\r\n]*', 0))),
                record_start -> case
                    when record_start > length({{ text }}) then named_struct('position', record_start, 'records', scan.records)
                    when substring({{ text }}, record_start, 1) in ('{', '[') then transform(
                        array({{ ses_spark_json_value_extent('substring(' ~ text ~ ', record_start)') }}),
                        json_value -> case
                            when json_value.is_closed and try_parse_json(substring({{ text }}, record_start, json_value.length)) is not null
                                then named_struct(
                                    'position', record_start + json_value.length,
                                    'records', concat(
                                        scan.records,
                                        case
                                            when substring({{ text }}, record_start, 1) = '['
                                                then {{ ses_spark_json_array_elements('substring(' ~ text ~ ', record_start, json_value.length)') }}
                                            else array(substring({{ text }}, record_start, json_value.length))
                                        end
                                    )
                                )
                            -- broken: it ends where the next line opens a value
                            else transform(
                                array(least(
                                    record_start + json_value.length,
                                    case when locate('\n{', {{ text }}, record_start) > 0 then locate('\n{', {{ text }}, record_start) + 1 else length({{ text }}) + 1 end,
                                    case when locate('\n[', {{ text }}, record_start) > 0 then locate('\n[', {{ text }}, record_start) + 1 else length({{ text }}) + 1 end
                                )),
                                record_stop -> named_struct('position', record_stop, 'records', concat(scan.records, array({{ record_end }})))
                            )[0]
                        end
                    )[0]
                    -- no JSON value: a broken record to the end of the line
                    else transform(
                        array(case when locate('\n', {{ text }}, record_start) > 0 then locate('\n', {{ text }}, record_start) else length({{ text }}) + 1 end),
                        record_stop -> named_struct('position', record_stop, 'records', concat(scan.records, array({{ record_end }})))
                    )[0]
                end
            )[0]
        end,
        scan -> scan.records
    )
{%- endmacro %}


{#- Whether a text is one JSON value, as DuckDB's json_valid says.
    try_parse_json alone is not enough: it reads the first value and
    ignores what follows ({...}{...} parses); it also refuses duplicate
    keys, which only sends such a line to the JSON-aware scan. -#}
{% macro ses_spark_is_json(text) -%}
    (
        try_parse_json({{ text }}) is not null
        and case
            when {{ text }} rlike r'^[ \t\r\n]*[{\[]'
                then {{ ses_spark_json_value_extent("regexp_replace(" ~ text ~ ", r'^[ \\t\\r\\n]+', '')") }}.length
                    = length(regexp_replace({{ text }}, r'^[ \t\r\n]+|[ \t\r\n]+\z', ''))
            else {{ text }} rlike r'^[ \t\r\n]*("[^"\\]*+(?:\\[\s\S][^"\\]*+)*+"|[^ \t\r\n"{}\[\]]+)[ \t\r\n]*\z'
        end
    )
{%- endmacro %}


{#- The pieces of JSON text a bracket-counting scan needs, in order and
    covering the text: a string (to its closing quote, or to the end of the
    text when it has none), a bracket, or a run of anything else. -#}
{% macro ses_spark_json_tokens(text) -%}
    regexp_extract_all({{ text }}, r'"[^"\\]*+(?:\\[\s\S][^"\\]*+)*+"|"[\s\S]*|[{}\[\]]|[^"{}\[\]]++', 0)
{%- endmacro %}


{#- Where the JSON object or array opening a text closes, as
    struct(length, is_closed): the length through its last bracket, or the
    whole text when it does not close. Brackets inside strings do not count
    (value_end in plugins/ses_objects.py). -#}
{% macro ses_spark_json_value_extent(text) -%}
    aggregate(
        {{ ses_spark_json_tokens(text) }},
        named_struct('depth', 0, 'consumed', 0, 'length', -1),
        (extent, token) -> case
            when extent.length <> -1 then extent
            when token in ('{', '[') then named_struct('depth', extent.depth + 1, 'consumed', extent.consumed + 1, 'length', -1)
            when token in ('}', ']') then named_struct(
                'depth', extent.depth - 1,
                'consumed', extent.consumed + 1,
                'length', case when extent.depth = 1 then extent.consumed + 1 else -1 end
            )
            -- a string with no closing quote: the value never closes
            when startswith(token, '"') and not token rlike r'^"[^"\\]*+(?:\\[\s\S][^"\\]*+)*+"\z'
                then named_struct('depth', extent.depth, 'consumed', extent.consumed, 'length', -2)
            else named_struct('depth', extent.depth, 'consumed', extent.consumed + length(token), 'length', -1)
        end,
        extent -> named_struct(
            'length', case when extent.length >= 0 then extent.length else length({{ text }}) end,
            'is_closed', extent.length >= 0
        )
    )
{%- endmacro %}


{#- The exact text of each element of a valid JSON array (array_elements in
    plugins/ses_objects.py). -#}
{% macro ses_spark_json_array_elements(array_text) -%}
    aggregate(
        {{ ses_spark_json_tokens(array_text) }},
        named_struct('depth', 0, 'consumed', 0, 'start', 0, 'elements', cast(array() as array<string>)),
        (elements, token) -> case
            when token in ('{', '[') then named_struct(
                'depth', elements.depth + 1,
                'consumed', elements.consumed + 1,
                'start', case when elements.depth = 1 then elements.consumed else elements.start end,
                'elements', elements.elements
            )
            when token in ('}', ']') then named_struct(
                'depth', elements.depth - 1,
                'consumed', elements.consumed + 1,
                'start', elements.start,
                'elements', case
                    when elements.depth = 2
                        then concat(elements.elements, array(substring({{ array_text }}, elements.start + 1, elements.consumed + 1 - elements.start)))
                    else elements.elements
                end
            )
            else named_struct(
                'depth', elements.depth,
                'consumed', elements.consumed + length(token),
                'start', elements.start,
                'elements', case
                    when elements.depth = 1 and startswith(token, '"') then concat(elements.elements, array(token))
                    -- numbers, true, false and null, between commas and white space
                    when elements.depth = 1 then concat(elements.elements, filter(split(token, r'[ \t\r\n,]+', -1), scalar -> scalar != ''))
                    else elements.elements
                end
            )
        end,
        elements -> elements.elements
    )
{%- endmacro %}


{#- A query with one column, `file`: every object a location names (a glob's
    matches; for a remote location also a prefix's objects at any depth, or
    one object). A local location is listed by the ses_objects plugin, with
    symbolic links followed (ses_list_local_objects). A remote location is
    listed by the `s3` target's plugin
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
        select unnest(ses_list_local_objects({{ ses_string_literal(location) }})) as file
    {%- endif -%}
{%- endmacro %}

{% macro spark__ses_list_objects(location, setting_name) -%}
    select file_name as file from ({{ spark__ses_object_versions(location, setting_name) }}) as object_versions
{%- endmacro %}


{#- Spark reads files through a temporary view (it lives as long as the
    session, this dbt invocation) over `files`, a location or a list of
    paths; returns the view's name. Hadoop globs have no "**": a location
    "folder/**" (or "folder/**/name-glob") is the folder read recursively
    (the name glob as pathGlobFilter); a list of paths is one Hadoop glob,
    their common folder then {rest,rest}, so that only those are opened.
    `options` are the data source's own. -#}
{% macro ses_spark_files_view(files, format, options={}) -%}
    {%- set view_options = {'recursiveFileLookup': 'true'} -%}
    {%- do view_options.update(options) -%}
    {%- if files is string -%}
        {%- set path = files -%}
        {%- if '**' in files -%}
            {%- set path, name_glob = files.split('**', 1) -%}
            {%- set path = path.rstrip('/') -%}
            {%- set name_glob = name_glob.lstrip('/') -%}
            {%- if '/' in name_glob or '**' in name_glob -%}
                {%- do exceptions.raise_compiler_error(
                    files ~ ': on Spark a glob may have "**" only as its last folder (folder/** or folder/**/name-glob)'
                ) -%}
            {%- endif -%}
            {%- if name_glob -%}{%- do view_options.update({'pathGlobFilter': name_glob}) -%}{%- endif -%}
        {%- endif -%}
    {%- else -%}
        {%- set path = ses_spark_paths_glob(files) -%}
    {%- endif -%}
    {%- do view_options.update({'path': path}) -%}
    {%- set view_name = 'ses_files_' ~ local_md5(format ~ (view_options | tojson))[:16] -%}
    {%- if execute -%}
        {%- set option_list = [] -%}
        {%- for name, value in view_options | dictsort -%}
            {%- do option_list.append(name ~ ' ' ~ ses_string_literal(value)) -%}
        {%- endfor -%}
        {%- do run_query('create or replace temporary view ' ~ view_name ~ ' using ' ~ format ~ ' options (' ~ option_list | join(', ') ~ ')') -%}
    {%- endif -%}
    {{ return(view_name) }}
{%- endmacro %}


{#- Paths as one Hadoop glob that matches exactly them: their common folder,
    then {rest,rest}, with the characters a glob gives meaning to escaped. -#}
{% macro ses_spark_paths_glob(paths) -%}
    {%- set escaped = [] -%}
    {%- for path in paths -%}
        {%- do escaped.append(modules.re.sub('([\\\\{}\\[\\]*?,])', '\\\\\\1', path)) -%}
    {%- endfor -%}
    {%- if escaped | length == 1 -%}{{ return(escaped[0]) }}{%- endif -%}
    {%- set common = namespace(folder=escaped[0][:escaped[0].rfind('/') + 1]) -%}
    {%- for path in escaped -%}
        {%- for _ in range(common.folder | length) if not path.startswith(common.folder) -%}
            {%- set common.folder = common.folder[:common.folder[:-1].rfind('/') + 1] -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set rests = [] -%}
    {%- for path in escaped -%}{%- do rests.append(path[common.folder | length:]) -%}{%- endfor -%}
    {{ return(common.folder ~ '{' ~ rests | join(',') ~ '}') }}
{%- endmacro %}


{#- A Spark file path (a URI: file:/..., file:///... from the text source,
    percent-encoded there) as DuckDB names the file: a local one as a plain
    path. -#}
{% macro ses_spark_file_name(path) -%}
    regexp_replace(try_url_decode(replace({{ path }}, '+', '%2B')), '^file:(//)?', '')
{%- endmacro %}


{#- The files at a location (a path or a glob) as a SQL expression that
    read_blob accepts: a local location as the list the ses_objects plugin
    finds there, symbolic links followed (DuckDB's own glob skips them under
    "**"; see list_local_objects in plugins/ses_objects.py), a remote one as
    the list of the objects the s3 target's plugin finds there (fsspec's own
    glob also returns the folders that key prefixes imply). Listed while the
    model compiles and written as constant paths, so that a view reading
    them (the send log's) opens in any DuckDB, which has no such function. -#}
{% macro ses_location_files(location, setting_name) -%}
    {%- set listing = 'ses_list_local_objects(' ~ ses_string_literal(location) ~ ')' -%}
    {%- if not execute -%}{{ return(listing) }}{%- endif -%}
    {%- if ses_is_remote(location) -%}
        {%- set paths = run_query(ses_list_objects(location, setting_name)).columns[0].values() -%}
    {%- else -%}
        {%- set paths = run_query('select unnest(' ~ listing ~ ')').columns[0].values() -%}
    {%- endif -%}
    {#- nothing there: the listing itself, which reads as no file -#}
    {{ return(ses_string_list(paths) if paths else listing) }}
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

{% macro spark__ses_files_version(location, setting_name) -%}
    (
        select md5(array_join(array_sort(collect_list(concat_ws(':', file_name, object_size, object_modified_at))), ','))
        from ({{ ses_object_versions(location, setting_name) }}) as object_versions
    )
{%- endmacro %}


{#- The internal send log: CSV (every column read as text, so nothing is
    guessed wrong) or Parquet, chosen by the file suffix; `location` empty
    when none is configured (the send log is optional), which reads as a
    send log without rows. Its columns are found by name while the model
    compiles (see ses_requests_file_columns: the ses_requests_columns var
    maps the file's names, region may be missing), and a missing one, an
    empty file or a file that is no CSV (Parquet) at all fails in one line
    naming the file. A CSV row that cannot be read is left out here and
    quarantined by ses_read_request_rejects. request_time is parsed to UTC
    (with the ses_requests_time_format var when set) and also kept as
    written, so a time that does not parse is counted, not silently null.
    Every further column (campaign, team, ...) goes into the
    request_attributes map as text, so a company's own columns reach the
    marts without the project knowing them. -#}
{% macro ses_read_requests(location) -%}
    {%- if location | string == '' -%}
        {{ return(ses_no_requests()) }}
    {%- endif -%}
    {{ return(adapter.dispatch('ses_read_requests', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_read_requests(location) -%}
    {%- set path = location | string -%}
    {%- set send_log = ses_duckdb_send_log_reader(path, 'ignore_errors = true') -%}
    {%- set layout = ses_requests_layout(path, send_log.column_types, 'VARCHAR', send_log.has_header_line) -%}
    {%- set columns, attribute_columns, time_format = layout.columns, layout.attribute_columns, layout.time_format -%}
    select
        message_id,
        -- as the var ses_pii_mode keeps it, as the events' addresses are
        {{ ses_mask('recipient', 'address') }} as recipient,  -- noqa: AL09
        {{ ses_parse_timestamp('request_time_text', time_format or none) }} as request_time,
        request_time_text,
        region,
        request_attributes
    from (
        select
            cast({{ ses_quoted_identifier(columns.message_id) }} as varchar) as message_id,
            cast({{ ses_quoted_identifier(columns.recipient) }} as varchar) as recipient,
            nullif(trim(cast({{ ses_quoted_identifier(columns.request_time) }} as varchar)), '') as request_time_text,
            {% if columns.region is not none -%}
            nullif(trim(cast({{ ses_quoted_identifier(columns.region) }} as varchar)), '')
            {%- else -%}
            cast(null as varchar)
            {%- endif %} as region,
            {% if attribute_columns -%}
            map {
                {%- for column_name in attribute_columns %} {{ ses_string_literal(column_name) }}: cast({{ ses_quoted_identifier(column_name) }} as varchar){{ ',' if not loop.last }}{% endfor %} }
            {%- else -%}
            cast(null as {{ ses_text_map_type() }})
            {%- endif %} as request_attributes
        from {{ send_log.reader }}
    ) as send_log
{%- endmacro %}

{#- The same on Spark: CSV through its csv source (header, every column a
    string; quotes doubled inside quotes and line breaks inside them, as
    DuckDB reads them), both through a temporary view that is described
    while the model compiles. The empty-file error names the location:
    Spark lists no file of 0 bytes. Spark's reader keeps a row it cannot
    split as well as it can (PERMISSIVE), so no row is quarantined here. -#}
{% macro spark__ses_read_requests(location) -%}
    {%- set path = location | string -%}
    {%- set file_column_types = {} -%}
    {%- if path.lower().endswith('.parquet') -%}
        {%- set reader = ses_spark_files_view(path, 'parquet') -%}
    {%- else -%}
        {%- set reader = ses_spark_files_view(
            path, 'csv', {'header': 'true', 'inferSchema': 'false', 'multiLine': 'true', 'escape': '"'}
        ) -%}
    {%- endif -%}
    {%- if execute -%}
        {%- for row in run_query('describe ' ~ reader).rows -%}
            {%- do file_column_types.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {#- Spark lists no file of 0 bytes: an empty send log shows as one without columns -#}
        {%- if not file_column_types -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ path ~ ': the file is empty (0 bytes); a send log without requests'
                ~ ' still has its header line, e.g. message_id,recipient,request_time,region'
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set layout = ses_requests_layout(
        path, file_column_types if execute else none, 'string', not path.lower().endswith('.parquet')
    ) -%}
    {%- set columns, attribute_columns, time_format = layout.columns, layout.attribute_columns, layout.time_format -%}
    select
        message_id,
        -- as the var ses_pii_mode keeps it, as the events' addresses are
        {{ ses_mask('recipient', 'address') }} as recipient,  -- noqa: AL09
        {{ ses_parse_timestamp('request_time_text', time_format or none) }} as request_time,
        request_time_text,
        region,
        request_attributes
    from (
        select
            cast({{ ses_quoted_identifier(columns.message_id) }} as string) as message_id,
            cast({{ ses_quoted_identifier(columns.recipient) }} as string) as recipient,
            nullif(trim(cast({{ ses_quoted_identifier(columns.request_time) }} as string)), '') as request_time_text,
            {% if columns.region is not none -%}
            nullif(trim(cast({{ ses_quoted_identifier(columns.region) }} as string)), '')
            {%- else -%}
            cast(null as string)
            {%- endif %} as region,
            {% if attribute_columns -%}
            map(
                {%- for column_name in attribute_columns %} {{ ses_string_literal(column_name) }}, cast({{ ses_quoted_identifier(column_name) }} as string){{ ',' if not loop.last }}{% endfor %} )
            {%- else -%}
            cast(null as {{ ses_text_map_type() }})
            {%- endif %} as request_attributes
        from {{ reader }}
    ) as send_log
{%- endmacro %}


{#- A send log without rows, in the columns and types of ses_read_requests:
    what the models read when no send log is configured. -#}
{% macro ses_no_requests() -%}
    select
        cast(null as {{ dbt.type_string() }}) as message_id,
        cast(null as {{ dbt.type_string() }}) as recipient,
        cast(null as {{ dbt.type_timestamp() }}) as request_time,
        cast(null as {{ dbt.type_string() }}) as request_time_text,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ ses_text_map_type() }}) as request_attributes
    where false
{%- endmacro %}


{#- The engine's type of a map from text to text (request_attributes). -#}
{% macro ses_text_map_type() -%}
    {{ return(adapter.dispatch('ses_text_map_type', 'ses_analytics')()) }}
{%- endmacro %}

{% macro default__ses_text_map_type() -%}
    {{ return('map(varchar, varchar)') }}
{%- endmacro %}

{% macro spark__ses_text_map_type() -%}
    {{ return('map<string, string>') }}
{%- endmacro %}


{#- DuckDB's reader of the send log at `path`, told what the file is rather
    than left to guess (its CSV sniffer guesses another delimiter or quote
    when one row is bad, and then misreads every row). While the model
    compiles each file is looked at once: an empty file, a file that is no
    CSV (Parquet) at all, files that differ in their first line, and a CSV
    without a header line each fail in one line naming the file, never
    quoting its content. A CSV is then read with the delimiter and encoding
    found, RFC 4180 quotes and the header's names, each column as text;
    `csv_options` says what to do with a row that does not fit (ignore_errors
    or store_rejects). Returns `reader`, `column_types` (the file's columns
    with their types; none while dbt parses), `has_header_line` (a CSV's
    first line names its columns), and for a CSV its `encoding` and
    `header_length`. -#}
{% macro ses_duckdb_send_log_reader(path, csv_options) -%}
    {%- set is_parquet = path.lower().endswith('.parquet') -%}
    {%- if not execute -%}
        {%- set reader = 'read_parquet(' ~ ses_string_literal(path) ~ ')' if is_parquet
            else 'read_csv(' ~ ses_string_literal(path) ~ ', header = true, all_varchar = true)' -%}
        {{ return({'reader': reader, 'column_types': none, 'has_header_line': not is_parquet}) }}
    {%- endif -%}
    {#- listing a remote location first makes a wrong one fail in one line, naming it -#}
    {%- set files = ses_location_files(path, 'ses_requests_path') -%}
    {%- set file_checks -%}
        select
            filename,
            size = 0 as is_empty,
            {%- if is_parquet %}
            case when content[1:4] <> 'PAR1'::blob then 'no Parquet magic number; a CSV file is named .csv' end
                as problem,
            null as encoding,
            null as delimiter,
            null as header_json
            {%- else %}
            shape.problem,
            shape.encoding,
            shape.delimiter,
            cast(to_json(shape.header) as varchar) as header_json
            {%- endif %}
        from (
            select
                filename,
                size,
                content,
                ses_csv_shape(content, lower(filename) like '%.gz') as shape
            from read_blob({{ files }})
        ) as send_log_files
        order by filename
    {%- endset -%}
    {%- set checked_files = run_query(file_checks).rows -%}
    {%- if not checked_files -%}
        {%- do exceptions.raise_compiler_error(
            'ses_requests_path ' ~ path ~ ': no such file (or a glob that matches none); set the var to your'
            ~ ' send log, or leave it empty for none'
        ) -%}
    {%- endif -%}
    {%- for file_name, is_empty, problem, _, _, _ in checked_files -%}
        {%- if is_empty -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ file_name ~ ': the file is empty (0 bytes); a send log without requests'
                ~ ' still has its header line, e.g. message_id,recipient,request_time,region'
            ) -%}
        {%- endif -%}
        {%- if problem -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ file_name ~ ': not a ' ~ ('Parquet' if is_parquet else 'CSV') ~ ' file: ' ~ problem
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if is_parquet -%}
        {%- set reader = 'read_parquet(' ~ files ~ ')' -%}
        {%- set column_types = {} -%}
        {%- for row in run_query('describe select * from ' ~ reader).rows -%}
            {%- do column_types.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {{ return({'reader': reader, 'column_types': column_types, 'has_header_line': false}) }}
    {%- endif -%}
    {%- set first_file, _, _, encoding, delimiter, header_json = checked_files[0] -%}
    {%- for file_name, _, _, file_encoding, file_delimiter, file_header_json in checked_files[1:] -%}
        {%- if [file_encoding, file_delimiter, file_header_json] != [encoding, delimiter, header_json] -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ file_name ~ ': its first line, delimiter or encoding differs from that of '
                ~ first_file ~ '; every file of the send log has the same header line'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set header = fromjson(header_json) -%}
    {#- a first line that is no header fails here, before any of it is named -#}
    {%- do ses_requests_file_columns(path, header, true) -%}
    {%- set column_types = {} -%}
    {%- for name in header -%}
        {%- set name = name if name | trim else 'column' ~ loop.index0 -%}
        {%- if name in column_types -%}
            {%- do exceptions.raise_compiler_error(
                'ses_requests_path ' ~ first_file ~ ': the header line names ' ~ name ~ ' twice'
            ) -%}
        {%- endif -%}
        {%- do column_types.update({name: 'VARCHAR'}) -%}
    {%- endfor -%}
    {%- set column_list = [] -%}
    {%- for name in column_types -%}
        {%- do column_list.append(ses_string_literal(name) ~ ': ' ~ ses_string_literal('VARCHAR')) -%}
    {%- endfor -%}
    {%- set reader -%}
        read_csv({{ files }}, auto_detect = false, header = true, delim = {{ ses_string_literal(delimiter) }},
            quote = '"', escape = '"', encoding = {{ ses_string_literal(encoding) }},
            columns = { {{ column_list | join(', ') }} }, {{ csv_options }})
    {%- endset -%}
    {{ return({
        'reader': reader, 'column_types': column_types, 'has_header_line': true,
        'encoding': encoding, 'header_length': column_types | length,
    }) }}
{%- endmacro %}


{#- The send-log lines that could not be read, one row each: file_name,
    line_number (1 for the header line), rejection_reason. Never a value of
    the line: DuckDB's reject tables quote the line, so they are read for
    line numbers and error types only and dropped at once. None while no
    send log is configured, for Parquet, and on Spark. -#}
{% macro ses_read_request_rejects(location) -%}
    {%- if location | string == '' -%}
        {{ return(ses_no_request_rejects()) }}
    {%- endif -%}
    {{ return(adapter.dispatch('ses_read_request_rejects', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_read_request_rejects(location) -%}
    {%- set path = location | string -%}
    {%- if not execute or path.lower().endswith('.parquet') -%}
        {{ return(ses_no_request_rejects()) }}
    {%- endif -%}
    {%- set send_log = ses_duckdb_send_log_reader(
        path, "store_rejects = true, rejects_table = 'ses_send_log_reject_errors', rejects_scan = 'ses_send_log_reject_scans'"
    ) -%}
    {#- every column is read, so every one is checked (a column no query
        reads is not decoded); the reject tables hold the rejected lines'
        text, so they are dropped in the same run_query that fills them -#}
    {%- set scan -%}
        drop table if exists ses_send_log_reject_errors;
        drop table if exists ses_send_log_reject_scans;
        drop table if exists ses_send_log_rejected_lines;
        select sum(hash(columns(*))) from {{ send_log.reader }};
        create temporary table ses_send_log_rejected_lines as
        select
            scans.file_path as file_name,
            errors.line as record_line,
            errors.line_byte_position as line_offset,
            {{ ses_send_log_rejection_reason('errors.error_type', send_log.header_length) }} as rejection_reason
        from ses_send_log_reject_errors as errors
        inner join ses_send_log_reject_scans as scans
            on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id;
        drop table ses_send_log_reject_errors;
        drop table ses_send_log_reject_scans;
        select
            file_name,
            cast(to_json(list(line_offset order by record_line)) as varchar) as line_offsets,
            cast(to_json(list(record_line order by record_line)) as varchar) as record_lines,
            cast(to_json(list(rejection_reason order by record_line)) as varchar) as rejection_reasons
        from (
            select
                file_name,
                record_line,
                min(line_offset) as line_offset,
                string_agg(distinct rejection_reason, '; ' order by rejection_reason) as rejection_reason
            from ses_send_log_rejected_lines
            group by file_name, record_line
        ) as rejected_lines
        group by file_name
        order by file_name
    {%- endset -%}
    {%- set rejected_files = run_query(scan).rows -%}
    {%- do run_query('drop table ses_send_log_rejected_lines') -%}
    {%- if not rejected_files -%}
        {{ return(ses_no_request_rejects()) }}
    {%- endif -%}
    {%- set rejected_rows = [] -%}
    {%- for file_name, line_offsets, record_lines, reasons_json in rejected_files -%}
        {%- set reasons = fromjson(reasons_json) -%}
        {#- DuckDB numbers records, and a quoted value may span lines: the
            line of each rejected record's first byte, in a UTF-8 file (the
            record's number where DuckDB gives no byte position) -#}
        {%- set record_numbers = fromjson(record_lines) -%}
        {%- set line_numbers = record_numbers -%}
        {%- if send_log.encoding == 'utf-8' -%}
            {%- set line_numbers = fromjson(run_query(
                'select cast(to_json(ses_line_numbers(content, ' ~ (file_name.lower().endswith('.gz') | string | lower)
                ~ ', ' ~ line_offsets ~ ')) as varchar) from read_blob(' ~ ses_string_literal(file_name) ~ ')'
            ).columns[0].values()[0]) -%}
        {%- endif -%}
        {%- for line_number in line_numbers -%}
            {%- do rejected_rows.append(
                '(' ~ ses_string_literal(file_name) ~ ', ' ~ (line_number or record_numbers[loop.index0])
                ~ ', ' ~ ses_string_literal(reasons[loop.index0]) ~ ')'
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    select
        cast(file_name as varchar) as file_name,
        cast(line_number as bigint) as line_number,
        cast(rejection_reason as varchar) as rejection_reason
    from (values {{ rejected_rows | join(', ') }}) as rejected_lines (file_name, line_number, rejection_reason)
{%- endmacro %}

{% macro spark__ses_read_request_rejects(location) -%}
    {{ return(ses_no_request_rejects()) }}
{%- endmacro %}

{#- No rejected send-log line, in the columns and types of ses_read_request_rejects. -#}
{% macro ses_no_request_rejects() -%}
    select
        cast(null as {{ dbt.type_string() }}) as file_name,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        cast(null as {{ dbt.type_string() }}) as rejection_reason
    where false
{%- endmacro %}

{#- Why DuckDB's CSV reader rejected a send-log line, from its error type
    (never its error message, which may quote the line), for a header of
    `header_length` columns. -#}
{% macro ses_send_log_rejection_reason(error_type, header_length) -%}
    case {{ error_type }}
        when 'TOO MANY COLUMNS' then 'more fields than the {{ header_length }} of the header line'
        when 'MISSING COLUMNS' then 'fewer fields than the {{ header_length }} of the header line'
        when 'INVALID ENCODING' then 'bytes that are not text in the file''s encoding (a stray Latin-1 byte in UTF-8?)'
        when 'UNQUOTED VALUE' then 'a quote that does not close, or text after a closing quote'
        when 'LINE SIZE OVER MAXIMUM' then 'a line longer than the reader''s maximum (2,000,000 bytes)'
        else lower({{ error_type }})
    end
{%- endmacro %}


{#- The configured events location as a glob: a glob as given, a folder as
    every file below it, a file as itself. A remote location (s3://) is
    returned as given: its listing tells a prefix from an object itself. -#}
{% macro ses_events_glob() -%}
    {%- set path = ses_project_path(ses_setting('ses_events_path')) -%}
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

{#- Only metadata: binaryFile opens no file when its content is not read. -#}
{% macro spark__ses_object_versions(location, setting_name) -%}
    select
        {{ ses_spark_file_name('path') }} as file_name,
        length as object_size,
        modificationTime as object_modified_at
    from {{ ses_spark_files_view(location, 'binaryFile') }}
{%- endmacro %}


{#- The raw objects this run reads, for ses_read_records: a glob or a list of paths,
    the objects the location lists whose name, size and modification time
    `loaded_relation` has no record of (all of them on a full build), so an
    object written again, records appended, is read again (its records read
    before then count as redeliveries). Each object is named by its
    constant path so DuckDB opens only those (it prunes files only for
    constant paths); a local full build passes the glob itself, which the
    ses_objects plugin expands as DuckDB reads. Returns none when there is nothing new; fails in
    one line naming the var and the location when it lists nothing. -#}
{% macro ses_event_objects_to_read(loaded_relation) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {#- no location: what dbt compile or docs generate see without one; a run
        that builds this model stops at ses_check_settings before it -#}
    {%- if ses_setting('ses_events_path') == '' -%}{{ return(none) }}{%- endif -%}
    {%- set pattern = ses_events_glob() -%}
    {%- set listed_objects = ses_object_versions(pattern, 'ses_events_path') -%}
    {%- set object_count = run_query('select count(*) from (' ~ listed_objects ~ ') as listed').columns[0].values()[0] -%}
    {%- if object_count == 0 -%}
        {%- do exceptions.raise_compiler_error(
            'ses_events_path ' ~ ses_setting('ses_events_path') ~ ': no objects found (no such file or folder, or nothing written there yet); set the var to where your SES objects are'
        ) -%}
    {%- endif -%}
    {%- if not is_incremental() and not ses_is_remote(pattern) -%}
        {%- do log('ses_events_path: ' ~ object_count ~ ' new object(s) to read (full build)', info=true) -%}
        {{ return(pattern) }}
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
    {{ return(new_objects.columns[0].values() | list) }}
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


{#- Texts as a DuckDB list of string literals: ['a', 'b']. -#}
{% macro ses_string_list(texts) -%}
    {%- set literals = [] -%}
    {%- for text in texts -%}{%- do literals.append(ses_string_literal(text)) -%}{%- endfor -%}
    {{ return('[' ~ literals | join(', ') ~ ']') }}
{%- endmacro %}


{#- A name as a quoted SQL identifier, whatever it holds (a send log's
    column may be called anything): adapter.quote's quote character doubled
    inside it, as DuckDB reads "" and Spark reads `` in a quoted name. -#}
{% macro ses_quoted_identifier(name) -%}
    {%- set quote = adapter.quote('')[:1] -%}
    {{ return(adapter.quote(name | string | replace(quote, quote ~ quote))) }}
{%- endmacro %}


{#- A text as a single-quoted SQL string literal. -#}
{% macro ses_string_literal(text) -%}
    {{ return(adapter.dispatch('ses_string_literal', 'ses_analytics')(text)) }}
{%- endmacro %}

{% macro default__ses_string_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}

{#- Spark reads a backslash in a literal as an escape, and '' as two
    literals side by side. -#}
{% macro spark__ses_string_literal(text) -%}
    '{{ text | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
