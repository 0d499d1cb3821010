"""ses_pii_mode on a hand-written corpus (tests/fixtures/personal_data) that
holds every form of personal data SES writes: display names, an address in a
subject, in a link's path and query (plain and %40), Unicode local parts and
an IDN domain, a quoted local part, a domain without a dot, plus-addressing,
addresses written with JSON escapes (\\u00e9, \\u0040, \\n right before one),
names inside user agents, IP addresses, an SNS envelope.

Built three times, as written (raw), hashed and redacted. Hashed: none of the
corpus's personal values is in any table or view, in the DuckDB file's bytes,
in target/ or logs/, on the dashboard's page, in the executed notebook or in
`mf query`'s output; every record parses as it does raw (nothing becomes
invalid JSON, the hard bounce still makes a suppression candidate), and the
figures per event class and per recipient domain are the raw build's, which
are counted by hand below."""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import nbformat
import pytest

from conftest import (
    FIXTURES_DIR, NOTEBOOK, PROJECT_DIR, DbtBuild, assert_built, copy_project, notebook_client, run_dbt,
)

CORPUS = FIXTURES_DIR / "personal_data"
KEY = "a-secret-only-the-test-knows"
MF = Path(sys.executable).with_name("mf")
SCHEMAS = ("main_ses_landing", "main_ses_staging", "main_ses_marts")

# Every personal value of the corpus, listed by hand: the local parts of
# every address (domains are kept on purpose) in each form they are written,
# display names and names inside user agents, IP addresses, the sender's
# identity.
PERSONAL_VALUES = [
    "jo.doe", "jo.doe%40corp.example", "Jo Doe", "Jo-Doe-Laptop",
    "ann.leeworthy", "Ann Leeworthy",
    "ninavoss",
    "josé.ruiz", "jos\\u00e9.ruiz",
    "josé.garcía", "müller",
    "john smith",
    "rootuser",
    "pat+promo",
    "leequinn",
    "203.0.113.77", "198.51.100.23", "192.0.2.55", "192.0.2.56", "203.0.113.200",
]

# Hand-counted from the corpus (18 records, all events, 7 messages).
EVENTS_PER_CLASS = {
    "send": 6, "delivery": 5, "open": 1, "click": 2, "bounce": 1, "complaint": 1, "delivery_delay": 1,
    "rendering_failure": 1,
}
# recipient domain: (recipients, delivered, bounced, complained, requested)
RECIPIENTS_PER_DOMAIN = {
    "corp.example": (6, 4, 1, 0, 6),
    "example.com": (1, 1, 0, 0, 1),
    "example.de": (1, 1, 0, 1, 1),
    "exämple.com": (1, 1, 0, 0, 1),
    "localhost": (1, 0, 0, 0, 1),
}
PER_DOMAIN = """
    select
        split_part(recipient, '@', -1) as domain,
        count(*),
        count(*) filter (where was_delivered),
        count(*) filter (where was_bounced),
        count(*) filter (where was_complained),
        count(*) filter (where was_requested)
    from main_ses_marts.fct_ses_message_recipients
    group by 1
"""
SUPPRESSIONS = """
    select split_part(recipient, '@', -1), suppression_reason
    from main_ses_marts.ses_suppression_candidates
    order by 1, 2
"""


@dataclass
class CorpusBuild:
    build: DbtBuild
    work_dir: Path
    # what the pages made of the build: their text, by page
    pages: dict[str, str]


def build_corpus(work_dir: Path, mode: str, project_dir: Path = PROJECT_DIR) -> DbtBuild:
    events = work_dir / "ses_events"
    shutil.copytree(CORPUS / "ses_events", events)
    # kept as .txt beside the events: dbt would read a .csv under tests/ as a
    # unit-test fixture, and keep its contents in its artifacts
    requests = work_dir / "ses_requests.csv"
    shutil.copyfile(CORPUS / "ses_requests.csv.txt", requests)
    # stored uncompressed, so that a value in the file is in its bytes
    environment = {"SES_DUCKDB_FORCE_COMPRESSION": "uncompressed", "SES_PII_HASH_KEY": KEY if mode == "hashed" else ""}
    return run_dbt(
        work_dir, "build", events_path=events, requests_path=requests,
        extra_vars={"ses_pii_mode": mode}, environment=environment, project_dir=project_dir,
    )


