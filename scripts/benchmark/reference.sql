-- The benchmark's reference: the same core work as the dbt project (read the
-- raw JSON, unwrap envelopes, deduplicate into an events table, the
-- per-message pivot and the region summary) as one hand-written DuckDB script.
-- It keeps no raw copy, no quarantine, no staging or journeys and runs no tests.
-- ${EVENTS_GLOB} and ${REQUESTS_CSV} are filled in by scripts/benchmark/run.py.

create table events as
with lines as (
    select filename, line
    from read_csv('${EVENTS_GLOB}', columns = {'line': 'varchar'}, delim = chr(0), quote = '', escape = '',
                  header = false, auto_detect = false, filename = true, compression = 'auto')
    where regexp_matches(line, '\S')
),
records as (
    select filename, unnest(
        case when json_valid(line) or not regexp_matches(line, '\}\s*\{') then [line]
        else string_split(regexp_replace(line, '\}\s*\{', '}' || chr(0) || '{', 'g'), chr(0)) end
    ) as record
    from lines
),
envelopes as (
    select filename, record,
        json_transform(record, '{"Type":"VARCHAR","TopicArn":"VARCHAR","Message":"VARCHAR","source":"VARCHAR","detail":"JSON"}') as e
    from records
    where json_valid(record)
),
ses_records as (
    select filename,
        case
            when e.source = 'aws.ses' and e.detail is not null then cast(e.detail as varchar)
            when e.Type is not null and e.TopicArn is not null and json_valid(e.Message) then e.Message
            when e.Type is null then record
        end as ses_record
    from envelopes
),
parsed as (
    select filename, md5(json(ses_record)) as event_id,
        json_transform(ses_record, '{"eventType":"VARCHAR","notificationType":"VARCHAR",
            "mail":{"timestamp":"VARCHAR","messageId":"VARCHAR","source":"VARCHAR","sendingAccountId":"VARCHAR",
                    "destination":["VARCHAR"],"commonHeaders":{"from":["VARCHAR"],"to":["VARCHAR"],"subject":"VARCHAR"},
                    "tags":"MAP(VARCHAR, VARCHAR[])"},
            "send":"JSON","reject":"JSON","delivery":"JSON","bounce":"JSON","complaint":"JSON","open":"JSON",
            "click":"JSON","failure":"JSON","deliveryDelay":"JSON","subscription":"JSON"}') as r
    from ses_records
    where ses_record is not null
),
classified as (
    select filename, event_id, r,
        case coalesce(r.eventType, r.notificationType)
            when 'Send' then 'send' when 'Reject' then 'reject' when 'Delivery' then 'delivery'
            when 'Bounce' then 'bounce' when 'Complaint' then 'complaint' when 'Open' then 'open'
            when 'Click' then 'click' when 'Rendering Failure' then 'rendering_failure'
            when 'DeliveryDelay' then 'delivery_delay' when 'Subscription' then 'subscription'
        end as event_class,
        coalesce(r.send, r.reject, r.delivery, r.bounce, r.complaint, r.open, r.click, r.failure,
                 r.deliveryDelay, r.subscription) as details
    from parsed
    where nullif(trim(r.mail.messageId), '') is not null
),
timed as (
    select *,
        case when json_type(details) = 'VARCHAR' then cast(json_extract_string(details, '$') as json) else details end
            as event_details
    from classified
    where event_class is not null
)
select
    event_id,
    r.mail.messageId as message_id,
    event_class,
    coalesce(
        timezone('UTC', try_cast(json_extract_string(event_details, '$.timestamp') as timestamptz)),
        try_cast(json_extract_string(event_details, '$.timestamp') as timestamp),
        try_cast(r.mail.timestamp as timestamp)
    ) as event_at,
    try_cast(r.mail.timestamp as timestamp) as sent_at,
    r.mail.source as source,
    r.mail.sendingAccountId as account,
    r.mail.destination as destination,
    r.mail.commonHeaders."from" as from_addresses,
    r.mail.commonHeaders."to" as to_addresses,
    r.mail.commonHeaders.subject as subject,
    r.mail.tags as tags,
    event_details as event_data,
    filename
from timed
qualify row_number() over (partition by event_id order by filename) = 1;

create table message_pivot as
select
    message_id,
    min(sent_at) as sent_at,
    sum(case when event_class = 'send' then 1 else 0 end) as sends,
    sum(case when event_class = 'reject' then 1 else 0 end) as rejects,
    sum(case when event_class = 'delivery' then 1 else 0 end) as deliveries,
    sum(case when event_class = 'bounce' then 1 else 0 end) as bounces,
    sum(case when event_class = 'complaint' then 1 else 0 end) as complaints,
    sum(case when event_class = 'open' then 1 else 0 end) as opens,
    sum(case when event_class = 'click' then 1 else 0 end) as clicks,
    sum(case when event_class = 'rendering_failure' then 1 else 0 end) as rendering_failures,
    sum(case when event_class = 'delivery_delay' then 1 else 0 end) as delivery_delays,
    sum(case when event_class = 'subscription' then 1 else 0 end) as subscriptions
from events
group by message_id;

create table region_summary as
with requests as (
    select message_id, min(region) as region
    from read_csv('${REQUESTS_CSV}', header = true, all_varchar = true)
    group by message_id
)
select
    requests.region,
    count(*) as messages,
    sum(coalesce(per_message.sends, 0)) as sends,
    sum(coalesce(per_message.deliveries, 0)) as deliveries,
    sum(coalesce(per_message.opens, 0)) as opens,
    sum(coalesce(per_message.clicks, 0)) as clicks,
    count(*) filter (where per_message.deliveries > 0) as messages_delivered,
    count(*) filter (where per_message.opens > 0) as messages_opened,
    count(*) filter (where per_message.clicks > 0) as messages_clicked,
    count(*) filter (where per_message.bounces > 0) as messages_bounced,
    count(*) filter (where per_message.complaints > 0) as messages_complained,
    count(*) filter (where per_message.opens > 0) / nullif(count(*) filter (where per_message.deliveries > 0), 0) as open_rate
from requests
left join message_pivot as per_message on requests.message_id = per_message.message_id
group by requests.region;
