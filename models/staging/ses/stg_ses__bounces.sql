-- grain: one distinct SES bounce event
{{ ses_staging_model('bounce') }}
