"""Tests of the SES data generator (scripts/generate_ses_data.py).

The generated files are re-read here with plain gzip/json and an independent
mini-parser that applies the pipeline's definitions (raw record, rejection
reasons, duplicates, envelopes, event time); what it finds must equal
ground_truth.json and ground_truth_events.csv exactly.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "generate_ses_data.py"
sys.path.insert(0, str(SCRIPT.parent))

import generate_ses_data  # noqa: E402
from ses_generator.defects import NOT_JSON_TEXTS  # noqa: E402
from ses_generator.draws import Draws  # noqa: E402
from ses_generator.sampling import quota_counts, rate_count  # noqa: E402

MESSAGES = "300"
KEY_PATTERN = re.compile(
    r"^(?P<hour>\d{4}/\d{2}/\d{2}/\d{2})/ses-events-stream-1-"
    r"(?P<stamp>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})-"
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(?P<gz>\.gz)?$"
)
EVENT_CLASSES = {
    "Send": "send",
    "Reject": "reject",
    "Delivery": "delivery",
    "Bounce": "bounce",
    "Complaint": "complaint",
    "Open": "open",
    "Click": "click",
    "Rendering Failure": "rendering_failure",
    "DeliveryDelay": "delivery_delay",
    "Subscription": "subscription",
}
TYPE_KEYS = {
    "send": "send",
    "reject": "reject",
    "delivery": "delivery",
    "bounce": "bounce",
    "complaint": "complaint",
    "open": "open",
    "click": "click",
    "rendering_failure": "failure",
    "delivery_delay": "deliveryDelay",
    "subscription": "subscription",
}
DETAIL_TYPES = {
    "send": "Email Sent",
    "reject": "Email Rejected",
    "delivery": "Email Delivered",
    "bounce": "Email Bounced",
    "complaint": "Email Complaint Received",
    "open": "Email Opened",
    "click": "Email Clicked",
    "rendering_failure": "Email Rendering Failed",
    "delivery_delay": "Email Delivery Delayed",
    "subscription": "Email Subscribed",
}
REASONS = ("invalid_json", "not_an_ses_event", "unknown_event_type", "missing_message_id")


# --- running the generator ---------------------------------------------------------
def generate(out: Path, *args: str) -> None:
    assert generate_ses_data.main(["--out", str(out), "--messages", MESSAGES, "--quiet", *args]) == 0


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed7")
    generate(out, "--seed", "7", "--compression", "mixed")
    return out


@pytest.fixture(scope="module")
def parsed(dataset: Path) -> Parsed:
    return parse_dataset(dataset / "ses_events")


@pytest.fixture(scope="module")
def truth(dataset: Path) -> dict[str, Any]:
    return json.loads((dataset / "ground_truth.json").read_text())


def all_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


# --- an independent mini-parser ------------------------------------------------------
@dataclass
class StoredRecord:
    key: str
    text: str
    object_is_concatenated: bool


@dataclass
class Parsed:
    objects: dict[str, bytes] = field(default_factory=dict)  # key -> decompressed content
    records: list[StoredRecord] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    rejected_texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # content key -> event row
    duplicates: list[tuple[StoredRecord, str]] = field(default_factory=list)  # (record, wrapper)
    first_seen: dict[str, StoredRecord] = field(default_factory=dict)
    wrappers: Counter[str] = field(default_factory=Counter)


def split_records(content: str) -> tuple[list[str], bool]:
    """Records of one object, and whether it is a plain concatenation."""
    concatenated = "\n" not in content
    records = []
    for line in content.split("\n"):
        if not line.strip():
            continue
        parts = line.split("}{")
        records += [
            ("{" if i else "") + part + ("}" if i < len(parts) - 1 else "") for i, part in enumerate(parts)
        ]
    return records, concatenated


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_text(text: str) -> str:
    moment = parse_time(text)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def classify(text: str) -> tuple[str | None, dict[str, Any] | None, str]:
    """(rejection reason or None, the unwrapped SES record, wrapper)."""
    try:
        value = json.loads(text)
    except ValueError:
        return "invalid_json", None, ""
    wrapper = "firehose"
    if isinstance(value, dict) and value.get("Type") == "Notification":
        wrapper = "sns"
        try:
            value = json.loads(value["Message"])
        except ValueError:
            return "not_an_ses_event", None, wrapper
    elif isinstance(value, dict) and "detail-type" in value:
        wrapper, value = "eventbridge", value["detail"]
    if not isinstance(value, dict):
        return "not_an_ses_event", None, wrapper
    event_type = value.get("eventType", value.get("notificationType"))
    if event_type is None or event_type == "AmazonSnsSubscriptionSucceeded":
        return "not_an_ses_event", None, wrapper
    if event_type not in EVENT_CLASSES:
        return "unknown_event_type", None, wrapper
    if not value.get("mail", {}).get("messageId"):
        return "missing_message_id", None, wrapper
    return None, value, wrapper


def event_row(record: dict[str, Any], wrapper: str) -> dict[str, Any]:
    event_class = EVENT_CLASSES[record.get("eventType", record.get("notificationType"))]
    type_object = record[TYPE_KEYS[event_class]]
    exported = isinstance(type_object, str) or not record["mail"]["timestamp"].endswith("Z")
    if isinstance(type_object, str):
        type_object = json.loads(type_object)
    recipients = {
        "delivery": lambda: type_object["recipients"],
        "bounce": lambda: [r["emailAddress"] for r in type_object["bouncedRecipients"]],
        "complaint": lambda: [r["emailAddress"] for r in type_object["complainedRecipients"]],
        "delivery_delay": lambda: [r["emailAddress"] for r in type_object["delayedRecipients"]],
    }.get(event_class, lambda: [])()
    detail = {
        "bounce": lambda: f"{type_object['bounceType']}/{type_object['bounceSubType']}",
        "complaint": lambda: type_object.get("complaintFeedbackType", ""),
        "open": lambda: type_object["userAgent"],
        "click": lambda: type_object["link"],
        "delivery_delay": lambda: type_object["delayType"],
    }.get(event_class, lambda: "")()
    envelope = "legacy" if "notificationType" in record else "exported" if exported else wrapper
    return {
        "message_id": record["mail"]["messageId"],
        "event_class": event_class,
        "event_at": utc_text(type_object.get("timestamp") or record["mail"]["timestamp"]),
        "recipients": ";".join(recipients),
        "envelope": envelope,
        "detail": detail,
        "_record": record,
        "_type_object": type_object,
    }


def parse_dataset(events_dir: Path) -> Parsed:
    parsed = Parsed()
    for path in sorted(events_dir.rglob("*")):
        if not path.is_file():
            continue
        key = str(path.relative_to(events_dir))
        raw = path.read_bytes()
        content = gzip.decompress(raw) if key.endswith(".gz") else raw
        parsed.objects[key] = content
        texts, concatenated = split_records(content.decode("utf-8"))
        for text in texts:
            stored = StoredRecord(key, text, concatenated)
            parsed.records.append(stored)
            reason, record, wrapper = classify(text)
            if reason:
                parsed.rejected[reason] += 1
                parsed.rejected_texts[reason].append(text)
                continue
            parsed.wrappers[wrapper] += 1
            content_key = json.dumps(record, sort_keys=True)
            if content_key in parsed.events:
                parsed.duplicates.append((stored, wrapper))
            else:
                parsed.events[content_key] = {**event_row(record, wrapper), "_key": key}
                parsed.first_seen[content_key] = stored
    return parsed


def read_truth_events(out: Path) -> list[dict[str, str]]:
    with (out / "ground_truth_events.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_requests(out: Path) -> list[dict[str, str]]:
    with (out / "ses_requests.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


# --- determinism and layout ----------------------------------------------------------
def test_same_seed_gives_identical_bytes(dataset: Path, tmp_path: Path) -> None:
    generate(tmp_path, "--seed", "7", "--compression", "mixed")
    assert all_files(tmp_path) == all_files(dataset)


def test_different_seed_gives_different_data(dataset: Path, tmp_path: Path) -> None:
    generate(tmp_path, "--seed", "8", "--compression", "mixed")
    assert (tmp_path / "ground_truth_events.csv").read_bytes() != (
        dataset / "ground_truth_events.csv"
    ).read_bytes()
    assert set(all_files(tmp_path / "ses_events")).isdisjoint(all_files(dataset / "ses_events"))


def test_keys_follow_the_firehose_layout(parsed: Parsed) -> None:
    hours = Counter()
    for key in parsed.objects:
        match = KEY_PATTERN.match(key)
        assert match, key
        assert match["stamp"].startswith(match["hour"].replace("/", "-")), key
        hours[match["hour"]] += 1
    assert max(hours.values()) >= 3, "several objects per hour folder"
    assert {key.endswith(".gz") for key in parsed.objects} == {True, False}, "--compression mixed"


def test_gzip_objects_are_reproducible_bytes(dataset: Path) -> None:
    some_gzip = next(path for path in sorted((dataset / "ses_events").rglob("*.gz")))
    header = some_gzip.read_bytes()[:10]
    assert header[:3] == b"\x1f\x8b\x08" and header[4:8] == b"\0\0\0\0", "gzip mtime must be 0"


def test_newline_delimited_and_concatenated_objects(parsed: Parsed) -> None:
    concatenated = [c for c in parsed.objects.values() if b"\n" not in c]
    delimited = [c for c in parsed.objects.values() if c.endswith(b"\n")]
    assert concatenated and delimited
    assert any(b"}{" in content for content in concatenated), "a concatenation of several records"
    assert all(not content.endswith(b"\n") for content in concatenated)


def test_uncompressed_objects_have_no_extension(tmp_path: Path) -> None:
    generate(tmp_path, "--seed", "3", "--compression", "none", "--messages", "60")
    keys = list(all_files(tmp_path / "ses_events"))
    assert keys and all(KEY_PATTERN.match(key)["gz"] is None for key in keys)


# --- ground truth self-consistency ----------------------------------------------------
def test_record_accounting_matches_ground_truth(parsed: Parsed, truth: dict[str, Any]) -> None:
    assert len(parsed.objects) == truth["files"]
    assert len(parsed.records) == truth["raw_records"]
    assert (
        dict(parsed.rejected) | {r: 0 for r in REASONS if r not in parsed.rejected}
        == truth["rejected_records"]
    )
    assert len(parsed.duplicates) == truth["duplicate_records"]
    assert len(parsed.events) == truth["distinct_events"]
    assert truth["raw_records"] == (
        truth["distinct_events"] + truth["duplicate_records"] + sum(truth["rejected_records"].values())
    )


def test_events_match_ground_truth(parsed: Parsed, truth: dict[str, Any], dataset: Path) -> None:
    rows = list(parsed.events.values())
    assert Counter(row["event_class"] for row in rows) == {
        k: v for k, v in truth["events_per_class"].items() if v
    }
    assert Counter(row["envelope"] for row in rows) == {k: v for k, v in truth["envelopes"].items() if v}
    columns = ("message_id", "event_class", "event_at", "recipients", "envelope", "detail")
    found = sorted(tuple(row[c] for c in columns) for row in rows)
    expected = sorted(tuple(row[c] for c in columns) for row in read_truth_events(dataset))
    assert found == expected


def test_message_level_figures_match_ground_truth(
    parsed: Parsed, truth: dict[str, Any], dataset: Path
) -> None:
    rows = list(parsed.events.values())
    requests = read_requests(dataset)
    requested = {row["message_id"]: row["region"] for row in requests}
    with_events = {row["message_id"] for row in rows}
    classes = defaultdict(Counter)
    for row in rows:
        classes[row["message_id"]][row["event_class"]] += 1
    per_region = {region: Counter() for region in ("NA", "EU", "APAC", "LATAM")}
    for row in rows:
        if row["message_id"] in requested:
            per_region[requested[row["message_id"]]][row["event_class"]] += 1

    assert truth["request_rows"] == len(requests)
    assert truth["messages_requested"] == len(requested)
    assert truth["messages"] == len(with_events)
    assert truth["messages_without_request"] == len(with_events - set(requested))
    assert truth["requests_without_events"] == len(set(requested) - with_events)
    assert truth["messages_per_region"] == dict(Counter(requested.values())) | {
        r: 0 for r in per_region if r not in requested.values()
    }
    for region, counts in per_region.items():
        assert {k: v for k, v in truth["events_per_class_per_region"][region].items() if v} == counts
    assert truth["opened_not_clicked_messages"] == sum(
        1 for c in classes.values() if c["open"] and not c["click"]
    )
    assert truth["multi_recipient_messages"] == len(
        {row["message_id"] for row in rows if len(row["_record"]["mail"]["destination"]) > 1}
    )
    assert truth["seed"] == 7


def test_requests_file(dataset: Path, parsed: Parsed) -> None:
    with (dataset / "ses_requests.csv").open(newline="") as handle:
        assert next(csv.reader(handle))[:4] == ["message_id", "recipient", "request_time", "region"]
    requests = read_requests(dataset)
    regions = defaultdict(set)
    for row in requests:
        regions[row["message_id"]].add(row["region"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", row["request_time"])
    assert all(len(r) == 1 for r in regions.values()), "one region per message"
    assert set().union(*regions.values()) == {"NA", "EU", "APAC", "LATAM"}
    request_times = {row["message_id"]: parse_time(row["request_time"]) for row in requests}
    for row in parsed.events.values():
        if row["event_class"] == "send" and row["message_id"] in request_times:
            sent = parse_time(row["event_at"])
            assert 0 < (sent - request_times[row["message_id"]]).total_seconds() < 10


def test_parquet_requests(tmp_path: Path) -> None:
    generate(tmp_path, "--seed", "7", "--requests-format", "parquet", "--messages", "80")
    path = tmp_path / "ses_requests.parquet"
    assert path.exists() and not (tmp_path / "ses_requests.csv").exists()
    connection = duckdb.connect()
    columns = [row[0] for row in connection.execute(f"describe select * from '{path}'").fetchall()]
    assert columns[:4] == ["message_id", "recipient", "request_time", "region"]
    rows, messages, regions = connection.execute(
        f"select count(*), count(distinct message_id), count(distinct region) from '{path}'"
    ).fetchone()
    truth = json.loads((tmp_path / "ground_truth.json").read_text())
    assert (rows, messages) == (truth["request_rows"], truth["messages_requested"])


# --- every scenario appears ----------------------------------------------------------
def test_every_class_envelope_and_reason_appears(truth: dict[str, Any]) -> None:
    assert all(truth["events_per_class"].values()), truth["events_per_class"]
    assert all(truth["envelopes"].values()), truth["envelopes"]
    assert all(truth["rejected_records"].values()), truth["rejected_records"]
    assert (
        truth["duplicate_records"] and truth["messages_without_request"] and truth["requests_without_events"]
    )


def test_every_journey_appears(parsed: Parsed, dataset: Path) -> None:
    journeys = defaultdict(list)
    class_order = list(TYPE_KEYS)  # send before rendering_failure at the same time
    for row in sorted(
        parsed.events.values(), key=lambda r: (r["event_at"], class_order.index(r["event_class"]))
    ):
        journeys[row["message_id"]].append(row["event_class"])
    shapes = {tuple(dict.fromkeys(classes)) for classes in journeys.values()}
    expected = {
        ("reject",),
        ("send", "bounce"),
        ("send", "delivery", "complaint"),
        ("send", "delivery", "open"),
        ("send", "delivery", "open", "click"),
        ("send", "rendering_failure"),
        ("send", "delivery_delay", "delivery"),
        ("send", "delivery_delay", "bounce"),
        ("send", "delivery"),
        ("open",),
        ("click",),
        ("bounce",),
    }
    missing = {shape for shape in expected if shape not in shapes}
    assert not missing, missing
    assert any("subscription" in classes and classes[0] == "send" for classes in journeys.values())
    requested = {row["message_id"] for row in read_requests(dataset)}
    orphans = {m for m, classes in journeys.items() if "send" not in classes and "reject" not in classes}
    assert orphans & requested and orphans - requested, "orphans with and without a request row"


def test_repeats_recipients_and_simulator(parsed: Parsed) -> None:
    rows = list(parsed.events.values())
    per_message = Counter((row["message_id"], row["event_class"]) for row in rows)
    assert any(n > 1 for (m, c), n in per_message.items() if c == "open"), "repeat opens"
    assert any(n > 1 for (m, c), n in per_message.items() if c == "click"), "repeat clicks"
    multi = [row for row in rows if len(row["_record"]["mail"]["destination"]) > 1]
    assert any(";" in row["recipients"] for row in multi), "one event listing several recipients"
    assert any(
        row["recipients"] and ";" not in row["recipients"] and row["event_class"] == "delivery"
        for row in multi
    ), "one event per recipient"
    assert any("@simulator.amazonses.com" in row["recipients"] for row in rows)
    natural_keys = Counter(
        (row["message_id"], row["event_class"], row["event_at"], row["recipients"]) for row in rows
    )
    assert max(natural_keys.values()) == 1, "distinct events differ in (message, class, time, recipients)"


def test_duplicates_and_late_arrivals(parsed: Parsed) -> None:
    wrappers = {wrapper for _, wrapper in parsed.duplicates}
    assert "sns" in wrappers, "an SNS retry"
    for stored, _ in parsed.duplicates:
        assert any(r.text == stored.text for r in parsed.first_seen.values()), "byte-identical redelivery"
    same_object = [
        s
        for s, _ in parsed.duplicates
        if any(r.key == s.key and r.text == s.text for r in parsed.first_seen.values())
    ]
    assert same_object and len(same_object) < len(parsed.duplicates), (
        "duplicates in the same and in later objects"
    )
    hours_late = []
    for row in parsed.events.values():
        arrival_hour = datetime.strptime(row["_key"][:13], "%Y/%m/%d/%H").replace(tzinfo=UTC)
        hours_late.append((arrival_hour - parse_time(row["event_at"])).total_seconds() / 3600)
    assert min(hours_late) > -1, "an object's hour folder is never before its events"
    assert max(hours_late) > 24, "some events arrive days late"
    folders = defaultdict(set)
    for row in parsed.events.values():
        folders[row["message_id"]].add(row["_key"][:13])
    assert max(len(f) for f in folders.values()) >= 3, "a message's events span several hour folders"


def test_objects_are_not_sorted_by_event_time(parsed: Parsed) -> None:
    unsorted = 0
    for content in parsed.objects.values():
        times = []
        for text in split_records(content.decode())[0]:
            reason, record, wrapper = classify(text)
            if record is not None:
                times.append(event_row(record, wrapper)["event_at"])
        unsorted += times != sorted(times)
    assert unsorted > 0


def test_malformed_and_non_event_records(parsed: Parsed) -> None:
    valid_texts = [record.text for record in parsed.first_seen.values()]
    truncated = [
        t for t in parsed.rejected_texts["invalid_json"] if any(v.startswith(t) for v in valid_texts)
    ]
    assert truncated, "truncated JSON: a valid record cut short"
    assert len(truncated) < len(parsed.rejected_texts["invalid_json"]), "non-JSON text"
    unknown = " ".join(parsed.rejected_texts["unknown_event_type"])
    assert re.search(r'"(eventType|notificationType)":"(?!(Send|Delivery)")', unknown)
    not_events = " ".join(parsed.rejected_texts["not_an_ses_event"])
    assert "Successfully validated SNS topic" in not_events and "AmazonSnsSubscriptionSucceeded" in not_events
    for record in parsed.records:
        reason, _, _ = classify(record.text)
        if reason in ("invalid_json", "unknown_event_type", "missing_message_id"):
            assert not record.object_is_concatenated, "malformed records only in newline-delimited objects"


def test_record_shapes_follow_the_spec(parsed: Parsed) -> None:
    rows = list(parsed.events.values())
    by_class = defaultdict(list)
    for row in rows:
        by_class[row["event_class"]].append(row)
    for row in rows:
        record, mail = row["_record"], row["_record"]["mail"]
        assert re.fullmatch(r"01[0-9a-f]{14}-[0-9a-f-]{36}-000000", mail["messageId"])
        assert re.fullmatch(r"\d{12}", mail["sendingAccountId"])
        if row["envelope"] == "legacy":
            assert "tags" not in mail and record["notificationType"] in ("Bounce", "Complaint", "Delivery")
        elif row["envelope"] != "exported":
            tags = mail["tags"]
            assert {"ses:configuration-set", "ses:from-domain", "ses:operation", "campaign"} <= set(tags)
            assert ("ses:outgoing-ip" in tags) == (
                row["event_class"] not in ("send", "reject", "rendering_failure")
            )
    sends = [row["_record"]["mail"] for row in by_class["send"]]
    assert any("subject" not in mail["commonHeaders"] for mail in sends), "templated Send without subject"
    assert any(mail.get("headers") == [] for mail in sends) and any("headers" not in mail for mail in sends)
    assert all("headers" not in row["_record"]["mail"] for row in by_class["rendering_failure"])
    complaints = [row["_type_object"] for row in by_class["complaint"]]
    assert (
        any("complaintSubType" in c and c["complaintSubType"] is None for c in complaints)
        or len(complaints) < 3
    )
    assert {row["_record"].get("eventType") for row in by_class["rendering_failure"]} <= {
        "Rendering Failure",
        None,
    }
    for row in by_class["delivery"]:
        delivery = row["_type_object"]
        assert delivery["processingTimeMillis"] == round(
            (
                parse_time(delivery["timestamp"]) - parse_time(row["_record"]["mail"]["timestamp"])
            ).total_seconds()
            * 1000
        )


def test_envelope_details(parsed: Parsed) -> None:
    bridge_checked = 0
    for stored in parsed.records:
        try:
            value = json.loads(stored.text)
        except ValueError:
            continue
        if isinstance(value, dict) and "detail-type" in value and isinstance(value.get("detail"), dict):
            event_type = value["detail"].get("eventType")
            if event_type in EVENT_CLASSES:
                assert value["detail-type"] == DETAIL_TYPES[EVENT_CLASSES[event_type]]
                assert value["source"] == "aws.ses" and value["version"] == "0"
                bridge_checked += 1
    assert bridge_checked
    exported = [row for row in parsed.events.values() if row["envelope"] == "exported"]
    stamps = [row["_record"]["mail"]["timestamp"] for row in exported]
    assert any(isinstance(row["_record"][TYPE_KEYS[row["event_class"]]], str) for row in exported)
    assert any(re.search(r"[+-]\d{2}:\d{2}$", stamp) for stamp in stamps), "an offset timestamp"
    assert any(" " in stamp for stamp in stamps), "a zone-less timestamp"
    legacy_wrappers = Counter()
    for stored in parsed.records:
        reason, record, wrapper = classify(stored.text)
        if record is not None and "notificationType" in record:
            legacy_wrappers[wrapper] += 1
    assert set(legacy_wrappers) == {"sns", "firehose"}, "legacy notifications via SNS and bare"


def test_no_brace_pair_inside_strings(parsed: Parsed) -> None:
    for stored in parsed.records:
        try:
            value = json.loads(stored.text)
        except ValueError:
            continue
        for text in _strings(value):
            assert "}{" not in text


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        nested = value.startswith("{") and value.endswith("}")  # an SNS Message or exported type object
        return [value, *(_strings(json.loads(value)) if nested else [])]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# --- the command line ------------------------------------------------------------------
def test_cli_prints_speed_line_and_help() -> None:
    help_text = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in (
        "--out",
        "--messages",
        "--seed",
        "--compression",
        "--concatenated-rate",
        "--stream",
        "--requests-format",
        "--no-events-rate",
        "--duplicate-rate",
        "--late-rate",
    ):
        assert option in help_text


def test_fresh_process_gives_identical_bytes(dataset: Path, tmp_path: Path) -> None:
    """Run as a command in a new interpreter with another hash seed: same bytes, and the speed line."""
    command = [
        sys.executable,
        str(SCRIPT),
        "--out",
        str(tmp_path),
        "--messages",
        MESSAGES,
        "--seed",
        "7",
        "--compression",
        "mixed",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "12345"}
    )
    assert result.stdout.startswith("generated ") and " events/s" in result.stdout
    assert all_files(tmp_path) == all_files(dataset)


def test_speed_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(tmp_path, "--messages", "40")
    line = capsys.readouterr().out.strip()
    pattern = (
        r"generated [\d,]+ events \([\d,]+ records, [\d,]+ files\) "
        r"for 40 messages in [\d.]+ s: [\d,]+ events/s"
    )
    assert re.fullmatch(pattern, line), line


def test_refuses_to_overwrite_and_rejects_bad_rates(tmp_path: Path) -> None:
    generate(tmp_path, "--messages", "20")
    with pytest.raises(SystemExit):
        generate(tmp_path, "--messages", "20")
    generate(tmp_path, "--messages", "20", "--overwrite")
    with pytest.raises(SystemExit):
        generate(tmp_path / "other", "--open-rate", "0.9", "--click-rate", "0.5")


# --- building blocks ---------------------------------------------------------------------
def test_quotas_are_exact_and_keep_rare_kinds() -> None:
    assert rate_count(0.001, 300) == 1 and rate_count(0, 300) == 0 and rate_count(0.5, 300) == 150
    counts = quota_counts(300, {"a": 0.9, "b": 0.09, "c": 0.001, "d": 0.0})
    assert sum(counts.values()) == 300 and counts["c"] == 1 and counts["d"] == 0


def test_not_json_texts_are_not_json() -> None:
    for text in NOT_JSON_TEXTS:
        with pytest.raises(ValueError):
            json.loads(text)
        assert "}{" not in text and "\n" not in text


def test_draws_are_deterministic() -> None:
    first, second = Draws(42), Draws(42)
    assert [first.randint(1, 6) for _ in range(50)] == [second.randint(1, 6) for _ in range(50)]
    assert first.randbytes(300) == second.randbytes(300)
    assert 0 <= Draws(1).random() < 1 and Draws(1).random() != Draws(2).random()
