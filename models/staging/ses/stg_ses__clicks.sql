-- grain: one distinct SES click event
{{ ses_staging_model('click') }}
