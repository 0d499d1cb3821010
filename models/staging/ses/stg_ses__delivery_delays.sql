-- grain: one distinct SES delivery delay event
{{ ses_staging_model('delivery_delay') }}
