-- grain: one raw record, parsed once: unwrapped from its envelope (SNS,
-- EventBridge or none), its mail fields typed, its type object kept as a typed
-- struct, given its event id, or marked with the reason it cannot be an event;
-- and one row for each object read that held no record. Personal data is
-- masked here, after the parse, when ses_pii_mode says so.
{%- if not ses_lands_record_text() %}
-- depends_on: {{ source('ses', 'raw_events') }}
{%- endif %}
{{ config(
    schema=ses_schema('staging'),
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{#- The event types whose type object has fields: their objects are parsed
    into typed structs, `<class>_details`. -#}
{%- set typed_event_types = [] %}
{%- for event_type in ses_event_types() if ses_type_object_parsed_fields(event_type) %}
    {%- do typed_event_types.append(event_type) %}
{%- endfor %}

{%- set required_fields = ses_required_fields(typed_event_types) %}

{#- The new raw records: landed as written in raw_ses_records, or, masked,
    read here from the new objects (macros/ses/ses_landing.sql). The raw
    table is named in each step below rather than once in a shared step: a
    step read three times would be materialised, text and all; objects read
    here are, once, in this statement's memory. -#}
{%- if ses_lands_record_text() %}
    {%- set landed_records = ref('raw_ses_records') %}
{%- else %}
    {%- do ses_refuse_landed_text() %}
    {%- set landed_records = 'landed_records' %}
{%- endif %}
{%- set new_raw_records -%}
    select {{ ses_all_columns_except(['loaded_at']) }}
    from {{ landed_records }}
    where {{ ses_loaded_since_last_run() }}
{%- endset %}

with
{%- if not ses_lands_record_text() %}

landed_records as materialized (

    {{ ses_landed_records(ses_event_objects_to_read(this)) }}

),
{%- endif %}

apple_privacy_blocks as (

    -- Apple's address blocks as one list; a block that does not parse (an
    -- IPv6 range, a typo) gives nulls and matches nothing, and
    -- warn_on_unusable_apple_privacy_ranges names it
    select
        {{ ses_list_agg(ses_struct({
            'first_address': ses_ipv4_cidr_address('cidr', 'first'),
            'last_address': ses_ipv4_cidr_address('cidr', 'last'),
        })) }} as blocks
    from {{ ref('ses_apple_privacy_ranges') }}

),

link_scanner_patterns as (

    select {{ ses_list_agg('lower(user_agent_pattern)') }} as patterns
    from {{ ref('ses_link_scanner_user_agents') }}
    where trim(user_agent_pattern) <> ''

),

copies_in_object as (

    -- the same text twice in one object (a retried put inside one Firehose
    -- buffer): rare, so numbering only these is cheap
    select
        file_name,
        record_hash
    from ({{ new_raw_records }}) as new_records
    group by file_name, record_hash
    having count(*) > 1

),

numbered as (

    select
        new_records.file_name,
        new_records.object_size,
        new_records.object_modified_at,
        new_records.read_failure,
        new_records.record_text,
        new_records.record_hash,
        1 as record_copy
    from ({{ new_raw_records }}) as new_records
    left join copies_in_object
        on
            new_records.file_name = copies_in_object.file_name
            and new_records.record_hash = copies_in_object.record_hash
    where copies_in_object.record_hash is null

    union all

    -- ordered by text so that two different texts sharing a hash (a 64-bit
    -- collision) still get two numbers
    select
        new_records.file_name,
        new_records.object_size,
        new_records.object_modified_at,
        new_records.read_failure,
        new_records.record_text,
        new_records.record_hash,
        row_number() over (
            partition by new_records.file_name, new_records.record_hash
            order by new_records.record_text
        ) as record_copy
    from ({{ new_raw_records }}) as new_records
    inner join copies_in_object
        on
            new_records.file_name = copies_in_object.file_name
            and new_records.record_hash = copies_in_object.record_hash

),

parsed as (

    -- the one parse: the envelope's own keys, the SES record at the top (bare
    -- records, legacy notifications) and under `detail` (EventBridge)
    select
        -- an object written again is read again whole: its version keeps
        -- the second reading's ids apart from the first's
        {{ ses_hash128(['file_name'], ['object_size', 'object_modified_at', 'record_hash', 'record_copy']) }}
            as raw_record_id,
        file_name,
        object_size,
        object_modified_at,
        read_failure,
        record_text,
        record_hash,
        record_copy,
        {{ ses_parse_json('record_text', ses_envelope_fields()) }} as envelope
    from numbered

),

enveloped as (

    select
        *,
        case
            when envelope.source = 'aws.ses' and envelope.detail is not null then 'eventbridge'
            when
                envelope.{{ adapter.quote('Type') }} is not null
                and envelope.{{ adapter.quote('TopicArn') }} is not null
                then 'sns'
            when envelope is not null then 'none'
        end as envelope_type
    from parsed

),

sns_unwrapped as (

    -- an SNS Message is a JSON string: the one record parsed a second time
    select
        *,
        case envelope_type
            when 'sns' then envelope.{{ adapter.quote('MessageId') }}
            when 'eventbridge' then envelope.id
        end as transport_message_id,
        case
            when envelope_type = 'sns'
                then {{ ses_parse_json('envelope.' ~ adapter.quote('Message'), ses_record_fields()) }}
        end as sns_record
    from enveloped

),

ses_records as (

    -- each part of the SES record, from wherever the envelope put it
    select
        raw_record_id,
        file_name,
        object_size,
        object_modified_at,
        read_failure,
        record_text,
        record_hash,
        record_copy,
        envelope,
        envelope_type,
        transport_message_id,
        envelope_type = 'sns' and sns_record is null as has_unparsed_sns_message,
        {%- for part, column in ses_record_parts(typed_event_types).items() %}
            case envelope_type
                when 'eventbridge' then envelope.detail.{{ adapter.quote(part) }}
                when 'sns' then sns_record.{{ adapter.quote(part) }}
                else envelope.{{ adapter.quote(part) }}
            end as {{ column }},
        {%- endfor %}
        -- the SES record's own text, for the rare type object written as a
        -- JSON string
        case envelope_type
            when 'none' then record_text
            when 'sns' then envelope.{{ adapter.quote('Message') }}
            when 'eventbridge' then {{ ses_json_key_text('record_text', 'detail') }}
        end as ses_record_text
    from sns_unwrapped

),

classified as (

    select
        *,
        record_event_type is null and record_notification_type is not null as is_legacy_notification,
        -- event publishing names the type in eventType, legacy notifications in notificationType
        coalesce(record_event_type, record_notification_type) as ses_event_type,
        case
            when record_event_type is not null then {{ ses_event_class_from_type('record_event_type') }}
            when record_notification_type in (
                {%- for notification_type in ses_legacy_notification_types() -%}
                    '{{ notification_type }}'{{ ', ' if not loop.last }}
                {%- endfor -%}
            ) then {{ ses_event_class_from_type('record_notification_type') }}
        end as event_class,
        nullif(trim(record_mail.{{ adapter.quote('messageId') }}), '') as message_id
    from ses_records

),

type_objects as (

    -- exported data may write a type object as a JSON string: it then parses
    -- as an object with no field set, and is read from the string instead
    select
        *,
        {%- for event_type in typed_event_types %}
            {{ ses_type_object_from_string(event_type) }} as {{ ses_type_object_column(event_type.event_class) }},
        {%- endfor %}
        {{ ses_tag_value(ses_struct_field('record_mail', 'tags'), 'ses:configuration-set') }} as configuration_set
    from classified

),

values_as_written as (

    -- a field looked at again (ses_required_fields) that parsed as null
    -- although the record holds a value: the value as written (rare, so
    -- read again only then)
    select
        *,
        {%- for required in required_fields[:-1] %}
            {{ ses_value_as_written(required) }} as {{ required.unfit_column }},
        {%- endfor %}
        {{ ses_value_as_written(required_fields | last) }} as {{ (required_fields | last).unfit_column }}
    from type_objects

),

refitted as (

    -- one string for a list, one object for a list of objects: read so
    {%- set refitted_containers = required_fields | selectattr('container') | groupby('container') %}
    select
        {{ ses_all_columns_except(refitted_containers | map(attribute=0) | list + ['configuration_set']) }},
        {%- for container, container_fields in refitted_containers %}
            {{ ses_refit_container(container, container_fields) }} as {{ container }},
        {%- endfor %}
        coalesce(
            configuration_set,
            {{ ses_json_obvious_reading('unfit_mail__configuration_set', {'type': 'varchar'}) }}
        ) as configuration_set,
        {{ ses_unfit_values(required_fields) }} as unfit_values
    from values_as_written

),

timed as (

    select
        *,
        -- the type object's timestamp, else mail.timestamp
        {{ ses_parse_timestamp(
            'coalesce(' ~ ses_type_object_timestamp(typed_event_types) ~ ', '
            ~ ses_struct_field('record_mail', 'timestamp') ~ ')'
        ) }} as event_at,
        {{ ses_mail_field(ses_mail_fields() | selectattr('name', 'equalto', 'sent_at') | first) }} as sent_at
    from refitted

),

judged as (

    select
        *,
        case
            -- an object that could not be read at all: its one row says why
            when read_failure is not null then read_failure
            -- an object read whole that held no record: its one row keeps its
            -- version, so it is not read again
            when record_text is null then 'empty_object'
            when envelope is null and not {{ ses_is_valid_json('record_text') }} then 'invalid_json'
            -- an SNS Message that is not JSON is a notice, not an event,
            -- unless it plainly tried to be JSON and was cut short
            when has_unparsed_sns_message and left(ltrim(envelope.{{ adapter.quote('Message') }}), 1) = '{'
                then 'invalid_json'
            when envelope is null or has_unparsed_sns_message or ses_event_type is null then 'not_an_ses_event'
            when is_legacy_notification and ses_event_type like 'AmazonSns%' then 'not_an_ses_event'
            when event_class is null then 'unknown_event_type'
            when message_id is null then 'missing_message_id'
            when {{ ses_type_object_is_missing(typed_event_types) }} then 'missing_event_details'
            when event_at is null then 'invalid_timestamp'
            -- a time before SES existed or after the build's load time (a
            -- 1970 or 2099 date) would stretch every daily mart over decades;
            -- mail.timestamp counts too: it is the send day of every figure
            when
                {{ ses_is_implausible_timestamp('event_at') }} or {{ ses_is_implausible_timestamp('sent_at') }}
                then 'implausible_timestamp'
        end as rejection_reason
    from timed

),

engagement_inputs as (

    -- the user agent and address of an open or click, as SES wrote them
    select
        *,
        case event_class
            when 'open' then {{ ses_struct_field(ses_type_object_column('open'), 'userAgent') }}
            when 'click' then {{ ses_struct_field(ses_type_object_column('click'), 'userAgent') }}
        end as engagement_user_agent,
        {{ ses_ipv4_to_integer(ses_struct_field(ses_type_object_column('open'), 'ipAddress')) }}
            as open_ip_address_number
    from judged

),

engagement_evidence as (

    -- the rules on people and machines that read a user agent or an IP
    -- address (int_ses__engagements applies them with the rules on time)
    -- are judged here, where those values are still as SES wrote them; final
    -- masks them. Apple Mail Privacy Protection's prefetch: a bare
    -- Mozilla/5.0 user agent from Apple's addresses. Image proxies: Gmail's
    -- and Yahoo Mail's, as the providers write them. Link scanners: a
    -- pattern of the seed anywhere in the user agent, in any case (position,
    -- not like: a pattern's _ or % is text). Each list is searched by a
    -- lambda, whose element the linter takes for a table.
    -- noqa: disable=RF01,RF02
    select
        engagement_inputs.*,
        coalesce(
            engagement_inputs.event_class = 'open'
            and engagement_inputs.engagement_user_agent = 'Mozilla/5.0'
            and {{ ses_list_any(
                'apple_privacy_blocks.blocks', 'block',
                'engagement_inputs.open_ip_address_number between block.first_address and block.last_address'
            ) }},
            false
        ) as is_apple_privacy_open,
        coalesce(
            engagement_inputs.event_class = 'open'
            and (
                engagement_inputs.engagement_user_agent like '%GoogleImageProxy%'
                or engagement_inputs.engagement_user_agent like '%YahooMailProxy%'
            ),
            false
        ) as is_image_proxy_open,
        coalesce(
            engagement_inputs.event_class = 'click'
            and {{ ses_list_any(
                'link_scanner_patterns.patterns', 'pattern',
                'position(pattern in lower(engagement_inputs.engagement_user_agent)) > 0'
            ) }},
            false
        ) as is_scanner_click
    from engagement_inputs
    cross join apple_privacy_blocks
    cross join link_scanner_patterns
    -- noqa: enable=RF01,RF02

),

identified as (

    select
        *,
        -- no event id in SES: the record's content is its identity, so a
        -- redelivery (Firehose, SNS or EventBridge retry) hashes the same while
        -- a repeat open (another timestamp) does not; taken before masking,
        -- so the mode does not change it
        case when rejection_reason is null then {{ ses_event_id(typed_event_types) }} end as event_id
    from engagement_evidence

),

final as (

    select
        raw_record_id,
        file_name,
        object_size,
        object_modified_at,
        envelope_type,
        transport_message_id,
        ses_event_type,
        is_legacy_notification,
        rejection_reason,
        -- a rejected record has no event id: the same record read again from
        -- its object written again has the same object name, text and copy
        -- number (raw_record_id without the object's version), whatever
        -- ses_pii_mode keeps of its text (base_ses__batches)
        case
            when rejection_reason is not null and record_hash is not null
                then {{ ses_hash128(['file_name'], ['record_hash', 'record_copy']) }}
        end as rejected_record_key,
        -- a rejected record keeps its text for the quarantine, when the text
        -- is kept at all (ses_pii_mode raw); an event's text stays in
        -- raw_ses_records only
        {%- if ses_lands_record_text() %}
            case when rejection_reason is not null then record_text end as record_text,
        {%- else %}
            cast(null as {{ dbt.type_string() }}) as record_text,
        {%- endif %}
        event_id,
        event_class,
        message_id,
        event_at,
        {%- for field in ses_mail_fields() if field.name != 'message_id' %}
            {%- if field.name == 'sent_at' %}
                sent_at,
            {%- else %}
                {{ ses_mask_field(ses_mail_field(field), field) }} as {{ field.name }},  -- noqa: RF04
            {%- endif %}
        {%- endfor %}
        configuration_set,
        {%- for event_type in typed_event_types %}
            {%- set details = ses_type_object_column(event_type.event_class) %}
            {{ ses_mask_struct(details, ses_type_object_parsed_fields(event_type)) }} as {{ details }},  -- noqa: AL09
        {%- endfor %}
        is_apple_privacy_open,
        is_image_proxy_open,
        is_scanner_click,
        unfit_values,
        {{ ses_run_loaded_at() }} as loaded_at
    from identified

)

select * from final
