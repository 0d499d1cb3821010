-- grain: one distinct SES complaint event
{{ ses_staging_model('complaint') }}
