-- grain: one distinct SES delivery event
{{ ses_staging_model('delivery') }}
