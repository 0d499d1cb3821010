"""The notebook's query helper on its own: where it looks for the database, how
it waits for a writer, and what it does not retry."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "notebooks"))
import ses_notebook  # noqa: E402

# A writer in another process: DuckDB's lock is per process, so holding it
# from this one would not conflict with our own read-only connections.
HOLD_WRITE_LOCK = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("insert into numbers values (2)")
connection.close()
"""


@pytest.fixture()
def database(tmp_path) -> Path:
    path = tmp_path / "small.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table numbers as select 1 as number")
    return path


def hold_write_lock(database: Path, seconds: float) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(database), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout.readline().strip() == "holding"
    return writer


def test_relative_path_is_taken_from_the_project_directory(monkeypatch) -> None:
    monkeypatch.setenv("SES_DUCKDB_PATH", "elsewhere/ses.duckdb")
    assert ses_notebook.database_path() == PROJECT_DIR / "elsewhere" / "ses.duckdb"
    monkeypatch.delenv("SES_DUCKDB_PATH")
    assert ses_notebook.database_path() == PROJECT_DIR / "ses_analytics.duckdb"
    monkeypatch.setenv("SES_DUCKDB_PATH", "/data/ses.duckdb")
    assert ses_notebook.database_path() == Path("/data/ses.duckdb")


def test_a_missing_database_says_what_to_run(tmp_path) -> None:
    with pytest.raises(ses_notebook.DatabaseNotBuilt, match="make demo"):
        ses_notebook.query("select 1", database=tmp_path / "absent.duckdb")
    assert not (tmp_path / "absent.duckdb").exists()


def test_a_query_waits_for_the_writer_then_sees_its_commit(database, capsys) -> None:
    writer = hold_write_lock(database, seconds=2)
    started = time.monotonic()
    numbers = ses_notebook.query("select number from numbers order by 1", database=database, wait_seconds=60)
    assert time.monotonic() - started >= 1.5
    assert numbers["number"].tolist() == [1, 2]
    assert "waiting for it to finish" in capsys.readouterr().err
    assert writer.wait(timeout=30) == 0


def test_a_query_gives_up_after_its_wait(database) -> None:
    writer = hold_write_lock(database, seconds=2)
    try:
        with pytest.raises(ses_notebook.DatabaseBusy):
            ses_notebook.query("select count(*) from numbers", database=database, wait_seconds=0.5)
    finally:
        writer.wait(timeout=30)


def test_the_connection_is_closed_after_each_query(database) -> None:
    assert ses_notebook.scalar("select count(*) from numbers", database=database) == 1
    # A writer in this process could not open the file if a reader connection lingered.
    with duckdb.connect(str(database)) as connection:
        connection.execute("insert into numbers values (3)")
    assert ses_notebook.scalar("select count(*) from numbers", database=database) == 2


def test_sql_errors_are_not_retried(database) -> None:
    started = time.monotonic()
    with pytest.raises(duckdb.CatalogException):
        ses_notebook.query("select * from no_such_table", database=database, wait_seconds=60)
    assert time.monotonic() - started < 5


def test_a_table_shows_no_index_and_blanks_for_missing_values() -> None:
    import pandas

    frame = pandas.DataFrame(
        {"provider": ["gmail", "yahoo"], "sends": [1200.0, 80.0], "complaint_rate": [None, 0.0125]}
    )
    html = ses_notebook.table(frame, percent=["complaint_rate"]).to_html()
    assert "1,200" in html and "1.2%" in html
    assert "nan" not in html.lower()
    assert "row_heading" not in html  # no index column


def test_a_table_shows_text_lists_and_column_names_as_text() -> None:
    import pandas

    frame = pandas.DataFrame({
        "campaign": ['<img src=x onerror="alert(1)">'],
        "recipients": [["<b>ann</b>@example.org", "bob@example.org"]],
        "<i>sends</i>": [1200],
    })
    html = ses_notebook.table(frame).to_html()
    assert "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "[&#x27;&lt;b&gt;ann&lt;/b&gt;@example.org&#x27;, &#x27;bob@example.org&#x27;]" in html
    assert "&lt;i&gt;sends&lt;/i&gt;" in html and "1,200" in html
    assert 'class="tex2jax_ignore mathjax_ignore"' in html


def test_every_day_fills_the_days_without_events() -> None:
    import pandas

    days = pandas.to_datetime(["2024-03-01", "2024-03-04"]).rename("event_date")
    daily = ses_notebook.every_day(pandas.DataFrame({"send": [3, 5], "open": [1, 0]}, index=days))
    assert [f"{day:%Y-%m-%d}" for day in daily.index] == ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]
    assert daily["send"].tolist() == [3, 0, 0, 5]
    assert daily.index.name == "event_date"


def test_a_message_is_labelled_by_time_subject_and_recipient() -> None:
    import pandas

    sent_at = pandas.Timestamp("2024-03-04 07:22:24")
    assert ses_notebook.message_label(sent_at, "Your order has shipped", "orders", ["ann@example.com", "bo@example.com"]) == (
        "Mar 04 07:22  Your order has shipped → ann@example.com (+1)"
    )
    assert ses_notebook.message_label(sent_at, None, "spring-sale", ["ann@example.com"]) == (
        "Mar 04 07:22  spring-sale → ann@example.com"
    )
    long_subject = ses_notebook.message_label(pandas.NaT, "x" * 50, None, None)
    assert long_subject == "not sent  " + "x" * (ses_notebook.LABEL_SUBJECT_CHARACTERS - 1) + "…"
    assert ses_notebook.message_label(pandas.NaT, float("nan"), None, []) == "not sent  (no subject)"
