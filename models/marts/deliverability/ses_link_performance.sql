-- grain: one link (the clicked URL without its tracking parameters, see
-- ses_link_tracking_parameters) x its link tags: every click on it, and
-- how many were people's rather than link scanners'.
{{ config(schema=ses_schema('marts'), meta={
    'rebuilt_from': ['int_ses__engagements'],
    'settings': ['ses_link_tracking_parameters'],
}) }}

with clicks as (

    select
        message_id,
        event_at,
        link,
        {{ ses_remove_query_parameters('link', ses_tracking_parameter_pattern()) }} as link_without_tracking,
        link_tags,
        is_human
    from {{ ref('int_ses__engagements') }}
    where event_class = 'click'

),

final as (

    select
        link_without_tracking as link,
        -- the map itself on DuckDB, rebuilt from its grouped entries on Spark
        {{ ses_grouped_map(ses_map_group_key('link_tags')) }} as link_tags,  -- noqa: AL09
        array_sort(array_agg(distinct link)) as original_links,
        count(*) as count_clicks,
        count(distinct message_id) as count_clicked_messages,
        cast(sum(case when is_human then 1 else 0 end) as {{ dbt.type_bigint() }}) as count_human_clicks,
        count(distinct case when is_human then message_id end) as count_human_clicked_messages,
        min(event_at) as first_clicked_at,
        max(event_at) as last_clicked_at,
        {{ ses_rebuild_columns() }}
    from clicks
    group by link_without_tracking, {{ ses_map_group_key('link_tags') }}

)

select * from final
where {{ ses_rebuild_filter() }}
