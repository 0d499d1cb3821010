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
            assert {"ses:configuration-set", "ses:from-domain", "ses:operation"} <= set(tags)
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


# --- planned labels: engagement, providers, suppression, subscriptions, soft bounces ---
# The rules restated here, independently of the generator's code, as a mart would apply them.
APPLE_AGENT = "Mozilla/5.0"
PROXY_MARKERS = ("GoogleImageProxy", "YahooMailProxy")
SCANNER_MARKERS = ("Barracuda", "Mimecast", "Proofpoint", "python-requests", "Go-http-client", "curl/")
OPENED_AT_DELIVERY_MS = 2_000  # a rule's threshold: the generator keeps 0.1-1.8 s vs >= 5 s
CLICKED_AT_DELIVERY_MS = 10_000  # 0.5-9 s vs >= 15 s
BURST_WINDOW_MS = 1_000
AT_DELIVERY_WINDOWS = {
    "opened_right_after_delivery": (100, 1_800),
    "clicked_right_after_delivery": (500, 9_000),
}
PROVIDER_DOMAINS = {
    "gmail": "gmail.com googlemail.com",
    "outlook": "outlook.com hotmail.com live.com msn.com",
    "yahoo": "yahoo.com ymail.com aol.com",
    "icloud": "icloud.com me.com mac.com",
    "gmx": "gmx.de gmx.net gmx.com",
    "comcast": "comcast.net",
    "qq": "qq.com",
    "netease": "163.com 126.com",
    "yandex": "yandex.ru yandex.com",
    "mail_ru": "mail.ru",
    "orange": "orange.fr",
    "web_de": "web.de",
}
PROVIDER_OF = {domain: p for p, domains in PROVIDER_DOMAINS.items() for domain in domains.split()}
# the label columns a record shows directly (engagement is checked by applying the rules)
RECORD_LABEL_COLUMNS = (
    "ip_address",
    "user_agent",
    "link_tags",
    "on_account_suppression_list",
    "subscription_change",
)


@dataclass
class Labelled:
    """A 3000-message run: parsed events with their truth rows, and the truth's messages."""

    truth: dict[str, Any]
    rows: list[dict[str, Any]]  # parsed events, each with its truth row under "_truth"
    messages: dict[str, dict[str, str]]  # ground_truth_messages.csv by message_id
    requested: set[str]

    def by_message(self, event_class: str) -> dict[str, list[dict[str, Any]]]:
        grouped = defaultdict(list)
        for row in sorted(self.rows, key=lambda r: r["event_at"]):
            if row["event_class"] == event_class:
                grouped[row["message_id"]].append(row)
        return grouped

    def first_delivery_ms(self) -> dict[str, int]:
        return {m: epoch_ms(rows[0]["event_at"]) for m, rows in self.by_message("delivery").items()}


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Labelled:
    out = tmp_path_factory.mktemp("labels")
    generate(out, "--seed", "7", "--messages", "3000")
    truth_rows = {natural_key(row): row for row in read_truth_events(out)}
    parsed_rows = parse_dataset(out / "ses_events").events.values()
    rows = [{**row, "_truth": truth_rows[natural_key(row)]} for row in parsed_rows]
    assert len(rows) == len(truth_rows)
    with (out / "ground_truth_messages.csv").open(newline="") as handle:
        messages = {row["message_id"]: row for row in csv.DictReader(handle)}
    truth = json.loads((out / "ground_truth.json").read_text())
    return Labelled(truth, rows, messages, {row["message_id"] for row in read_requests(out)})


def provider_of(address: str) -> str:
    domain = address.split("@")[1]
    return "mailbox_simulator" if domain == "simulator.amazonses.com" else PROVIDER_OF.get(domain, "other")


def natural_key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return row["message_id"], row["event_class"], row["event_at"], row["recipients"]


def epoch_ms(text: str) -> int:
    return round(parse_time(text).timestamp() * 1000)


