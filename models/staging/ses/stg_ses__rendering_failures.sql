-- grain: one distinct SES rendering failure event
{{ ses_staging_model(ref('stg_ses__events'), 'rendering_failure') }}
