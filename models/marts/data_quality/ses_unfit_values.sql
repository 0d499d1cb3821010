-- grain: one field SES always writes and one JSON type it was written as
-- that does not fit the field's type, with how many records held it and
-- whether they were read by the obvious reading
{{ config(schema=ses_schema('marts'), materialized='view') }}

with unfit_entries as (

    select
        {{ ses_unnest(ses_map_entries('unfit_values')) }} as unfit_entry,
        loaded_at
    from {{ ref('base_ses__records') }}
    where unfit_values is not null

),

fields as (

    select
        unfit_entry.key as field_path,
        unfit_entry.value as json_type,
        loaded_at
    from unfit_entries

),

final as (

    select
        field_path,
        json_type,
        {{ ses_unfit_value_is_read('field_path', 'json_type', ses_required_fields()) }} as is_read,
        count(*) as count_records,
        min(loaded_at) as first_loaded_at,
        max(loaded_at) as last_loaded_at
    from fields
    group by field_path, json_type

)

select * from final
