{#- The window of timestamps a record may carry, from the var
    ses_plausible_timestamps: from its `earliest` day (UTC; nothing before
    Amazon SES existed) to `hours_after_load` hours after the build's load
    time (loaded_at). A record whose event time or mail.timestamp lies
    outside is quarantined (base_ses__records, implausible_timestamp), and
    every daily spine covers this window at most. Returns the first and last
    instants as SQL timestamps, and the first and last days as SQL dates. -#}
{% macro ses_plausible_timestamp_window() %}
    {%- set window = ses_setting('ses_plausible_timestamps') -%}
    {%- set latest = dbt.dateadd('hour', window.hours_after_load, ses_run_loaded_at()) -%}
    {{ return({
        'earliest': "cast('" ~ window.earliest ~ "' as " ~ dbt.type_timestamp() ~ ")",
        'latest': latest,
        'first_day': "cast('" ~ window.earliest ~ "' as date)",
        'last_day': 'cast(' ~ latest ~ ' as date)',
    }) }}
{% endmacro %}


{#- True when a timestamp lies outside the plausible window (null when it is
    null: a missing time is not an implausible one). -#}
{% macro ses_is_implausible_timestamp(timestamp_column) -%}
    {%- set window = ses_plausible_timestamp_window() -%}
    ({{ timestamp_column }} < {{ window.earliest }} or {{ timestamp_column }} > {{ window.latest }})
{%- endmacro %}
