-- grain: one distinct SES reject event
{{ ses_staging_model('reject') }}
