-- grain: one distinct SES delivery delay event
{{ ses_staging_model(ref('stg_ses__events'), 'delivery_delay') }}
