-- grain: one value of an enumerated SES field (bounce type and subtype,
-- complaint subtype and feedback type, delay type) that the ses_known_values
-- var does not list, per model and column, with how many events hold it
{{ config(schema=ses_schema('marts'), materialized='view') }}

with unknown_values as (

    {{ ses_unknown_values({
        'stg_ses__bounces': ref('stg_ses__bounces'),
        'stg_ses__complaints': ref('stg_ses__complaints'),
        'stg_ses__delivery_delays': ref('stg_ses__delivery_delays'),
    }) }}

)

select * from unknown_values
