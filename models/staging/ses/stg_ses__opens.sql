-- grain: one distinct SES open event
{{ ses_staging_model(ref('stg_ses__events'), 'open') }}
