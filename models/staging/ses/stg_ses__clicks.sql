-- grain: one distinct SES click event
{{ ses_staging_model(ref('stg_ses__events'), 'click') }}
