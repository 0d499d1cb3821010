-- The cohort summary macro works for a column of the internal data that the
-- project knows nothing about (campaign, reached through request_attributes):
-- every requested message lands in exactly one cohort.

with campaign_summary as (

    {{ ses_cohort_summary(
        ref('fct_ses_messages'), "request_attributes['campaign']", 'campaign', where='was_requested'
    ) }}

),

summarised as (

    select sum(count_messages) as summarised_messages from campaign_summary

),

requested as (

    select count(distinct message_id) as requested_messages
    from {{ ref('int_ses__requests') }}
    where not is_removed

)

select
    summarised.summarised_messages,
    requested.requested_messages
from summarised
cross join requested
where summarised.summarised_messages <> requested.requested_messages
