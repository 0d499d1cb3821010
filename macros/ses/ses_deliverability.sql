{#- Deliverability helpers shared by the recipient- and message-grain marts. -#}

{#- The domain of an e-mail address, lower-cased: the part after the last @
    (a display name and angle brackets around the address are allowed, as in
    mail.source); null when there is none. -#}
{% macro ses_email_domain(address) -%}
    {#- through ses_string_literal: Spark reads a backslash in a literal as an escape -#}
    nullif(lower(regexp_extract({{ address }}, {{ ses_string_literal('@([^@<>\\s]+)>?\\s*$') }}, 1)), '')
{%- endmacro %}


{#- The mailbox provider of a domain looked up in the ses_mailbox_providers
    seed (`providers_alias`): the seed's provider, else 'other'. -#}
{% macro ses_mailbox_provider(providers_alias) -%}
    coalesce({{ providers_alias }}.mailbox_provider, 'other')
{%- endmacro %}


{#- Whether complaints can come from a recipient's provider: the seed's flag
    (fct_ses_message_recipients.sends_complaint_feedback), else, for a domain
    it does not list, the var ses_other_providers_send_complaint_feedback. -#}
{% macro ses_sends_complaint_feedback(flag_column) -%}
    coalesce({{ flag_column }}, {{ 'true' if ses_setting('ses_other_providers_send_complaint_feedback') else 'false' }})
{%- endmacro %}


{#- A regular expression matching the name (and value) of a query parameter
    listed in ses_link_tracking_parameters; a trailing * matches any suffix. -#}
{% macro ses_tracking_parameter_pattern() -%}
    {%- set names = [] -%}
    {%- for parameter in ses_setting('ses_link_tracking_parameters') -%}
        {%- set escaped = modules.re.escape(parameter.rstrip('*')) -%}
        {%- do names.append(escaped ~ ('[^=]*' if parameter.endswith('*') else '')) -%}
    {%- endfor -%}
    {{ return('^(?:' ~ names | join('|') ~ ')(?:=|$)') }}
{%- endmacro %}


{#- The rates of the deliverability marts, each over its documented
    denominator (see DECISIONLOG.md), from the summed figures of a row (of
    `relation_alias`, when given). -#}
{% macro ses_deliverability_rates(relation_alias=none) -%}
    {%- set of = relation_alias ~ '.' if relation_alias else '' %}
    {{ ses_safe_divide(of ~ 'vdm_deliveries', of ~ 'vdm_sends') }} as delivery_rate,
    {{ ses_safe_divide(of ~ 'vdm_permanent_bounces', of ~ 'vdm_sends') }} as bounce_rate,
    {{ ses_safe_divide(of ~ 'vdm_transient_bounces', of ~ 'vdm_sends') }} as transient_bounce_rate,
    {{ ses_safe_divide(of ~ 'vdm_complaints', of ~ 'vdm_complaint_feedback_deliveries') }} as complaint_rate,
    {{ ses_safe_divide(of ~ 'vdm_unique_opens', of ~ 'vdm_open_tracked_deliveries') }} as open_rate,
    {{ ses_safe_divide(of ~ 'vdm_unique_clicks', of ~ 'vdm_click_tracked_deliveries') }} as click_rate,
    {{ ses_safe_divide(of ~ 'vdm_unique_clicks', of ~ 'vdm_unique_opens') }} as click_to_open_rate,
    {{ ses_safe_divide(of ~ 'vdm_human_unique_opens', of ~ 'vdm_open_tracked_deliveries') }} as human_open_rate,
    {{ ses_safe_divide(of ~ 'vdm_human_unique_clicks', of ~ 'vdm_click_tracked_deliveries') }} as human_click_rate,
    {{ ses_safe_divide(of ~ 'vdm_human_unique_clicks', of ~ 'vdm_human_unique_opens') }} as human_click_to_open_rate,
    {{ ses_safe_divide(of ~ 'vdm_unsubscribes', of ~ 'vdm_deliveries') }} as unsubscribe_rate,
{%- endmacro %}


{#- The figures of ses_deliverability_daily, as (name, grain, condition):
    the rows a figure is summed over (a recipient of a message, or a
    message) and what each adds: 1 where the condition holds, or, with no
    condition, the count of that name. The other grain's rows add 0. -#}
{% macro ses_deliverability_figures() %}
    {{ return([
        ('count_sends', 'recipient', 'was_sent'),
        ('count_deliveries', 'recipient', 'was_delivered'),
        ('count_rejects', 'recipient', 'was_rejected'),
        ('count_delivery_delays', 'recipient', 'was_delivery_delayed'),
        ('count_permanent_bounces', 'recipient', 'was_bounced_permanently'),
        ('count_transient_bounces', 'recipient', 'was_bounced_transiently'),
        ('count_suppression_list_bounces', 'recipient', 'was_bounced_on_suppression_list'),
        ('count_complaints', 'recipient', 'was_complained'),
        ('count_unique_opens', 'message', 'count_opens > 0'),
        ('count_opens', 'message', none),
        ('count_human_unique_opens', 'message', 'count_human_opens > 0'),
        ('count_human_opens', 'message', none),
        ('count_unique_clicks', 'message', 'count_clicks > 0'),
        ('count_clicks', 'message', none),
        ('count_human_unique_clicks', 'message', 'count_human_clicks > 0'),
        ('count_human_clicks', 'message', none),
        ('count_unsubscribes', 'message', 'was_unsubscribed'),
        ('vdm_sends', 'recipient', 'is_vdm_eligible and was_sent'),
        ('vdm_deliveries', 'recipient', 'is_vdm_eligible and was_delivered'),
        ('vdm_open_tracked_deliveries', 'recipient', 'is_vdm_eligible and was_delivered and tracks_opens'),
        ('vdm_click_tracked_deliveries', 'recipient', 'is_vdm_eligible and was_delivered and tracks_clicks'),
        ('vdm_complaint_feedback_deliveries', 'recipient',
            'is_vdm_eligible and was_delivered and sends_complaint_feedback'),
        ('vdm_permanent_bounces', 'recipient',
            'is_vdm_eligible and was_bounced_permanently and not was_bounced_on_suppression_list'),
        ('vdm_transient_bounces', 'recipient', 'is_vdm_eligible and was_bounced_transiently'),
        ('vdm_complaints', 'recipient',
            'is_vdm_eligible and was_complained and not was_complained_on_suppression_list'),
        ('vdm_unique_opens', 'message', 'is_vdm_eligible and count_opens > 0'),
        ('vdm_unique_clicks', 'message', 'is_vdm_eligible and count_clicks > 0'),
        ('vdm_human_unique_opens', 'message', 'is_vdm_eligible and count_human_opens > 0'),
        ('vdm_human_unique_clicks', 'message', 'is_vdm_eligible and count_human_clicks > 0'),
        ('vdm_unsubscribes', 'message', 'is_vdm_eligible and was_unsubscribed'),
    ]) }}
{% endmacro %}
