-- grain: one distinct SES rendering failure event
{{ config(schema=ses_schema('staging')) }}
{{ ses_staging_model(ref('stg_ses__events'), 'rendering_failure') }}
