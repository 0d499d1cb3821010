-- grain: one distinct SES subscription event
{{ ses_staging_model('subscription') }}
