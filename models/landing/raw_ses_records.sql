-- grain: one physical record read from a raw SES object (a line, or one object
-- of a line of concatenated objects), kept exactly as written, valid or not
-- depends_on: {{ source('ses', 'raw_events') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set objects_to_read = ses_event_objects_to_read(this) %}

with records as (

    {%- if objects_to_read is none %}
        select
            cast(null as {{ dbt.type_string() }}) as file_name,
            cast(null as {{ dbt.type_string() }}) as record_text
        where false
    {%- else %}
        {{ ses_read_records(objects_to_read) }}
    {%- endif %}

),

final as (

    select
        file_name,
        record_text,
        -- tells identical records of one object apart from the rest without
        -- comparing their text (base_ses__records numbers such copies)
        {{ ses_hash(['record_text']) }} as record_hash,
        {{ ses_run_loaded_at() }} as loaded_at
    from records

)

select * from final
