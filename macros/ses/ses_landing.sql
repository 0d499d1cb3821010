{#- Where the raw records land, by ses_pii_mode. As written (raw), every
    record lands in raw_ses_records and base_ses__records parses the rows
    that are new there. Masked (hashed, redacted), no table may keep a
    record's text: raw_ses_records is not built, and base_ses__records reads
    the new objects itself, in the same statement that parses and masks
    them, so the text lives only in that statement's memory (and DuckDB's
    spill files while it runs). What stays for reprocessing is the objects
    themselves, named in base_ses__records by file and version. -#}

{#- Whether records land as written, in raw_ses_records. -#}
{% macro ses_lands_record_text() -%}
    {{ return(ses_pii_mode() == 'raw') }}
{%- endmacro %}


{#- Why an object could not be read at all (ses_read_records): its one row's
    read_failure, and base_ses__records' rejection_reason. -#}
{% macro ses_read_failures() -%}
    {{ return(['object_not_gzip', 'object_gzip_without_gz_suffix', 'object_corrupt_gzip', 'object_not_utf8']) }}
{%- endmacro %}


{#- The records of the raw objects `objects` (ses_event_objects_to_read; none:
    nothing new), as raw_ses_records keeps them: file_name, object_size,
    object_modified_at, read_failure, record_text, with record_hash and the
    run's loaded_at. -#}
{% macro ses_landed_records(objects) -%}
    with records as (

        {%- if objects is none %}
        select
            cast(null as {{ dbt.type_string() }}) as file_name,
            cast(null as {{ dbt.type_bigint() }}) as object_size,
            cast(null as {{ dbt.type_timestamp() }}) as object_modified_at,
            cast(null as {{ dbt.type_string() }}) as read_failure,
            cast(null as {{ dbt.type_string() }}) as record_text
        where false
        {%- else %}
        {{ ses_read_records(objects) }}
        {%- endif %}

    ),

    final as (

        select
            file_name,
            object_size,
            object_modified_at,
            read_failure,
            record_text,
            -- tells identical records of one object apart from the rest without
            -- comparing their text (base_ses__records numbers such copies)
            case when record_text is not null then {{ ses_hash(['record_text']) }} end as record_hash,
            {{ ses_run_loaded_at() }} as loaded_at
        from records

    )

    select * from final
{%- endmacro %}


{#- In a masked mode, a raw_ses_records table left by an earlier raw build
    still holds record text: the build stops, naming it, rather than leave
    it beside masked tables. -#}
{% macro ses_refuse_landed_text() -%}
    {%- if execute and not ses_lands_record_text() -%}
        {%- set landed = adapter.get_relation(database=this.database, schema=generate_schema_name(ses_schema('landing'), none), identifier='raw_ses_records') -%}
        {%- if landed is not none -%}
            {%- do exceptions.raise_compiler_error(
                'ses_pii_mode ' ~ ses_pii_mode() ~ ': ' ~ landed ~ ' holds the record text of an earlier build with ses_pii_mode raw;'
                ~ ' drop it and build again with --full-refresh, so that no table keeps unmasked values'
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
