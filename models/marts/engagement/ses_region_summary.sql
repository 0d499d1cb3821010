-- grain: one region of the internal send log; every requested message counts
-- once in its region (the summary is over messages, not events). Messages the
-- send log gives no region (no region column, or a blank cell) are counted
-- under 'unknown'. Without a send log (it is optional) every message SES
-- reported on is counted, all under 'unknown'.
{{ config(schema=ses_schema('marts')) }}
{{ ses_cohort_summary(
    ref('fct_ses_messages'), "coalesce(region, 'unknown')", 'region', where=ses_region_summary_messages()
) }}