def is_ordinary(agent: str) -> bool:
    lowered = agent.lower()
    return agent != APPLE_AGENT and not any(m.lower() in lowered for m in (*PROXY_MARKERS, *SCANNER_MARKERS))


def subscription_change(subscription: dict[str, Any]) -> str:
    new, old = subscription["newTopicPreferences"], subscription["oldTopicPreferences"]
    before = {t["topicName"]: t["subscriptionStatus"] for t in old["topicSubscriptionStatus"]}
    after = {t["topicName"]: t["subscriptionStatus"] for t in new["topicSubscriptionStatus"]}
    changes = {(before.get(topic), status) for topic, status in after.items()}
    if new["unsubscribeAll"]:
        return "opt_out_all"
    if ("OptIn", "OptOut") in changes:
        return "opt_out_topic"
    assert ("OptOut", "OptIn") in changes and not old["unsubscribeAll"], subscription
    return "opt_in"


def labels_of_record(row: dict[str, Any]) -> dict[str, str]:
    """The label columns as the written record shows them (engagement aside)."""
    type_object, event_class = row["_type_object"], row["event_class"]
    engaged = event_class in ("open", "click")
    tags = type_object.get("linkTags")
    on_list = {
        "bounce": lambda: type_object["bounceSubType"] == "OnAccountSuppressionList",
        "complaint": lambda: type_object.get("complaintSubType") == "OnAccountSuppressionList",
    }.get(event_class, lambda: False)()
    return {
        "ip_address": type_object["ipAddress"] if engaged else "",
        "user_agent": type_object["userAgent"] if engaged else "",
        "link_tags": "" if tags is None else json.dumps(tags, separators=(",", ":")),
        "on_account_suppression_list": "true" if on_list else "false",
        "subscription_change": subscription_change(type_object) if event_class == "subscription" else "",
    }


def classify_opens(opens: list[dict[str, Any]], delivered_ms: int | None) -> list[str]:
    """The engagement rule of each open of one message ("" = a person)."""
    rules = []
    for row in opens:
        agent, ip = row["_type_object"]["userAgent"], row["_type_object"]["ipAddress"]
        since_delivery = None if delivered_ms is None else epoch_ms(row["event_at"]) - delivered_ms
        if agent == APPLE_AGENT and ip.startswith("17."):
            rules.append("apple_privacy")
        elif any(marker in agent for marker in PROXY_MARKERS):
            rules.append("image_proxy")
        elif since_delivery is not None and 0 <= since_delivery < OPENED_AT_DELIVERY_MS:
            rules.append("opened_right_after_delivery")
        else:
            rules.append("")
    return rules


def classify_clicks(clicks: list[dict[str, Any]], delivered_ms: int | None) -> list[str]:
    """The engagement rule of each click of one message, in time order ("" = a person)."""
    times = [epoch_ms(row["event_at"]) for row in clicks]
    in_burst = set()
    for i, start in enumerate(times):
        window = [j for j in range(i, len(times)) if times[j] - start < BURST_WINDOW_MS]
        if len({clicks[j]["_type_object"]["link"] for j in window}) >= 3:
            in_burst.update(window)
    rules = []
    for i, row in enumerate(clicks):
        agent = row["_type_object"]["userAgent"]
        if any(marker in agent for marker in SCANNER_MARKERS):
            rules.append("scanner_user_agent")
        elif delivered_ms is not None and 0 <= times[i] - delivered_ms < CLICKED_AT_DELIVERY_MS:
            rules.append("clicked_right_after_delivery")
        elif i in in_burst:
            rules.append("link_burst")
        else:
            rules.append("")
    return rules


def test_label_columns_match_the_written_records(labelled: Labelled) -> None:
    for row in labelled.rows:
        truth = row["_truth"]
        assert {column: truth[column] for column in RECORD_LABEL_COLUMNS} == labels_of_record(row), truth
        engaged = row["event_class"] in ("open", "click")
        assert bool(truth["engagement"]) == engaged and (engaged or not truth["engagement_rule"])


