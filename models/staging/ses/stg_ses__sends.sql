-- grain: one distinct SES send event
{{ config(schema=ses_schema('staging')) }}
{{ ses_staging_model(ref('stg_ses__events'), 'send') }}
