-- grain: one requested (message_id, recipient) from the company's send log
-- depends_on: {{ source('internal', 'ses_requests') }}

with requests as (

    {{ ses_read_requests(ses_project_path(var('ses_requests_path'))) }}

)

select * from requests