def test_engagement_rules_recover_the_labels(labelled: Labelled) -> None:
    """Applying the rules to the records finds exactly the planned labels."""
    delivered = labelled.first_delivery_ms()
    engagements = {"": "human", "apple_privacy": "machine", "opened_right_after_delivery": "machine"}
    engagements |= {"image_proxy": "proxy", "scanner_user_agent": "bot"}
    engagements |= {"clicked_right_after_delivery": "bot", "link_burst": "bot"}
    for event_class, classify in (("open", classify_opens), ("click", classify_clicks)):
        for message_id, rows in labelled.by_message(event_class).items():
            found = classify(rows, delivered.get(message_id))
            assert found == [row["_truth"]["engagement_rule"] for row in rows], message_id
            assert [engagements[rule] for rule in found] == [row["_truth"]["engagement"] for row in rows]


def test_engagement_keeps_its_margins(labelled: Labelled) -> None:
    """Each label sits well inside its rule, each person well outside every rule."""
    delivered = labelled.first_delivery_ms()
    for event_class in ("open", "click"):
        for message_id, rows in labelled.by_message(event_class).items():
            first = delivered.get(message_id)
            for row in rows:
                rule, record = row["_truth"]["engagement_rule"], row["_type_object"]
                since = None if first is None else epoch_ms(row["event_at"]) - first
                if rule == "apple_privacy":
                    assert record["userAgent"] == APPLE_AGENT and record["ipAddress"].startswith("17.")
                else:
                    assert not record["ipAddress"].startswith("17.")
                if rule in ("opened_right_after_delivery", "clicked_right_after_delivery", "link_burst", ""):
                    assert is_ordinary(record["userAgent"]), row
                if rule in AT_DELIVERY_WINDOWS:
                    low, high = AT_DELIVERY_WINDOWS[rule]
                    assert since is not None and low <= since <= high, row
                elif since is not None:
                    assert since >= (5_000 if event_class == "open" else 15_000), row


def test_clicks_and_bursts_keep_apart(labelled: Labelled) -> None:
    """A burst is 3-4 clicks on different links within 1 s from one client; any other
    click, and any other burst, is more than 2 s away."""
    bursts = 0
    for message_id, clicks in labelled.by_message("click").items():
        times = [epoch_ms(row["event_at"]) for row in clicks]
        groups: list[list[int]] = []  # a burst's clicks, or a single click
        for i, row in enumerate(clicks):
            in_burst = (clicks[i - 1]["_truth"]["engagement_rule"], row["_truth"]["engagement_rule"]) == (
                "link_burst",
                "link_burst",
            )
            if groups and in_burst and times[i] - times[groups[-1][0]] < BURST_WINDOW_MS:
                groups[-1].append(i)
            else:
                groups.append([i])
        for before, after in zip(groups, groups[1:]):
            assert times[after[0]] - times[before[-1]] > 2_000, message_id
        for group in groups:
            if clicks[group[0]]["_truth"]["engagement_rule"] == "link_burst":
                bursts += 1
                assert len(group) in (3, 4), message_id
                assert len({clicks[i]["_type_object"]["link"] for i in group}) == len(group)
                assert len({clicks[i]["_type_object"]["userAgent"] for i in group}) == 1
    assert bursts >= 12


def test_messages_truth_matches_the_records(labelled: Labelled) -> None:
    with_events = {row["message_id"] for row in labelled.rows}
    assert set(labelled.messages) == with_events | labelled.requested
    classes = defaultdict(set)
    for row in labelled.rows:
        classes[row["message_id"]].add(row["event_class"])
        mail, message = row["_record"]["mail"], labelled.messages[row["message_id"]]
        assert utc_text(mail["timestamp"]) == message["sent_at"]
        assert ";".join(mail["destination"]).lower() == message["recipients"]
        assert re.search(r"[^@<\s]+@([^>\s\"]+)", mail["source"])[1] == message["sending_domain"]
        if "tags" in mail:
            assert mail["tags"]["ses:configuration-set"] == [message["configuration_set"]]
            assert mail["tags"].get("campaign", [""]) == [message["campaign"]]
    for message_id, message in labelled.messages.items():
        recipients, providers = message["recipients"].split(";"), message["mailbox_providers"].split(";")
        assert providers == [provider_of(recipient) for recipient in recipients], message_id
        tracked = message["configuration_set"] != "transactional"
        assert message["tracks_opens"] == message["tracks_clicks"] == ("true" if tracked else "false")
        if not tracked:
            assert not classes[message_id] & {"open", "click"}, message_id
        assert message["requested"] == ("true" if message_id in labelled.requested else "false")


