-- grain: one distinct SES send event
{{ ses_staging_model(ref('stg_ses__events'), 'send') }}
