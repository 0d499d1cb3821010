-- grain: one physical record read from a raw SES object (a line, one object
-- of a line of concatenated objects, or one JSON value of any other text),
-- kept exactly as written, valid or not; and one row, with no record, for
-- each object read that yields none (unreadable, or empty)
-- depends_on: {{ source('ses', 'raw_events') }}
{{ config(
    schema=ses_schema('landing'),
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set objects_to_read = ses_event_objects_to_read(this) %}

with records as (

    {%- if objects_to_read is none %}
        select
            cast(null as {{ dbt.type_string() }}) as file_name,
            cast(null as {{ dbt.type_bigint() }}) as object_size,
            cast(null as {{ dbt.type_timestamp() }}) as object_modified_at,
            cast(null as {{ dbt.type_string() }}) as read_failure,
            cast(null as {{ dbt.type_string() }}) as record_text
        where false
    {%- else %}
        {{ ses_read_records(objects_to_read) }}
    {%- endif %}

),

masked as (

    -- personal data as the var ses_pii_mode keeps it (as written by default)
    select
        file_name,
        object_size,
        object_modified_at,
        read_failure,
        {{ ses_mask_personal_data('record_text') }} as record_text  -- noqa: AL09
    from records

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
    from masked

)

select * from final
