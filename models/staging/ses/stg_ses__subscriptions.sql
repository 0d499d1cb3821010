-- grain: one distinct SES subscription event
{{ ses_staging_model(ref('stg_ses__events'), 'subscription') }}
