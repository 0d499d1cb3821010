"""The deliverability marts on sixteen hand-written messages, every expected
figure counted by hand from the records below (not from the models).

Cast, all sent from news@shop.example; `marketing` messages carry the campaign
tag `spring`, `transactional` ones no campaign:
  m1  ann@gmail.com     delivered; a gateway open 1 s after delivery (machine),
                        a person's open and click; later unsubscribes from all
  m2  bob@icloud.com    delivered; an Apple Mail Privacy open (machine); a
                        click 3 s after delivery (bot)
  m3  cy@yahoo.com      delivered; a Yahoo image-proxy open (a person); three
                        links clicked within 0.9 s (bot); complains
  m4  dan@gmail.com     hard bounce
  m5  eve@outlook.com   hard bounce from the account's suppression list
  m6  the mailbox simulator, delivered
  m7  fay@gmail.com + gus@corp.example, delivered; a person's open
  m8  hal@gmx.de        transactional, delivered
  m9-m11  ivy@web.de    transactional, transient bounce on three days
  m12-m15 jon@web.de    transactional: soft bounce, delivered, two soft bounces
  m16 kim@outlook.com   delivered (day 2); opts out of a topic, then back in
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DbtBuild, assert_built, build_events, write_objects

SOURCE = '"Shop" <news@shop.example>'
MARKETING = {"ses:configuration-set": ["marketing"], "campaign": ["spring"]}
TRANSACTIONAL = {"ses:configuration-set": ["transactional"]}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"
OUTLOOK = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)"
YAHOO_PROXY = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
SALE = "https://shop.example/sale"


def mail(message_id: str, sent_at: str, recipients: list[str], tags: dict) -> dict:
    return {"timestamp": sent_at, "messageId": message_id, "source": SOURCE,
            "sendingAccountId": "123456789012", "destination": recipients, "tags": tags}


class Message:
    """The records of one message, built step by step."""

    def __init__(self, message_id: str, sent_at: str, recipients: list[str], tags: dict) -> None:
        self.mail = mail(message_id, sent_at, recipients, tags)
        self.recipients = recipients
        self.records = [{"eventType": "Send", "mail": self.mail, "send": {}}]

    def event(self, event_type: str, key: str, details: dict) -> Message:
        self.records.append({"eventType": event_type, "mail": self.mail, key: details})
        return self

    def delivered(self, at: str) -> Message:
        return self.event("Delivery", "delivery", {"timestamp": at, "recipients": self.recipients,
                                                   "processingTimeMillis": 900, "smtpResponse": "250 ok"})

    def bounced(self, at: str, bounce_type: str, sub_type: str) -> Message:
        return self.event("Bounce", "bounce", {
            "bounceType": bounce_type, "bounceSubType": sub_type, "timestamp": at,
            "feedbackId": f"{self.mail['messageId']}-{at}",
            "bouncedRecipients": [{"emailAddress": address, "status": "5.1.1"} for address in self.recipients]})

    def opened(self, at: str, user_agent: str, ip_address: str) -> Message:
        return self.event("Open", "open", {"timestamp": at, "userAgent": user_agent, "ipAddress": ip_address})

    def clicked(self, at: str, link: str, user_agent: str = CHROME, link_tags: dict | None = None) -> Message:
        click = {"timestamp": at, "userAgent": user_agent, "ipAddress": "198.51.100.20", "link": link}
        if link_tags:
            click["linkTags"] = link_tags
        return self.event("Click", "click", click)

    def complained(self, at: str) -> Message:
        return self.event("Complaint", "complaint", {
            "timestamp": at, "feedbackId": "complaint-1", "complaintFeedbackType": "abuse",
            "complainedRecipients": [{"emailAddress": self.recipients[0]}]})

    def changed_subscription(self, at: str, unsubscribe_all: bool, old: str, new: str) -> Message:
        def preferences(unsubscribe: bool, status: str) -> dict:
            return {"unsubscribeAll": unsubscribe,
                    "topicSubscriptionStatus": [{"topicName": "offers", "subscriptionStatus": status}]}
        return self.event("Subscription", "subscription", {
            "timestamp": at, "contactList": "Newsletter", "source": "UnsubscribeHeader",
            "newTopicPreferences": preferences(unsubscribe_all, new),
            "oldTopicPreferences": preferences(False, old)})


def day(date: int, time: str) -> str:
    return f"2026-03-0{date}T{time}Z"


MESSAGES = [
    Message("m1", day(2, "10:00:00.000"), ["ann@gmail.com"], MARKETING)
    .delivered(day(2, "10:00:05.000"))
    .opened(day(2, "10:00:06.000"), IPHONE, "203.0.113.5")
    .opened(day(2, "11:00:00.000"), IPHONE, "198.51.100.7")
    .clicked(day(2, "11:00:10.000"), f"{SALE}?utm_source=ses&id=7", IPHONE, {"campaign": ["spring"]})
    .changed_subscription(day(2, "13:00:00.000"), True, "OptIn", "OptOut"),
    Message("m2", day(2, "10:10:00.000"), ["bob@icloud.com"], MARKETING)
    .delivered(day(2, "10:10:02.000"))
    .opened(day(2, "10:20:00.000"), "Mozilla/5.0", "17.58.1.2")
    .clicked(day(2, "10:10:05.000"), f"{SALE}?utm_campaign=spring&id=7", CHROME, {"campaign": ["spring"]}),
    Message("m3", day(2, "10:20:00.000"), ["cy@yahoo.com"], MARKETING)
    .delivered(day(2, "10:20:01.000"))
    .opened(day(2, "12:00:00.000"), YAHOO_PROXY, "98.137.1.1")
    .clicked(day(2, "12:01:00.000"), "https://shop.example/a")
    .clicked(day(2, "12:01:00.400"), "https://shop.example/b")
    .clicked(day(2, "12:01:00.900"), "https://shop.example/c")
    .complained(day(2, "13:00:00.000")),
    Message("m4", day(2, "10:30:00.000"), ["dan@gmail.com"], MARKETING)
    .bounced(day(2, "10:30:02.000"), "Permanent", "General"),
    Message("m5", day(2, "10:40:00.000"), ["eve@outlook.com"], MARKETING)
    .bounced(day(2, "10:40:00.500"), "Permanent", "OnAccountSuppressionList"),
    Message("m6", day(2, "10:50:00.000"), ["success@simulator.amazonses.com"], MARKETING)
    .delivered(day(2, "10:50:01.000")),
    Message("m7", day(2, "11:00:00.000"), ["fay@gmail.com", "gus@corp.example"], MARKETING)
    .delivered(day(2, "11:00:03.000"))
    .opened(day(2, "12:00:00.000"), OUTLOOK, "198.51.100.9"),
    Message("m8", day(2, "11:10:00.000"), ["hal@gmx.de"], TRANSACTIONAL).delivered(day(2, "11:10:02.000")),
    Message("m9", day(2, "12:00:00.000"), ["ivy@web.de"], TRANSACTIONAL)
    .bounced(day(2, "12:00:05.000"), "Transient", "MailboxFull"),
    Message("m10", day(3, "12:00:00.000"), ["ivy@web.de"], TRANSACTIONAL)
    .bounced(day(3, "12:00:05.000"), "Transient", "MailboxFull"),
    Message("m11", day(4, "12:00:00.000"), ["ivy@web.de"], TRANSACTIONAL)
    .bounced(day(4, "12:00:05.000"), "Transient", "MailboxFull"),
    Message("m12", day(2, "12:30:00.000"), ["jon@web.de"], TRANSACTIONAL)
    .bounced(day(2, "12:30:05.000"), "Transient", "General"),
    Message("m13", day(3, "12:30:00.000"), ["jon@web.de"], TRANSACTIONAL).delivered(day(3, "12:30:02.000")),
    Message("m14", day(4, "12:30:00.000"), ["jon@web.de"], TRANSACTIONAL)
    .bounced(day(4, "12:30:05.000"), "Transient", "General"),
    Message("m15", day(4, "14:00:00.000"), ["jon@web.de"], TRANSACTIONAL)
    .bounced(day(4, "14:00:05.000"), "Transient", "General"),
    Message("m16", day(3, "09:00:00.000"), ["kim@outlook.com"], MARKETING)
    .delivered(day(3, "09:00:02.000"))
    .changed_subscription(day(3, "10:00:00.000"), False, "OptIn", "OptOut")
    .changed_subscription(day(3, "11:00:00.000"), False, "OptOut", "OptIn"),
]


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> DbtBuild:
    work_dir = tmp_path_factory.mktemp("deliverability")
    write_messages(work_dir)
    result = build_events(work_dir, extra_vars={"ses_reputation_window_days": 2})
    assert_built(result)
    return result


def rows(build: DbtBuild, sql: str) -> list[dict]:
    with_columns = build.query(f"select to_json(t) from ({sql}) as t")
    return [json.loads(row[0]) for row in with_columns]


def test_engagement_classification(build: DbtBuild) -> None:
    assert build.query(
        "select message_id, event_class, event_at::varchar, is_human, engagement_rule"
        " from main_ses_staging.int_ses__engagements order by message_id, event_at"
    ) == [
        ("m1", "open", "2026-03-02 10:00:06", False, "opened_right_after_delivery"),
        ("m1", "open", "2026-03-02 11:00:00", True, None),
        ("m1", "click", "2026-03-02 11:00:10", True, None),
        ("m2", "click", "2026-03-02 10:10:05", False, "clicked_right_after_delivery"),
        ("m2", "open", "2026-03-02 10:20:00", False, "apple_privacy"),
        ("m3", "open", "2026-03-02 12:00:00", True, "image_proxy"),
        ("m3", "click", "2026-03-02 12:01:00", False, "link_burst"),
        ("m3", "click", "2026-03-02 12:01:00.4", False, "link_burst"),
        ("m3", "click", "2026-03-02 12:01:00.9", False, "link_burst"),
        ("m7", "open", "2026-03-02 12:00:00", True, None),
    ]


DAILY_FIGURES = (
    "count_sends, count_deliveries, count_permanent_bounces, count_suppression_list_bounces, count_transient_bounces,"
    " count_complaints, count_unique_opens, count_opens, count_human_unique_opens, count_unique_clicks, count_clicks,"
    " count_human_unique_clicks, count_unsubscribes, vdm_sends, vdm_deliveries, vdm_open_tracked_deliveries,"
    " vdm_complaint_feedback_deliveries, vdm_permanent_bounces, vdm_complaints, vdm_unique_opens,"
    " vdm_human_unique_opens, vdm_unique_clicks, vdm_human_unique_clicks"
)


def test_daily_deliverability_figures(build: DbtBuild) -> None:
    actual = {
        (row[0], row[1], row[2]): row[3:]
        for row in build.query(
            f"select sent_date::varchar, configuration_set, mailbox_provider, {DAILY_FIGURES}"
            " from main_ses_marts.ses_deliverability_daily"
        )
    }
    #                                        sends dlv perm supl trans cmpl uo  o  huo uc  c  huc uns | vdm: snd dlv opn fbl perm cmpl uo huo uc huc
    assert actual == {
        ("2026-03-02", "marketing", "gmail"): (3, 2, 1, 0, 0, 0, 1, 2, 1, 1, 1, 1, 1, 2, 1, 1, 0, 1, 0, 1, 1, 1, 1),
        ("2026-03-02", "marketing", "icloud"): (1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0),
        ("2026-03-02", "marketing", "yahoo"): (1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 3, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0),
        ("2026-03-02", "marketing", "outlook"): (1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("2026-03-02", "marketing", "mailbox_simulator"): (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("2026-03-02", "marketing", "other"): (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("2026-03-02", "marketing", "multiple"): (0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("2026-03-02", "transactional", "gmx"): (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0),
        ("2026-03-02", "transactional", "web_de"): (2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("2026-03-03", "transactional", "web_de"): (2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0),
        ("2026-03-03", "marketing", "outlook"): (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0),
        ("2026-03-04", "transactional", "web_de"): (3, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    # the keys a reader filters on, and VDM's rates on the gmail row: 1 of 2
    # sends delivered, 1 hard bounce, no complaint denominator at Gmail
    assert build.query(
        "select distinct sending_domain, campaign from main_ses_marts.ses_deliverability_daily order by all"
    ) == [("shop.example", "spring"), ("shop.example", None)]
    assert build.query(
        "select delivery_rate, bounce_rate, complaint_rate, open_rate, human_open_rate, has_minimum_volume"
        " from main_ses_marts.ses_deliverability_daily where mailbox_provider = 'gmail'"
    ) == [(0.5, 0.5, None, 1.0, 1.0, False)]
    assert build.query(
        "select open_rate, human_open_rate, click_rate, human_click_rate from main_ses_marts.ses_deliverability_daily"
        " where mailbox_provider = 'icloud'"
    ) == [(1.0, 0.0, 1.0, 0.0)]


def test_reputation_over_a_two_day_window(build: DbtBuild) -> None:
    # account: day 2 has 10 sends (the simulator's left out), 1 hard bounce
    # (dan; eve's was from the suppression list), 1 complaint over 6 sends to
    # providers that report complaints (not gmail or icloud); day 3's window
    # adds 3 sends; day 4's window (days 3-4) holds 6 sends and nothing bad
    assert build.query(
        "select report_date::varchar, count_sends, window_sends, window_hard_bounces, window_complaints,"
        " window_complaint_feedback_sends, reputation_status from main_ses_marts.ses_reputation_daily"
        " where scope = 'account' order by report_date"
    ) == [
        ("2026-03-02", 10, 10, 1, 1, 6, "pause_risk"),
        ("2026-03-03", 3, 13, 1, 1, 9, "pause_risk"),
        ("2026-03-04", 3, 6, 0, 0, 6, "healthy"),
    ]
    assert build.query(
        "select round(bounce_rate, 4), round(bounce_rate_change, 4) from main_ses_marts.ses_reputation_daily"
        " where scope = 'account' order by report_date"
    ) == [(0.1, None), (0.0769, -0.0231), (0.0, -0.0769)]
    assert build.query(
        "select configuration_set, report_date::varchar, count_sends, window_sends, reputation_status"
        " from main_ses_marts.ses_reputation_daily where scope = 'configuration_set' order by all"
    ) == [
        ("marketing", "2026-03-02", 7, 7, "pause_risk"),
        ("marketing", "2026-03-03", 1, 8, "pause_risk"),
        ("marketing", "2026-03-04", 0, 1, "healthy"),
        ("transactional", "2026-03-02", 3, 3, "healthy"),
        ("transactional", "2026-03-03", 2, 5, "healthy"),
        ("transactional", "2026-03-04", 3, 5, "healthy"),
    ]


def write_messages(work_dir: Path) -> None:
    records = [record for message in MESSAGES for record in message.records]
    write_objects(work_dir, {"ses-1-2026-03-02-10-00-00-deliverability": "".join(
        json.dumps(record) + "\n" for record in records).encode()})


def test_reputation_window_keeps_the_last_sends(tmp_path: Path) -> None:
    write_messages(tmp_path)
    build = build_events(tmp_path, extra_vars={"ses_reputation_window_sends": 4})
    assert_built(build)
    # day 2's last four sends: gus, hal, ivy, jon (no hard bounce among them)
    assert build.query(
        "select report_date::varchar, window_sends, window_hard_bounces from main_ses_marts.ses_reputation_daily"
        " where scope = 'account' order by report_date"
    ) == [("2026-03-02", 4, 0), ("2026-03-03", 4, 0), ("2026-03-04", 4, 0)]


def test_suppression_candidates(build: DbtBuild) -> None:
    assert rows(build, "select * exclude (recipient_domain, suppression_reasons, settings_version, loaded_at)"
                " from main_ses_marts.ses_suppression_candidates"
                " order by recipient") == [
        {"recipient": "ann@gmail.com", "mailbox_provider": "gmail", "suppression_reason": "unsubscribe",
         "became_candidate_at": "2026-03-02 13:00:00", "caused_by_message_id": "m1",
         "first_event_at": "2026-03-02 13:00:00", "last_event_at": "2026-03-02 13:00:00",
         "count_qualifying_events": 1, "is_on_account_suppression_list": False},
        {"recipient": "cy@yahoo.com", "mailbox_provider": "yahoo", "suppression_reason": "complaint",
         "became_candidate_at": "2026-03-02 13:00:00", "caused_by_message_id": "m3",
         "first_event_at": "2026-03-02 13:00:00", "last_event_at": "2026-03-02 13:00:00",
         "count_qualifying_events": 1, "is_on_account_suppression_list": False},
        {"recipient": "dan@gmail.com", "mailbox_provider": "gmail", "suppression_reason": "hard_bounce",
         "became_candidate_at": "2026-03-02 10:30:02", "caused_by_message_id": "m4",
         "first_event_at": "2026-03-02 10:30:02", "last_event_at": "2026-03-02 10:30:02",
         "count_qualifying_events": 1, "is_on_account_suppression_list": False},
        {"recipient": "eve@outlook.com", "mailbox_provider": "outlook", "suppression_reason": "hard_bounce",
         "became_candidate_at": "2026-03-02 10:40:00.5", "caused_by_message_id": "m5",
         "first_event_at": "2026-03-02 10:40:00.5", "last_event_at": "2026-03-02 10:40:00.5",
         "count_qualifying_events": 1, "is_on_account_suppression_list": True},
        # the third transient bounce in a row; jon's run restarted at his delivery
        {"recipient": "ivy@web.de", "mailbox_provider": "web_de", "suppression_reason": "transient_bounces",
         "became_candidate_at": "2026-03-04 12:00:05", "caused_by_message_id": "m11",
         "first_event_at": "2026-03-02 12:00:05", "last_event_at": "2026-03-04 12:00:05",
         "count_qualifying_events": 3, "is_on_account_suppression_list": False},
    ]


def test_link_performance(build: DbtBuild) -> None:
    assert build.query(
        "select link, original_links, count_clicks, count_clicked_messages, count_human_clicks,"
        " count_human_clicked_messages, first_clicked_at::varchar, last_clicked_at::varchar"
        " from main_ses_marts.ses_link_performance order by link"
    ) == [
        ("https://shop.example/a", ["https://shop.example/a"], 1, 1, 0, 0, "2026-03-02 12:01:00", "2026-03-02 12:01:00"),
        ("https://shop.example/b", ["https://shop.example/b"], 1, 1, 0, 0,
         "2026-03-02 12:01:00.4", "2026-03-02 12:01:00.4"),
        ("https://shop.example/c", ["https://shop.example/c"], 1, 1, 0, 0,
         "2026-03-02 12:01:00.9", "2026-03-02 12:01:00.9"),
        (f"{SALE}?id=7", [f"{SALE}?utm_campaign=spring&id=7", f"{SALE}?utm_source=ses&id=7"], 2, 2, 1, 1,
         "2026-03-02 10:10:05", "2026-03-02 11:00:10"),
    ]


def test_campaign_performance(build: DbtBuild) -> None:
    spring = rows(build, "select * from main_ses_marts.ses_campaign_performance where campaign = 'spring'")
    assert len(spring) == 1
    figures = {name: value for name, value in spring[0].items() if name.startswith(("count_", "vdm_"))}
    assert figures == {
        "count_sends": 9, "count_deliveries": 7, "count_rejects": 0, "count_delivery_delays": 0,
        "count_permanent_bounces": 2, "count_transient_bounces": 0, "count_suppression_list_bounces": 1,
        "count_complaints": 1, "count_unique_opens": 4, "count_opens": 5, "count_human_unique_opens": 3,
        "count_human_opens": 3, "count_unique_clicks": 3, "count_clicks": 5, "count_human_unique_clicks": 1,
        "count_human_clicks": 1, "count_unsubscribes": 2,
        "vdm_sends": 6, "vdm_deliveries": 4, "vdm_open_tracked_deliveries": 4, "vdm_click_tracked_deliveries": 4,
        "vdm_complaint_feedback_deliveries": 2, "vdm_permanent_bounces": 1, "vdm_transient_bounces": 0,
        "vdm_complaints": 1, "vdm_unique_opens": 3, "vdm_unique_clicks": 3, "vdm_human_unique_opens": 2,
        "vdm_human_unique_clicks": 1, "vdm_unsubscribes": 2,
    }
    rates = {name: round(value, 4) if value is not None else None
             for name, value in spring[0].items() if name.endswith(("_rate", "_open", "_click"))}
    assert rates == {
        "delivery_rate": 0.6667, "bounce_rate": 0.1667, "transient_bounce_rate": 0.0, "complaint_rate": 0.5,
        "open_rate": 0.75, "click_rate": 0.75, "click_to_open_rate": 1.0, "human_open_rate": 0.5,
        "human_click_rate": 0.25, "human_click_to_open_rate": 0.5, "unsubscribe_rate": 0.5,
        # first opens 6, 600, 6000 and 3600 s after sending; people's 3600, 6000, 3600
        "median_seconds_to_first_open": 2100.0, "median_seconds_to_first_click": 3610.0,
        "median_seconds_to_first_human_open": 3600.0, "median_seconds_to_first_human_click": 3610.0,
    }
    assert build.query(
        "select count_sends, count_deliveries, count_transient_bounces, vdm_open_tracked_deliveries, open_rate"
        " from main_ses_marts.ses_campaign_performance where campaign is null"
    ) == [(8, 2, 6, 0, None)]


DELIVERABILITY_MARTS = [
    "ses_deliverability_daily", "ses_reputation_daily", "ses_suppression_candidates", "ses_link_performance",
    "ses_campaign_performance",
]


def loaded_at(build: DbtBuild) -> dict[str, set]:
    return {mart: {row[0] for row in build.query(f"select distinct loaded_at from main_ses_marts.{mart}")}
            for mart in DELIVERABILITY_MARTS}


def test_marts_are_written_again_only_when_their_input_or_settings_change(tmp_path: Path) -> None:
    write_messages(tmp_path)
    first = build_events(tmp_path)
    assert_built(first)
    before = loaded_at(first)
    assert all(len(stamps) == 1 for stamps in before.values())

    # nothing new: every mart keeps its rows as written
    again = build_events(tmp_path)
    assert_built(again)
    assert loaded_at(again) == before

    # another reputation window: that mart alone is written again, by the new window
    # (and other thresholds, which every row then carries)
    thresholds = {"bounce_warning": 0.03, "bounce_review": 0.06, "bounce_pause": 0.12,
                  "complaint_review": 0.002, "complaint_pause": 0.004}
    rewindowed = build_events(
        tmp_path, extra_vars={"ses_reputation_window_days": 2, "ses_reputation_thresholds": thresholds})
    assert_built(rewindowed)
    assert rewindowed.query(
        "select distinct bounce_warning_threshold, bounce_review_threshold, bounce_pause_threshold,"
        " complaint_review_threshold, complaint_pause_threshold from main_ses_marts.ses_reputation_daily"
    ) == [(0.03, 0.06, 0.12, 0.002, 0.004)]
    after = loaded_at(rewindowed)
    assert after["ses_reputation_daily"] != before["ses_reputation_daily"]
    assert {mart: stamps for mart, stamps in after.items() if mart != "ses_reputation_daily"} == {
        mart: stamps for mart, stamps in before.items() if mart != "ses_reputation_daily"}
    assert rewindowed.query(
        "select window_sends from main_ses_marts.ses_reputation_daily where scope = 'account' order by report_date"
    ) == [(10,), (13,), (6,)]

    # a new event (a second click by ann): every mart reading clicks is written again
    late_click = Message("m1", day(2, "10:00:00.000"), ["ann@gmail.com"], MARKETING).clicked(
        day(5, "09:00:00.000"), f"{SALE}?utm_source=ses&id=7", IPHONE, {"campaign": ["spring"]}).records[-1]
    write_objects(tmp_path, {"ses-1-2026-03-05-09-00-00-late": (json.dumps(late_click) + "\n").encode()})
    late = build_events(
        tmp_path, extra_vars={"ses_reputation_window_days": 2, "ses_reputation_thresholds": thresholds})
    assert_built(late)
    assert all(loaded_at(late)[mart] != after[mart] for mart in DELIVERABILITY_MARTS)
    assert late.query(
        "select count_clicks, count_human_clicks from main_ses_marts.ses_link_performance where link like '%sale%'"
    ) == [(3, 2)]
