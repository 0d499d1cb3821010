-- No fan-out: the region summary's messages add up to the distinct requested
-- messages of the send log, however many recipients or events each has; to
-- every message SES reported on when no send log is configured.
{%- set counted_messages = ref('int_ses__requests') if ses_send_log_path() else ref('stg_ses__events') %}

with summary as (

    select sum(count_messages) as summarised_messages from {{ ref('ses_region_summary') }}

),

requested as (

    select count(distinct message_id) as requested_messages
    from {{ counted_messages }}
    where {{ 'not is_removed' if ses_send_log_path() else 'true' }}

)

select
    summary.summarised_messages,
    requested.requested_messages
from summary
cross join requested
where summary.summarised_messages <> requested.requested_messages
