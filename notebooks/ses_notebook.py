"""Read the DuckDB file `dbt build` writes, without ever getting in its way.

DuckDB lets one process write a file or many read it, never both. dbt holds
the write lock for a whole build, so a notebook that kept a connection open
would make the build fail, and a notebook that connects during a build would
fail itself. Every query here therefore opens its own read-only connection,
runs, and closes it (the lock is held for milliseconds), and while a build
holds the file it waits and tries again. dbt, on its side, retries its own
connect for about a minute (`retries:` in profiles.yml), which covers the
moment a query happens to be running when the build starts.

    import ses_notebook as ses
    ses.query("select * from main_ses_marts.ses_region_summary")
"""

from __future__ import annotations

import html
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import duckdb
import pandas

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "ses_analytics.duckdb"
# A full build at ten million events takes about 13 minutes; waiting longer
# than that for one means something else is holding the file.
DEFAULT_WAIT_SECONDS = 1800.0
FIRST_RETRY_SECONDS = 0.05
# Short enough that a query follows a build within a second, long enough that
# a waiting notebook costs nothing.
LONGEST_RETRY_SECONDS = 1.0


class DatabaseNotBuilt(FileNotFoundError):
    """The DuckDB file does not exist yet."""


class DatabaseBusy(TimeoutError):
    """Another process kept the write lock for longer than we were willing to wait."""


def database_path() -> Path:
    """The file dbt writes, found the way profiles.yml finds it: `SES_DUCKDB_PATH`,
    else `ses_analytics.duckdb`; a relative path is taken from the project
    directory, where `make` and dbt run."""
    configured = Path(os.environ.get("SES_DUCKDB_PATH", DEFAULT_DATABASE)).expanduser()
    return configured if configured.is_absolute() else PROJECT_DIR / configured


def require_database(path: Path | None = None) -> Path:
    """The database path, or an error that says what to run to create it."""
    path = path or database_path()
    if not path.exists():
        raise DatabaseNotBuilt(
            f"No DuckDB database at {path}. Build it first, from {PROJECT_DIR}:\n"
            "    make demo            # sample data, then dbt build\n"
            "or, on your own data:\n"
            "    .venv/bin/dbt build --profiles-dir . --vars '{ses_events_path: /path/to/ses/objects}'\n"
            "(set SES_DUCKDB_PATH to read a database elsewhere)"
        )
    return path


