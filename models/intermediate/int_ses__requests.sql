-- grain: one requested (message_id, recipient) row of the internal send log,
-- stamped with the run that last loaded its message's rows. The send log is
-- read again only when its files changed (name, size or modification time),
-- and then only the messages whose rows changed are replaced, so the marts
-- recompute just those.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{#- the files' stamp is read once, while the model compiles, and written as a
    constant: the same value decides whether to read the files and is stored -#}
{%- set send_log_version = none %}
{%- set send_log_unchanged = false %}
{%- if execute %}
    {%- set send_log_path = ses_project_path(var('ses_requests_path')) %}
    {%- set version_query = 'select ' ~ ses_files_version(send_log_path, 'ses_requests_path') %}
    {%- set send_log_version = run_query(version_query).columns[0].values()[0] %}
    {%- if is_incremental() %}
        {%- set stored_version_query -%}
            select max_by(send_log_version, loaded_at) from {{ this }}
        {%- endset %}
        {%- set send_log_unchanged = run_query(stored_version_query).columns[0].values()[0] == send_log_version %}
    {%- endif %}
{%- endif %}

with requests as (

    select
        message_id,
        recipient,
        request_time,
        region,
        request_attributes
    from {{ ref('stg_internal__ses_requests') }}
    {%- if send_log_unchanged %}
    where false
    {%- endif %}

),

message_hashes as (

    -- a sum of row hashes ignores row order, so only content counts
    select
        message_id,
        cast(
            sum({{ ses_hash(['message_id', 'recipient', 'request_time', 'region', 'request_attributes']) }})
            as {{ dbt.type_string() }}
        ) as request_hash
    from requests
    group by message_id

),

{%- if is_incremental() %}

changed_messages as (

    select message_hashes.message_id
    from message_hashes
    left join (select distinct message_id, request_hash from {{ this }}) as current_messages
        on message_hashes.message_id = current_messages.message_id
    where current_messages.request_hash is distinct from message_hashes.request_hash

),
{%- endif %}

final as (

    select
        requests.message_id,
        requests.recipient,
        requests.request_time,
        requests.region,
        requests.request_attributes,
        message_hashes.request_hash,
        cast({{ ses_string_literal(send_log_version) if send_log_version else 'null' }} as {{ dbt.type_string() }})
            as send_log_version,
        {{ ses_run_loaded_at() }} as loaded_at
    from requests
    inner join message_hashes
        on requests.message_id = message_hashes.message_id
    {%- if is_incremental() %}
    where requests.message_id in (select changed_messages.message_id from changed_messages)
    {%- endif %}

)

select * from final
