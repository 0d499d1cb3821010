-- grain: one distinct SES delivery delay event
{{ config(schema=ses_schema('staging')) }}
{{ ses_staging_model(ref('stg_ses__events'), 'delivery_delay') }}
