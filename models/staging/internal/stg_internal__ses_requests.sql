-- grain: one requested (message_id, recipient) from the company's send log
-- depends_on: {{ source('internal', 'ses_requests') }}
{#- A view reads the send log as it is now; with ses_pii_mode hashed or
    redacted it is a table instead, written masked, because a view would
    hand the file's raw addresses to whoever queries it. -#}
{{ config(schema=ses_schema('staging'), materialized='view' if var('ses_pii_mode', 'raw') == 'raw' else 'table') }}

with requests as (

    {{ ses_read_requests(ses_project_path(var('ses_requests_path'))) }}

)

select * from requests
