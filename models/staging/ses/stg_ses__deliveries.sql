-- grain: one distinct SES delivery event
{{ ses_staging_model(ref('stg_ses__events'), 'delivery') }}
