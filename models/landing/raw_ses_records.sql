-- grain: one physical record read from a raw SES object (a line, or one object
-- of a line of concatenated objects), kept exactly as written, valid or not
-- depends_on: {{ source('ses', 'raw_events') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set objects_to_read = ses_event_objects_to_read(this) %}

with source_lines as (

    {%- if objects_to_read is none %}
        select
            cast(null as varchar) as file_name,
            cast(null as varchar) as line_text
        where false
    {%- else %}
        {{ ses_read_lines(objects_to_read) }}
    {%- endif %}

),

records as (

    select
        file_name,
        {{ ses_unnest(ses_split_concatenated_records('line_text')) }} as record_text
    from source_lines

),

numbered as (

    select
        file_name,
        record_text,
        {{ ses_fast_hash('record_text') }} as record_hash,
        -- identical records in one object are all kept: the occurrence number
        -- tells them apart (rows that tie are identical, so any order will do;
        -- a hash collision only numbers two different texts apart, so the key
        -- (file, hash, occurrence) stays unique and nothing is lost)
        row_number() over (partition by file_name, {{ ses_fast_hash('record_text') }}) as record_occurrence
    from records

),

final as (

    select
        {{ dbt.hash(dbt.concat(['file_name', "'#'", 'record_hash', "'#'", 'record_occurrence'])) }} as raw_record_id,
        file_name,
        cast(record_hash as {{ dbt.type_string() }}) as record_hash,
        cast(record_occurrence as integer) as record_occurrence,
        record_text,
        {{ ses_current_utc_timestamp() }} as loaded_at
    from numbered

)

select * from final
