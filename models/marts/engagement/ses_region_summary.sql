-- grain: one region of the internal send log; every requested message counts
-- once in its region (the summary is over messages, not events)
{{ ses_cohort_summary(ref('fct_ses_messages'), 'region', 'region', where='was_requested') }}
