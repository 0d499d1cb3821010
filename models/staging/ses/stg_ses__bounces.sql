-- grain: one distinct SES bounce event
{{ config(schema=ses_schema('staging')) }}
{{ ses_staging_model(ref('stg_ses__events'), 'bounce') }}
