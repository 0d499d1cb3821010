"""The company's internal send log (`ses_requests`): one row per
(message_id, recipient), written shortly before SES accepted the message."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .model import Message
from .timestamps import iso_utc

COLUMNS = ("message_id", "recipient", "request_time", "region", "campaign")


def request_rows(messages: list[Message]) -> Iterator[tuple[str, str, str, str, str]]:
    for message in messages:
        if message.requested:
            request_time = iso_utc(message.request_ms)
            for recipient in message.recipients:
                yield message.message_id, recipient, request_time, message.region, message.campaign


def write_send_log(messages: list[Message], out_dir: Path, file_format: str) -> Path:
    """Write `ses_requests.csv`, or `ses_requests.parquet` (converted by DuckDB)."""
    csv_path = out_dir / "ses_requests.csv"
    if file_format == "csv":
        _write_csv(messages, csv_path)
        return csv_path
    staging = out_dir / ".ses_requests.staging.csv"
    parquet_path = out_dir / "ses_requests.parquet"
    _write_csv(messages, staging)
    try:
        _csv_to_parquet(staging, parquet_path)
    finally:
        staging.unlink()
    return parquet_path


def _write_csv(messages: list[Message], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(request_rows(messages))


def _csv_to_parquet(csv_path: Path, parquet_path: Path) -> None:
    """request_time becomes a TIMESTAMP WITH TIME ZONE (an instant, UTC-adjusted in Parquet)."""
    connection = duckdb.connect(config={"threads": 1})
    try:
        columns = ", ".join(f"'{column}': 'VARCHAR'" for column in COLUMNS)
        connection.execute(
            f"""
            copy (
                select
                    message_id,
                    recipient,
                    cast(request_time as timestamptz) as request_time,
                    region,
                    campaign,
                from read_csv(?, header = true, columns = {{{columns}}})
            ) to '{_sql_path(parquet_path)}' (format parquet)
            """,
            [str(csv_path)],
        )
    finally:
        connection.close()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
