{#- Reading raw objects. Each physical record must survive exactly as written,
    valid JSON or not, so objects are read as lines of text rather than through
    a JSON reader (which samples for a schema and drops what it cannot parse). -#}

{#- One row per non-empty line: file_name, line_text. NUL never occurs in
    text records, so it serves as a delimiter that keeps each line whole;
    gzip is detected by the .gz suffix. -#}
{% macro ses_read_lines(location) -%}
    {{ return(adapter.dispatch('ses_read_lines', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_read_lines(location) -%}
    select
        filename as file_name,
        line_text
    from read_csv(
        {{ location }},
        columns = {'line_text': 'varchar'},
        delim = chr(0),
        quote = '',
        escape = '',
        header = false,
        auto_detect = false,
        filename = true,
        compression = 'auto',
        max_line_size = {{ var('ses_max_record_line_bytes') }}
    )
    where trim(line_text) <> ''
{%- endmacro %}


{#- Split a line into records. SES ends records with a newline, but plain
    Firehose and some Lambda transforms concatenate objects with no delimiter
    ({...}{...}): a line that is not one JSON document is cut at each "}{",
    and every piece is judged on its own afterwards. -#}
{% macro ses_split_concatenated_records(line_column) -%}
    {{ return(adapter.dispatch('ses_split_concatenated_records', 'ses_analytics')(line_column)) }}
{%- endmacro %}

{% macro default__ses_split_concatenated_records(line_column) -%}
    case
        when not regexp_matches({{ line_column }}, '\}\s*\{') or {{ ses_is_valid_json(line_column) }}
            then [{{ line_column }}]
        else string_split(regexp_replace({{ line_column }}, '\}\s*\{', '}' || chr(0) || '{', 'g'), chr(0))
    end
{%- endmacro %}


{#- The configured events location as a glob: a glob as given, a folder as
    every file below it, a file as itself. -#}
{% macro ses_events_glob() -%}
    {%- set path = var('ses_events_path') | string -%}
    {%- if '*' not in path and '?' not in path and execute -%}
        {%- set folder_glob = path.rstrip('/') ~ '/**' -%}
        {%- set files_below = run_query("select count(*) from glob(" ~ ses_string_literal(folder_glob) ~ ")").columns[0].values()[0] -%}
        {%- if files_below > 0 -%}{%- set path = folder_glob -%}{%- endif -%}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}


{#- The raw objects this run reads, as a SQL expression for ses_read_lines:
    on a full build the whole glob; on an incremental build the list of
    objects the glob matches that `loaded_relation` has no record of, each
    named by its constant path so DuckDB opens only those. Returns none when
    there is nothing new. Listing is cheap; an object with no record at all
    (empty) is listed again each run and read again, at no cost. -#}
{% macro ses_event_objects_to_read(loaded_relation) -%}
    {%- set pattern = ses_events_glob() -%}
    {%- if not is_incremental() -%}
        {%- if execute -%}
            {%- set object_count = run_query('select count(*) from glob(' ~ ses_string_literal(pattern) ~ ')').columns[0].values()[0] -%}
            {%- do log('ses_events_path: ' ~ object_count ~ ' new object(s) to read (full build)', info=true) -%}
        {%- endif -%}
        {{ return(ses_string_literal(pattern)) }}
    {%- endif -%}
    {%- set new_objects_query -%}
        select file from glob({{ ses_string_literal(pattern) }})
        except
        select distinct file_name from {{ loaded_relation }}
        order by 1
    {%- endset -%}
    {%- set new_objects = run_query(new_objects_query).columns[0].values() | list if execute else [] -%}
    {%- do log('ses_events_path: ' ~ new_objects | length ~ ' new object(s) to read', info=true) if execute -%}
    {%- if new_objects | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for path in new_objects -%}{%- do literals.append(ses_string_literal(path)) -%}{%- endfor -%}
    {{ return('[' ~ literals | join(', ') ~ ']') }}
{%- endmacro %}


{#- A version stamp of the files at a location (a path or a glob), as a SQL
    scalar: it changes when a file appears, goes, or changes size or
    modification time. Reading the metadata opens no file, so it tells cheaply
    whether the send log must be read again. -#}
{% macro ses_files_version(location) -%}
    {{ return(adapter.dispatch('ses_files_version', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_files_version(location) -%}
    (
        select md5(string_agg(filename || ':' || size || ':' || last_modified, ',' order by filename))
        from read_blob({{ ses_string_literal(location) }})
    )
{%- endmacro %}


{#- A text as a single-quoted SQL string literal. -#}
{% macro ses_string_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}


{#- The internal send log: CSV (every column read as text, so nothing is
    guessed wrong) or Parquet, chosen by the file suffix. The four known
    columns are typed; any other column passes through as it is. -#}
{% macro ses_read_requests(location) -%}
    {{ return(adapter.dispatch('ses_read_requests', 'ses_analytics')(location)) }}
{%- endmacro %}

{% macro default__ses_read_requests(location) -%}
    {%- set path = location | string -%}
    {%- set quoted_path = ses_string_literal(path) -%}
    select
        cast(message_id as varchar) as message_id,
        cast(recipient as varchar) as recipient,
        {{ ses_parse_timestamp('cast(request_time as varchar)') }} as request_time,
        cast(region as varchar) as region,
        * exclude (message_id, recipient, request_time, region)
    {%- if path.lower().endswith('.parquet') %}
    from read_parquet({{ quoted_path }})
    {%- else %}
    from read_csv({{ quoted_path }}, header = true, all_varchar = true)
    {%- endif %}
{%- endmacro %}
