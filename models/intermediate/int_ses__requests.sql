-- grain: one requested (message_id, recipient) row of the internal send log,
-- stamped with the run that last loaded its message's rows, plus one row per
-- message that has left the send log (is_removed). The send log is a
-- snapshot, read again only when its files changed (name, size or
-- modification time) or are to be read otherwise (the reading vars); then
-- only the messages whose rows changed or went are replaced, so the marts
-- recompute just those.
{{ config(
    schema=ses_schema('staging'),
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
) }}

{#- the stamp is read once, while the model compiles, and written as a
    constant: the same value decides whether to read the files and is stored.
    The same files read with other column names or another time format are a
    new version: they give other rows. -#}
{#- the send log's columns, whose content is hashed per message -#}
{%- set request_columns = [
    'message_id', 'recipient', 'request_time', 'request_time_text', 'region', 'request_attributes',
] %}
{%- set send_log_version = none %}
{%- set send_log_unchanged = false %}
{%- if execute %}
    {%- set send_log_path = ses_project_path(ses_setting('ses_requests_path')) %}
    {%- set version_query = 'select ' ~ ses_files_version(send_log_path, 'ses_requests_path') %}
    {%- set files_version = run_query(version_query).columns[0].values()[0] %}
    {%- set reading_settings = [ses_setting('ses_requests_columns'), ses_setting('ses_requests_time_format')] %}
    {%- set send_log_version = local_md5(files_version ~ tojson(reading_settings, sort_keys=true)) %}
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
        request_time_text,
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
        {{ ses_hash_sum(request_columns) }} as request_hash
    from requests
    group by message_id

),

{%- if is_incremental() %}

current_messages as (

    -- the messages of the send log as last read
    select distinct
        message_id,
        request_hash
    from {{ this }}
    where not is_removed

),

changed_messages as (

    select message_hashes.message_id
    from message_hashes
    left join current_messages
        on message_hashes.message_id = current_messages.message_id
    where current_messages.request_hash is distinct from message_hashes.request_hash

),

removed_messages as (

    -- in the send log as last read, not in this read
    select current_messages.message_id
    from current_messages
    left join message_hashes
        on current_messages.message_id = message_hashes.message_id
    where {{ 'false' if send_log_unchanged else 'true' }} and message_hashes.message_id is null

),
{%- endif %}

request_rows as (

    select
        requests.message_id,
        requests.recipient,
        requests.request_time,
        requests.request_time_text,
        requests.region,
        requests.request_attributes,
        message_hashes.request_hash,
        false as is_removed
    from requests
    inner join message_hashes
        on requests.message_id = message_hashes.message_id
    {%- if is_incremental() %}
    where requests.message_id in (select changed_messages.message_id from changed_messages)

    union all

    -- one row per removed message: it replaces the message's rows, and its
    -- loaded_at tells the marts to recompute the message (the nulls take the
    -- types of the rows above)
    select
        message_id,
        null as recipient,
        null as request_time,
        null as request_time_text,
        null as region,
        null as request_attributes,
        null as request_hash,
        true as is_removed
    from removed_messages
    {%- endif %}

),

final as (

    select
        *,
        cast({{ ses_string_literal(send_log_version) if send_log_version else 'null' }} as {{ dbt.type_string() }})
            as send_log_version,
        {{ ses_run_loaded_at() }} as loaded_at
    from request_rows

)

select * from final
