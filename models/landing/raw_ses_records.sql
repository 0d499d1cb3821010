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
    enabled=ses_lands_record_text(),
) }}

{{ ses_landed_records(ses_event_objects_to_read(this)) }}
