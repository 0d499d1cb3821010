-- grain: one distinct SES rendering failure event
{{ ses_staging_model('rendering_failure') }}