def _wait_seconds() -> float:
    return float(os.environ.get("SES_NOTEBOOK_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))


def _is_lock_conflict(error: duckdb.Error) -> bool:
    return isinstance(error, duckdb.IOException) and "lock" in str(error).lower()


def query(
    sql: str,
    parameters: Sequence[Any] | None = None,
    *,
    database: Path | None = None,
    wait_seconds: float | None = None,
) -> pandas.DataFrame:
    """Run one query on a read-only connection that lives only as long as the
    query, waiting (up to `wait_seconds`, default `SES_NOTEBOOK_WAIT_SECONDS`
    or 30 minutes) while a dbt build holds the file."""
    path = require_database(database)
    deadline = time.monotonic() + (_wait_seconds() if wait_seconds is None else wait_seconds)
    delay = FIRST_RETRY_SECONDS
    told = False
    while True:
        try:
            with duckdb.connect(str(path), read_only=True) as connection:
                return connection.execute(sql, parameters).df()
        except duckdb.Error as error:
            if not _is_lock_conflict(error):
                raise
            if time.monotonic() + delay > deadline:
                raise DatabaseBusy(f"{path} stayed locked by another process: {error}") from error
            if not told:
                print(f"{path} is being written (a dbt build?); waiting for it to finish...", file=sys.stderr)
                told = True
        time.sleep(delay)
        delay = min(delay * 2, LONGEST_RETRY_SECONDS)


def scalar(sql: str, parameters: Sequence[Any] | None = None, **options: Any) -> Any:
    """The first value of the first row of `query(sql)`."""
    return query(sql, parameters, **options).iat[0, 0]


# The classes MathJax 2 (nbconvert's HTML) and MathJax 3 (JupyterLab) skip.
MATHJAX_IGNORE_CLASSES = "tex2jax_ignore mathjax_ignore"


def as_html_text(value: Any) -> str:
    """A value as HTML showing its text. pandas' own `escape="html"` escapes
    strings only: a list of recipients would be written out as it is."""
    return html.escape(str(value))


def table(
    frame: pandas.DataFrame, *, percent: Sequence[str] = (), decimals: int = 1
) -> "pandas.io.formats.style.Styler":
    """`frame` for display: no index column, blanks for missing values (a rate
    whose denominator is zero), the `percent` columns as percentages and
    whole-number columns with thousands separators, timestamps to the minute
    (dates alone when every time is midnight). Every other value and every
    column name is shown as the text it is (`as_html_text`), never read as
    HTML, and MathJax leaves the table alone: `$5 or $10` in a campaign name
    is money, not TeX."""
    times = {
        column: "%Y-%m-%d" if frame[column].dropna().eq(frame[column].dropna().dt.normalize()).all() else "%Y-%m-%d %H:%M"
        for column in frame.columns if pandas.api.types.is_datetime64_any_dtype(frame[column])
    }
    whole = [column for column in frame.columns if pandas.api.types.is_integer_dtype(frame[column])]
    counts = [
        column for column in frame.columns
        if column not in percent and pandas.api.types.is_float_dtype(frame[column])
        and frame[column].dropna().mod(1).eq(0).all()
    ]
    text = [
        column for column in frame.columns
        if not pandas.api.types.is_numeric_dtype(frame[column]) and column not in times
    ]
    styler = (
        frame.style.hide(axis="index")
        .set_table_attributes(f'class="{MATHJAX_IGNORE_CLASSES}"')
        .format_index(escape="html", axis="columns")
        .format(na_rep="")
        .format(as_html_text, subset=text, na_rep="")
    )
    for column, pattern in times.items():
        styler = styler.format(lambda value, pattern=pattern: value.strftime(pattern), subset=[column], na_rep="")
    return (
        styler
        .format("{:,.0f}", subset=whole + counts, na_rep="")
        .format(f"{{:.{decimals}%}}", subset=list(percent), na_rep="")
    )


def every_day(frame: pandas.DataFrame, *, fill_value: Any = 0) -> pandas.DataFrame:
    """`frame`, indexed by day, with a row for every day from its first to its
    last: a day without events is a zero in a chart, not a missing bar."""
    days = pandas.DatetimeIndex(frame.index).normalize()
    if days.empty:
        return frame
    every = pandas.date_range(days.min(), days.max(), freq="D", unit=days.unit, name=frame.index.name)
    return frame.set_axis(days).reindex(every, fill_value=fill_value)


LABEL_SUBJECT_CHARACTERS = 32


def message_label(sent_at: Any, subject: Any, campaign: Any, recipients: Any) -> str:
    """A message as a reader knows it, for a chart: when it was sent, its
    subject (else its campaign) and its first recipient, e.g.
    `Mar 04 07:22  Your order has shipped → ann@example.com (+1)`."""
    when = "not sent" if pandas.isna(sent_at) else f"{pandas.Timestamp(sent_at):%b %d %H:%M}"
    title = next((str(text) for text in (subject, campaign) if isinstance(text, str) and text), "(no subject)")
    if len(title) > LABEL_SUBJECT_CHARACTERS:
        title = title[: LABEL_SUBJECT_CHARACTERS - 1] + "…"
    addresses = [] if recipients is None or pandas.api.types.is_scalar(recipients) else list(recipients)
    if not addresses:
        return f"{when}  {title}"
    others = f" (+{len(addresses) - 1})" if len(addresses) > 1 else ""
    return f"{when}  {title} → {addresses[0]}{others}"
