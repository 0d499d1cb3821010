"""ses_pii_mode: with hashed, no e-mail address, IP address or user agent of
the input is anywhere in the DuckDB file, target/ or logs/, while per-domain
figures and the send-log join still work; redacted keeps domains only; a
missing key fails in one line. Built on the hand-written fixtures."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES_DIR, DbtBuild, assert_built, materialize_fixture_events, run_dbt

ADDRESS = re.compile(r"[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
KEYED_VALUE = re.compile(r'\\?"(?:ipAddress|sourceIp|remoteMtaIp|userAgent)\\?"\s*:\s*\\?"([^"\\]+)')
KEY = "a-secret-only-the-test-knows"


FIXTURE_VALUES = [
    # listed by hand from tests/fixtures: 12 addresses (recipients, one in two
    # cases, the sender, a header Message-ID), 7 IP addresses, 6 user agents
    "192.0.2.1", "192.0.2.10", "192.0.2.11", "198.51.100.20", "198.51.100.7", "203.0.113.5", "203.0.113.9",
    "Dave@Example.com", "ExampleISP Feedback Loop", "GoogleImageProxy", "Mozilla/5.0",
    "Mozilla/5.0 (Macintosh)", "Mozilla/5.0 (Windows NT 10.0)", "Mozilla/5.0 (iPhone)",
    "abc-1@shop.example.com", "alice@example.org", "bob@example.org", "carol@example.net",
    "dave@example.com", "erin@example.org", "frank@example.org", "gina@example.org", "hank@example.org",
    "ivan@example.org", "news@shop.example.com",
]


def unique_to_this_test(value: str) -> str:
    """The project's own unit tests share some of the fixtures' values, and
    dbt keeps those in target/: the input here gets values of its own."""
    if "@" in value:
        local_part, domain = value.split("@")
        return f"{local_part}.piitest@{domain}"
    if value[0].isdigit():
        return "198.18." + ".".join(value.split(".")[2:])
    return value + " PiiTest"


def write_inputs(work_dir: Path) -> tuple[Path, Path]:
    """The fixture objects and send log, each personal value made unique."""
    events = materialize_fixture_events(work_dir / "fixture_events")
    replacements = sorted(FIXTURE_VALUES, key=len, reverse=True)

    def rewrite(text: str) -> str:
        marked = text
        for number, value in enumerate(replacements):
            marked = marked.replace(value, f"\x00{number}\x00")
        for number, value in enumerate(replacements):
            marked = marked.replace(f"\x00{number}\x00", unique_to_this_test(value))
        return marked

    target = work_dir / "ses_events"
    for path in sorted(events.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(events)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".gz":
                destination.write_bytes(gzip.compress(rewrite(gzip.decompress(path.read_bytes()).decode()).encode()))
            else:
                destination.write_text(rewrite(path.read_text()))
    requests = work_dir / "ses_requests.csv"
    requests.write_text(rewrite((FIXTURES_DIR / "ses_requests.csv").read_text()))
    return target, requests


def personal_values(work_dir: Path) -> set[str]:
    values = set()
    texts = [(work_dir / "ses_requests.csv").read_text()]
    for path in (work_dir / "ses_events").rglob("*"):
        if path.is_file():
            texts.append(gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text())
    for text in texts:
        values.update(match.group(0) for match in ADDRESS.finditer(text))
        values.update(KEYED_VALUE.findall(text))
    return values


def build(work_dir: Path, mode: str, environment: dict[str, str] | None = None) -> DbtBuild:
    events, requests = write_inputs(work_dir)
    return run_dbt(
        work_dir, "build", events_path=events, requests_path=requests,
        extra_vars={"ses_pii_mode": mode}, environment=environment,
    )


@pytest.fixture(scope="module")
def hashed_build(tmp_path_factory) -> DbtBuild:
    result = build(tmp_path_factory.mktemp("pii_hashed"), "hashed", {"SES_PII_HASH_KEY": KEY})
    assert_built(result)
    return result


def test_the_input_holds_personal_data(hashed_build: DbtBuild) -> None:
    assert sorted(personal_values(hashed_build.database.parent)) == sorted(
        unique_to_this_test(value) for value in FIXTURE_VALUES
    )


def columns_holding(build: DbtBuild, values: list[str]) -> dict[tuple[str, str], list[str]]:
    """Every (model, column) of the built database whose text holds any of
    `values`, with the values it holds."""
    holding = {}
    with duckdb.connect(str(build.database), read_only=True) as connection:
        connection.execute("create temp table needles as select unnest(?) as needle", [values])
        for schema, table, column in connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ('main_ses_landing', 'main_ses_staging', 'main_ses_marts')"
        ).fetchall():
            hits = connection.execute(
                f'select distinct needle from "{schema}"."{table}", needles'
                f' where contains(cast("{column}" as varchar), needle) order by 1'
            ).fetchall()
            if hits:
                holding[(table, column)] = [needle for (needle,) in hits]
    return holding


def test_no_personal_value_in_any_column(hashed_build: DbtBuild) -> None:
    assert columns_holding(hashed_build, sorted(personal_values(hashed_build.database.parent))) == {}


def test_no_personal_value_or_key_in_files(hashed_build: DbtBuild) -> None:
    work_dir = hashed_build.database.parent
    needles = [value.encode() for value in personal_values(work_dir)] + [KEY.encode()]
    files = [path for folder in ("target", "logs") for path in (work_dir / folder).rglob("*") if path.is_file()]
    files += [path for path in work_dir.glob("ses.duckdb*") if path.is_file()]
    assert len(files) > 10
    found = [f"{path.name}: {needle.decode()}" for path in files for needle in needles if needle in path.read_bytes()]
    assert found == []


@pytest.fixture(scope="module")
def raw_build(tmp_path_factory) -> DbtBuild:
    result = build(tmp_path_factory.mktemp("pii_raw"), "raw")
    assert_built(result)
    return result


def test_figures_per_domain_and_the_send_log_join_survive(hashed_build: DbtBuild, raw_build: DbtBuild) -> None:
    per_domain = (
        "select split_part(recipient, '@', 2) as domain, count(*) from main_ses_marts.fct_ses_message_recipients"
        " group by 1 order by 1"
    )
    # tests/fixtures: 9 recipients requested or addressed, 7 of them at example.org
    assert hashed_build.query(per_domain) == raw_build.query(per_domain) == [
        ("example.com", 1), ("example.net", 1), ("example.org", 7)
    ]
    delivered_as_requested = (
        "select count(*) from main_ses_marts.fct_ses_message_recipients where was_requested and was_delivered"
    )
    assert hashed_build.scalar(delivered_as_requested) == raw_build.scalar(delivered_as_requested)


def test_redacted_keeps_domains_only(tmp_path: Path) -> None:
    result = build(tmp_path, "redacted")
    assert_built(result)
    assert result.query("select distinct split_part(recipient, '@', 1) from main_ses_marts.fct_ses_message_recipients") == [
        ("redacted",)
    ]
    assert result.query("select distinct user_agent from main_ses_staging.stg_ses__opens where user_agent is not null") == [
        ("redacted",)
    ]


def test_hashed_without_a_key_fails_in_one_line(tmp_path: Path) -> None:
    result = build(tmp_path, "hashed", {"SES_PII_HASH_KEY": ""})
    assert result.returncode == 1
    assert "ses_pii_mode hashed needs a secret key: set the environment variable SES_PII_HASH_KEY" in result.output


def test_every_column_that_holds_personal_data_is_marked_sensitive(raw_build: DbtBuild) -> None:
    """Found in the data of a raw build, checked against the manifest."""
    holding = set(columns_holding(raw_build, sorted(personal_values(raw_build.database.parent))))
    manifest = json.loads((raw_build.database.parent / "target" / "manifest.json").read_text())
    sensitive = {
        (node["name"], column_name)
        for node in manifest["nodes"].values() if node["resource_type"] == "model"
        for column_name, column in node["columns"].items()
        if column.get("meta", {}).get("sensitive") or column.get("config", {}).get("meta", {}).get("sensitive")
    }
    assert len(holding) > 20
    missing = sorted(holding - sensitive)
    assert missing == [], "\n".join(map(str, missing))
