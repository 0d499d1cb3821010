"""The generator's truth files read as the deliverability marts define their
figures (DECISIONLOG.md), independently of the models: what a correct build
must report, for the suites that compare marts or metrics with it."""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
from pathlib import Path

NO_COMPLAINT_FEEDBACK = {"gmail", "icloud", "qq", "netease", "orange"}  # as the ses_mailbox_providers seed says


def parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


@dataclasses.dataclass
class TrueMessage:
    message_id: str
    sent_at: dt.datetime
    configuration_set: str
    sending_domain: str
    campaign: str | None
    providers: dict[str, str]  # recipient -> mailbox provider
    tracks_opens: bool
    tracks_clicks: bool
    events: list[dict] = dataclasses.field(default_factory=list)

    @property
    def provider(self) -> str:
        providers = set(self.providers.values())
        return providers.pop() if len(providers) == 1 else "multiple"

    @property
    def is_vdm_eligible(self) -> bool:
        """VDM's messages: one recipient, not the mailbox simulator, and a Send
        event in the data (an orphan bounce or open has no send to be a rate of)."""
        return len(self.providers) == 1 and self.provider != "mailbox_simulator" and bool(self.of_class("send"))

    @property
    def tags_seen(self) -> tuple[str | None, str | None]:
        """(configuration set, campaign) as the message fact reads them: from the
        Send, else the earliest event; legacy notifications carry no tags."""
        mail_event = min(self.events, key=lambda e: (e["event_class"] != "send", parse_utc(e["event_at"])))
        if mail_event["envelope"] == "legacy":
            return None, None
        return self.configuration_set, self.campaign

    def of_class(self, event_class: str) -> list[dict]:
        return [event for event in self.events if event["event_class"] == event_class]

    def listed(self, event_class: str, detail_prefix: str = "", suppression_list: bool | None = None) -> set[str]:
        """Recipients named by events of a class (every recipient for send and reject)."""
        named = set()
        for event in self.of_class(event_class):
            if not event["detail"].startswith(detail_prefix):
                continue
            if suppression_list is not None and (event["on_account_suppression_list"] == "true") != suppression_list:
                continue
            named |= set(event["recipients"].split(";")) if event["recipients"] else set(self.providers)
        return named


def read_true_messages(data_dir: Path, true_events: list[dict]) -> dict[str, TrueMessage]:
    """The messages of ground_truth_messages.csv that have events, each with its
    events (rows of ground_truth_events.csv)."""
    messages = {}
    with (data_dir / "ground_truth_messages.csv").open() as messages_file:
        for row in csv.DictReader(messages_file):
            messages[row["message_id"]] = TrueMessage(
                row["message_id"], parse_utc(row["sent_at"]), row["configuration_set"], row["sending_domain"],
                row["campaign"] or None, dict(zip(row["recipients"].split(";"), row["mailbox_providers"].split(";"))),
                row["tracks_opens"] == "true", row["tracks_clicks"] == "true")
    for event in true_events:
        messages[event["message_id"]].events.append(event)
    return {message_id: message for message_id, message in messages.items() if message.events}


def is_human(event: dict) -> bool:
    return event["engagement"] in ("human", "proxy")


def expected_daily(messages: dict[str, TrueMessage]) -> dict[tuple, collections.Counter]:
    cells: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
    for message in messages.values():
        configuration_set, campaign = message.tags_seen
        key = (message.sent_at.date(), configuration_set, message.sending_domain, campaign)
        sent, delivered = message.listed("send"), message.listed("delivery")
        permanent, transient = message.listed("bounce", "Permanent/"), message.listed("bounce", "Transient/")
        on_list = message.listed("bounce", "Permanent/OnAccountSuppressionList")
        complained, complained_on_list = message.listed("complaint"), message.listed("complaint", suppression_list=True)
        for recipient, provider in message.providers.items():
            cell = cells[(*key[:3], provider, key[3])]
            eligible = message.is_vdm_eligible
            flags = {
                "count_sends": recipient in sent, "count_deliveries": recipient in delivered,
                "count_rejects": recipient in message.listed("reject"),
                "count_delivery_delays": recipient in message.listed("delivery_delay"),
                "count_permanent_bounces": recipient in permanent, "count_transient_bounces": recipient in transient,
                "count_suppression_list_bounces": recipient in on_list, "count_complaints": recipient in complained,
                "vdm_sends": eligible and recipient in sent, "vdm_deliveries": eligible and recipient in delivered,
                "vdm_open_tracked_deliveries": eligible and recipient in delivered and message.tracks_opens,
                "vdm_click_tracked_deliveries": eligible and recipient in delivered and message.tracks_clicks,
                "vdm_complaint_feedback_deliveries":
                    eligible and recipient in delivered and provider not in NO_COMPLAINT_FEEDBACK,
                "vdm_permanent_bounces": eligible and recipient in permanent - on_list,
                "vdm_transient_bounces": eligible and recipient in transient,
                "vdm_complaints": eligible and recipient in complained - complained_on_list,
            }
            cell.update({name: int(flag) for name, flag in flags.items()})
        cell = cells[(*key[:3], message.provider, key[3])]
        opens, clicks = message.of_class("open"), message.of_class("click")
        human_opens, human_clicks = [e for e in opens if is_human(e)], [e for e in clicks if is_human(e)]
        unsubscribed = any(e["subscription_change"].startswith("opt_out") for e in message.of_class("subscription"))
        eligible = message.is_vdm_eligible
        cell.update({
            "count_unique_opens": int(bool(opens)), "count_opens": len(opens),
            "count_human_unique_opens": int(bool(human_opens)), "count_human_opens": len(human_opens),
            "count_unique_clicks": int(bool(clicks)), "count_clicks": len(clicks),
            "count_human_unique_clicks": int(bool(human_clicks)), "count_human_clicks": len(human_clicks),
            "count_unsubscribes": int(unsubscribed),
            "vdm_unique_opens": int(eligible and bool(opens)), "vdm_unique_clicks": int(eligible and bool(clicks)),
            "vdm_human_unique_opens": int(eligible and bool(human_opens)),
            "vdm_human_unique_clicks": int(eligible and bool(human_clicks)),
            "vdm_unsubscribes": int(eligible and unsubscribed),
        })
    return cells


DAILY_COLUMNS = (
    "count_sends", "count_deliveries", "count_rejects", "count_delivery_delays", "count_permanent_bounces",
    "count_transient_bounces", "count_suppression_list_bounces", "count_complaints", "count_unique_opens",
    "count_opens", "count_human_unique_opens", "count_human_opens", "count_unique_clicks", "count_clicks",
    "count_human_unique_clicks", "count_human_clicks", "count_unsubscribes", "vdm_sends", "vdm_deliveries",
    "vdm_open_tracked_deliveries", "vdm_click_tracked_deliveries", "vdm_complaint_feedback_deliveries",
    "vdm_permanent_bounces", "vdm_transient_bounces", "vdm_complaints", "vdm_unique_opens", "vdm_unique_clicks",
    "vdm_human_unique_opens", "vdm_human_unique_clicks", "vdm_unsubscribes",
)
