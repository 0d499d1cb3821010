-- grain: one distinct SES send event
{{ ses_staging_model('send') }}
