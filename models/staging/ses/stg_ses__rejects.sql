-- grain: one distinct SES reject event
{{ ses_staging_model(ref('stg_ses__events'), 'reject') }}
