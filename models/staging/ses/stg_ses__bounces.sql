-- grain: one distinct SES bounce event
{{ ses_staging_model(ref('stg_ses__events'), 'bounce') }}
