-- grain: one distinct SES complaint event
{{ ses_staging_model(ref('stg_ses__events'), 'complaint') }}