def test_label_figures_match_the_truth_files(labelled: Labelled) -> None:
    truth = labelled.truth
    for event_class in ("open", "click"):
        rows = [row["_truth"] for row in labelled.rows if row["event_class"] == event_class]
        figures = truth["engagement"][event_class]
        assert nonzero(figures["per_engagement"]) == Counter(r["engagement"] for r in rows)
        rules = Counter(row["engagement_rule"] for row in rows if row["engagement_rule"])
        assert nonzero(figures["per_rule"]) == rules
    subscriptions = [row["_truth"] for row in labelled.rows if row["event_class"] == "subscription"]
    assert truth["subscription_changes"] == Counter(row["subscription_change"] for row in subscriptions)
    addressed = {}
    for message in labelled.messages.values():
        addressed.update(zip(message["recipients"].split(";"), message["mailbox_providers"].split(";")))
    assert nonzero(truth["recipients_per_provider"]) == Counter(addressed.values())


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {label: count for label, count in counts.items() if count}


def transient_runs(labelled: Labelled) -> dict[str, list[int]]:
    """Per single-recipient address: the lengths of its runs of Transient bounces with no
    delivery between (deliveries and other bounces end a run)."""
    outcomes = defaultdict(list)
    for row in labelled.rows:
        if row["event_class"] in ("delivery", "bounce") and ";" not in row["recipients"]:
            outcomes[row["recipients"]].append((row["event_at"], row["detail"].startswith("Transient/")))
    runs = {}
    for recipient, events in outcomes.items():
        lengths, current = [], 0
        for _, transient in sorted(events):
            current = current + 1 if transient else 0
            if current:
                lengths.append(current)
        runs[recipient] = lengths
    return runs


def test_every_planned_behaviour_appears(labelled: Labelled) -> None:
    truth = labelled.truth
    for event_class in ("open", "click"):
        assert all(truth["engagement"][event_class]["per_engagement"].values())
        assert min(truth["engagement"][event_class]["per_rule"].values()) >= 12, truth["engagement"]
    assert all(truth["subscription_changes"].values()) and all(truth["recipients_per_provider"].values())
    truths = [row["_truth"] for row in labelled.rows]
    suppressed = Counter(t["event_class"] for t in truths if t["on_account_suppression_list"] == "true")
    assert suppressed["bounce"] and suppressed["complaint"]
    messages = labelled.messages.values()
    untagged = sum(not message["campaign"] for message in messages)
    assert 0 < untagged < len(labelled.messages) / 10, "some messages without a campaign tag"
    assert any(m["configuration_set"] == "transactional" for m in messages)
    runs = transient_runs(labelled)
    assert any(max(lengths, default=0) >= 3 for lengths in runs.values()), "3 soft bounces in a row"
    assert any(max(lengths, default=0) == 2 for lengths in runs.values()), "only 2 in a row"
    interrupted = [lengths for lengths in runs.values() if lengths.count(1) >= 2]
    assert interrupted, "soft bounces with a delivery between"
    changes = defaultdict(list)
    for row in sorted(labelled.rows, key=lambda r: r["event_at"]):
        recipients = labelled.messages[row["message_id"]]["recipients"]
        if row["event_class"] == "subscription" and ";" not in recipients:
            changes[recipients].append(row["_truth"]["subscription_change"])
    resubscribed = [c for c in changes.values() if c[0].startswith("opt_out") and "opt_in" in c[1:]]
    assert resubscribed, "an opt-in later than an opt-out of the same recipient"
