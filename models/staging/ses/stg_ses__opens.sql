-- grain: one distinct SES open event
{{ ses_staging_model('open') }}
