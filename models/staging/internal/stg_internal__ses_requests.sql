-- grain: one requested (message_id, recipient) from the company's send log
-- depends_on: {{ source('internal', 'ses_requests') }}
{#- a view, or a table where a view cannot be (ses_requests_materialized) -#}
{{ config(schema=ses_schema('staging'), materialized=ses_requests_materialized()) }}

with requests as (

    {{ ses_read_requests(ses_project_path(ses_setting('ses_requests_path'))) }}

)

select * from requests
