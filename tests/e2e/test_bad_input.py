"""Input that cannot be read at all stops the build at the landing model with
an error naming the object, before anything downstream is touched. (Records
that can be read but are not events are quarantined instead: see the fixture
tests and ses_rejected_records.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES_DIR, run_dbt

GOOD_RECORD = b'{"eventType":"Send","mail":{"timestamp":"2026-03-01T10:00:00.000Z","messageId":"m-1"},"send":{}}\n'


def build_failure_output(tmp_path: Path, events_path: Path) -> str:
    build = run_dbt(tmp_path, "build", events_path=events_path, requests_path=FIXTURES_DIR / "ses_requests.csv")
    assert build.returncode != 0
    assert "ERROR creating sql incremental model landing.raw_ses_records" in build.output
    assert "ERROR=1 " in build.output
    assert "SKIP" in build.output  # downstream models are skipped, not half-built
    return build.output


@pytest.mark.parametrize(
    ("file_name", "content", "expected_message"),
    [
        ("ses-1-2026-03-01-10-00-00-0001.gz", b"this is not gzip\n", "Input is not a GZIP stream"),
        ("ses-1-2026-03-01-10-00-00-0002", GOOD_RECORD.replace(b"m-1", b"m-\xff\xfe"), "not utf-8 encoded"),
    ],
    ids=["corrupt_gzip", "not_utf8"],
)
def test_unreadable_object_names_the_file(tmp_path: Path, file_name: str, content: bytes, expected_message: str) -> None:
    events = tmp_path / "ses_events"
    (events / "2026/03/01/10").mkdir(parents=True)
    (events / "2026/03/01/10" / "ses-1-2026-03-01-09-00-00-good").write_bytes(GOOD_RECORD)
    bad_file = events / "2026/03/01/10" / file_name
    bad_file.write_bytes(content)
    output = build_failure_output(tmp_path, events)
    assert expected_message in output
    assert str(bad_file) in output


def test_missing_location_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_folder"
    output = build_failure_output(tmp_path, missing)
    assert f'No files found that match the pattern "{missing}"' in output
