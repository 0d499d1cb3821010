-- grain: one distinct SES reject event
{{ config(schema=ses_schema('staging')) }}
{{ ses_staging_model(ref('stg_ses__events'), 'reject') }}