def executed_notebook(database: Path, work_dir: Path) -> str:
    os.environ["SES_DUCKDB_PATH"] = str(database)
    try:
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        notebook_client(notebook).execute()
    finally:
        del os.environ["SES_DUCKDB_PATH"]
    path = work_dir / "executed.ipynb"
    nbformat.write(notebook, path)
    return path.read_text()


def dashboard_page(database: Path, work_dir: Path) -> str:
    out_dir = work_dir / "dashboard"
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "ses_dashboard.py"), "--database", str(database),
         "--out", str(out_dir), "--build-only"],
        check=True, capture_output=True,
    )
    return (out_dir / "index.html").read_text()


def metric_queries(project_dir: Path, database: Path) -> str:
    """`mf query` as a user runs it, grouped by every text dimension a value
    could reach, on each semantic model."""
    environment = {
        **os.environ, "SES_DUCKDB_PATH": str(database), "DBT_PROFILES_DIR": str(project_dir),
        "DBT_PROJECT_DIR": str(project_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    queries = {
        "messages,delivered_messages": "message__sending_domain,message__campaign,message__configuration_set,"
        "message__region,message__mailbox_provider",
        "deliveries,bounce_rate": "deliverability__sending_domain,deliverability__campaign,"
        "deliverability__configuration_set,deliverability__mailbox_provider",
    }
    output = ""
    for metrics, group_by in queries.items():
        completed = subprocess.run(
            [str(MF), "query", "--metrics", metrics, "--group-by", group_by],
            cwd=project_dir, env=environment, capture_output=True, text=True, check=False,
        )
        assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
        output += completed.stdout + completed.stderr
    return output


def built_corpus(tmp_path_factory, mode: str) -> CorpusBuild:
    work_dir = tmp_path_factory.mktemp(f"pii_{mode}")
    build = build_corpus(work_dir, mode)
    assert_built(build)
    return CorpusBuild(build, work_dir, {})


@pytest.fixture(scope="module")
def raw_corpus(tmp_path_factory) -> CorpusBuild:
    return built_corpus(tmp_path_factory, "raw")


@pytest.fixture(scope="module")
def hashed_corpus(tmp_path_factory) -> CorpusBuild:
    """Built in a copy of the project (mf reads the semantic manifest of the
    project it runs in), then read by every page."""
    project_dir = copy_project(tmp_path_factory.mktemp("pii_hashed") / "project")
    build = build_corpus(project_dir, "hashed", project_dir)
    assert_built(build)
    pages = {
        "notebook": executed_notebook(build.database, project_dir),
        "dashboard": dashboard_page(build.database, project_dir),
        "mf query": metric_queries(project_dir, build.database),
    }
    return CorpusBuild(build, project_dir, pages)


@pytest.fixture(scope="module")
def redacted_corpus(tmp_path_factory) -> CorpusBuild:
    return built_corpus(tmp_path_factory, "redacted")


def columns_holding(build: DbtBuild, values: list[str]) -> dict[tuple[str, str], list[str]]:
    """Every (relation, column) of the project's schemas whose text holds any
    of `values`, in any case, with the values it holds."""
    holding = {}
    with duckdb.connect(str(build.database), read_only=True) as connection:
        connection.execute("create temp table needles as select lower(unnest(?)) as needle", [values])
        for schema, table, column in connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ?", [list(SCHEMAS)]
        ).fetchall():
            hits = connection.execute(
                f'select distinct needle from "{schema}"."{table}", needles'
                f' where contains(lower(cast("{column}" as varchar)), needle) order by 1'
            ).fetchall()
            if hits:
                holding[(table, column)] = [needle for (needle,) in hits]
    return holding


def files_holding(paths: list[Path], values: list[str]) -> list[str]:
    """`name: value` for every file that holds a value, in any case."""
    needles = [value.lower().encode() for value in values]
    found = []
    for path in paths:
        content = path.read_bytes().lower()
        found += [f"{path.name}: {needle.decode()}" for needle in needles if needle in content]
    return found


def build_files(corpus: CorpusBuild) -> list[Path]:
    files = [path for folder in ("target", "logs") for path in (corpus.work_dir / folder).rglob("*") if path.is_file()]
    return files + [path for path in corpus.work_dir.glob("ses.duckdb*") if path.is_file()]


def test_the_raw_build_holds_every_personal_value(raw_corpus: CorpusBuild) -> None:
    """The searches below can find what they look for: as written, every
    personal value is in some column and in the file's bytes."""
    found = {value for values in columns_holding(raw_corpus.build, PERSONAL_VALUES).values() for value in values}
    assert sorted(found) == sorted(value.lower() for value in PERSONAL_VALUES)
    database = [path for path in build_files(raw_corpus) if path.name == "ses.duckdb"]
    assert files_holding(database, ["ninavoss", "Jo Doe", "rootuser"]) == [
        "ses.duckdb: ninavoss", "ses.duckdb: jo doe", "ses.duckdb: rootuser",
    ]


def test_no_personal_value_in_any_table_or_view(hashed_corpus: CorpusBuild) -> None:
    assert columns_holding(hashed_corpus.build, PERSONAL_VALUES) == {}


def test_no_table_keeps_record_text(hashed_corpus: CorpusBuild) -> None:
    assert hashed_corpus.build.query(
        "select table_name from information_schema.tables where table_schema = 'main_ses_landing'"
    ) == []
    assert hashed_corpus.build.scalar("select count(record_text) from main_ses_staging.base_ses__records") == 0


def test_no_personal_value_or_key_in_files(hashed_corpus: CorpusBuild) -> None:
    files = build_files(hashed_corpus)
    assert {"ses.duckdb", "manifest.json", "run_results.json", "dbt.log"} <= {path.name for path in files}
    assert files_holding(files, PERSONAL_VALUES + [KEY]) == []


@pytest.mark.parametrize("page", ["notebook", "dashboard", "mf query"])
def test_no_personal_value_on_any_page(hashed_corpus: CorpusBuild, page: str) -> None:
    text = hashed_corpus.pages[page]
    assert len(text) > 100
    assert [value for value in PERSONAL_VALUES if value.lower() in text.lower()] == []


def test_the_corpus_is_counted_as_by_hand(raw_corpus: CorpusBuild) -> None:
    build = raw_corpus.build
    assert dict(build.query("select event_class, count(*) from main_ses_marts.fct_ses_events group by 1")) == (
        EVENTS_PER_CLASS
    )
    assert build.scalar("select count(*) from main_ses_staging.base_ses__records where rejection_reason is not null") == 0
    assert {row[0]: tuple(row[1:]) for row in build.query(PER_DOMAIN)} == RECIPIENTS_PER_DOMAIN
    # the hard bounce (its diagnostic code has \\n right before the address)
    # and the complaint
    assert build.query(SUPPRESSIONS) == [("corp.example", "hard_bounce"), ("example.de", "complaint")]


@pytest.mark.parametrize("mode", ["hashed", "redacted"])
def test_masked_figures_are_the_raw_builds(raw_corpus, hashed_corpus, redacted_corpus, mode: str) -> None:
    """Every record parses as it does raw: the same events per class, no
    rejection, the same figures per recipient domain (the send log joins
    its \\u00e9 and \\u0040 addresses), the same suppression candidates, the
    same human opens and clicks."""
    masked = {"hashed": hashed_corpus, "redacted": redacted_corpus}[mode].build
    raw = raw_corpus.build
    for sql in (
        "select event_class, count(*) from main_ses_marts.fct_ses_events group by 1 order by 1",
        "select count(*) from main_ses_staging.base_ses__records where rejection_reason is not null",
        PER_DOMAIN + " order by 1",
        SUPPRESSIONS,
        "select event_class, engagement_rule, count(*) from main_ses_staging.int_ses__engagements group by all order by all",
    ):
        assert masked.query(sql) == raw.query(sql), sql


def test_hashed_values_are_keyed_hashes_at_their_domain(hashed_corpus: CorpusBuild) -> None:
    build = hashed_corpus.build
    recipients = [recipient for (recipient,) in build.query(
        "select distinct recipient from main_ses_marts.fct_ses_message_recipients order by 1"
    )]
    # nine distinct addresses (pat+promo is a recipient of two messages)
    assert len(recipients) == 9
    assert all(len(recipient.split("@")[0]) == 16 and set(recipient.split("@")[0]) <= set("0123456789abcdef")
               for recipient in recipients)
    # the two clicks' links keep their shape, host, path and query keys
    assert sorted(link.split("?")[0].split("/u/")[0] for (link,) in build.query(
        "select link from main_ses_staging.stg_ses__clicks"
    )) == ["https://shop.example", "https://shop.example/track"]
    query = build.scalar("select link from main_ses_staging.stg_ses__clicks where link like '%track%'").split("?")[1]
    assert [pair.split("=")[0] for pair in query.split("&")] == ["email", "e", "utm_source"]
    assert query.endswith("&utm_source=news")


def test_redacted_keeps_domains_only(redacted_corpus: CorpusBuild) -> None:
    build = redacted_corpus.build
    assert build.query(
        "select distinct split_part(recipient, '@', 1) from main_ses_marts.fct_ses_message_recipients"
    ) == [("redacted",)]
    assert build.query("select distinct user_agent from main_ses_staging.stg_ses__opens") == [("redacted",)]
    assert columns_holding(build, PERSONAL_VALUES) == {}


def test_hashed_without_a_key_fails_in_one_line(tmp_path: Path) -> None:
    work_dir = tmp_path
    events = work_dir / "ses_events"
    shutil.copytree(CORPUS / "ses_events", events)
    result = run_dbt(
        work_dir, "build", events_path=events, extra_vars={"ses_pii_mode": "hashed"},
        environment={"SES_PII_HASH_KEY": ""},
    )
    assert result.returncode == 2
    assert "ses_pii_mode hashed needs a secret key: set the environment variable SES_PII_HASH_KEY" in result.output


def test_a_raw_builds_record_text_stops_a_masked_build(raw_corpus: CorpusBuild, tmp_path: Path) -> None:
    """Switching a raw database to a masked mode would leave raw_ses_records'
    text beside the masked tables: the build names it instead."""
    database = tmp_path / "ses.duckdb"
    shutil.copyfile(raw_corpus.build.database, database)
    result = run_dbt(
        tmp_path, "build", events_path=raw_corpus.work_dir / "ses_events", database=database,
        extra_vars={"ses_pii_mode": "redacted"},
    )
    assert result.returncode == 1
    assert (
        "ses_pii_mode redacted: \"ses\".\"main_ses_landing\".\"raw_ses_records\" holds the record text of an earlier"
        " build with ses_pii_mode raw" in result.output
    )


def test_every_column_that_holds_personal_data_is_marked_sensitive(raw_corpus: CorpusBuild) -> None:
    """Found in the data of the raw build, checked against the manifest."""
    holding = set(columns_holding(raw_corpus.build, PERSONAL_VALUES))
    manifest = json.loads((raw_corpus.work_dir / "target" / "manifest.json").read_text())
    sensitive = {
        (node["name"], column_name)
        for node in manifest["nodes"].values() if node["resource_type"] == "model"
        for column_name, column in node["columns"].items()
        if column.get("meta", {}).get("sensitive") or column.get("config", {}).get("meta", {}).get("sensitive")
    }
    assert len(holding) > 20
    missing = sorted(holding - sensitive)
    assert missing == [], "\n".join(map(str, missing))


def test_personal_values_are_counted_once_per_form() -> None:
    """The list above is the corpus's: each value is written in it."""
    written = "\n".join(path.read_text() for path in sorted((CORPUS / "ses_events").rglob("*")) if path.is_file())
    written += (CORPUS / "ses_requests.csv.txt").read_text()
    assert [value for value in PERSONAL_VALUES if value not in written and value.replace('"', '\\"') not in written] == []
    assert collections.Counter(PERSONAL_VALUES).most_common(1)[0][1] == 1
