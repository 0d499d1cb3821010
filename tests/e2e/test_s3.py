"""Reading SES objects straight from S3, against a real S3-protocol server
(moto's, on 127.0.0.1, started and stopped here): the marts equal those built
from the same files on local disk, a later run reads only the new objects,
every kind of bad location fails in one line that names it and leaves the
marts untouched, and the secret key is written nowhere."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import duckdb
import pytest
import s3fs

from conftest import (
    BUILD_WITHOUT_TESTS, MARTS, assert_built, assert_same_marts, copy_objects, free_port, generate, new_objects_read,
    objects_in_arrival_order, run_dbt,
)

BUCKET = "ses-firehose-test"
EVENTS_PREFIX = "ses-events"
REQUESTS_KEY = "internal/ses_requests.csv"
REGION = "eu-west-1"
# The error text is the one line the user reads: dbt prints it under the
# failing model's name.
FAILED_AT_LANDING = "ERROR creating sql incremental model main_ses_landing.raw_ses_records"
# Where a row was read from differs between the bucket and the local copy, and
# so does the raw record id, which hashes the object's name with the record.
LOCATION_COLUMNS = {"loaded_at", "file_name", "raw_record_id"}


@dataclass
class S3Server:
    """A moto S3 server on the loopback interface and credentials for it."""

    endpoint: str
    access_key: str
    secret_key: str

    def client(self, service: str = "s3"):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
        )

    def environment(self) -> dict[str, str]:
        """Credentials and endpoint as a user's AWS environment gives them;
        nothing of it is in the profile."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": REGION,
            # no stray shared files or profile from the machine running the tests
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_CONFIG_FILE": os.devnull,
        }


def start_moto(log_path: Path, extra_environment: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(extra_environment or {})},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            return process, endpoint
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"moto server did not start: {log_path.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def random_secret() -> str:
    return "ses-test-secret-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    process, endpoint = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    yield S3Server(endpoint, access_key="AKIASESTEST" + uuid.uuid4().hex[:9].upper(), secret_key=random_secret())
    stop(process)


def upload(server: S3Server, objects: list[Path], source: Path) -> None:
    client = server.client()
    for path in objects:
        client.upload_file(str(path), BUCKET, f"{EVENTS_PREFIX}/{path.relative_to(source).as_posix()}")


def snapshot_rows(database: Path) -> dict[str, list]:
    """Every row of the marts and the landing table, bookkeeping included."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: sorted(repr(row) for row in connection.execute(f"select * from {table}").fetchall())
            for table in MARTS + ["main_ses_landing.raw_ses_records"]
        }


@pytest.fixture(scope="module")
def s3_history(s3_server, tmp_path_factory):
    """Generated objects arrive in the bucket in two batches, with a build
    after each; the same objects are copied to local disk."""
    work_dir = tmp_path_factory.mktemp("s3")
    data_dir = generate(work_dir / "generated", messages=500, seed=23)
    source = data_dir / "ses_events"
    objects = objects_in_arrival_order(source)
    first, second = objects[: len(objects) * 2 // 3], objects[len(objects) * 2 // 3:]
    client = s3_server.client()
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.upload_file(str(data_dir / "ses_requests.csv"), BUCKET, REQUESTS_KEY)
    database = work_dir / "s3.duckdb"
    local_copy = work_dir / "local_copy"

    builds, local_builds, snapshots = [], [], []
    # the data tests run once on S3 input (they read only the database)
    for number, (batch, command) in enumerate([(first, "build"), (second, "run")], start=1):
        upload(s3_server, batch, source)
        copy_objects(batch, source, local_copy)
        builds.append(run_dbt(
            work_dir, command, target="s3", database=database, environment=s3_server.environment(),
            events_path=f"s3://{BUCKET}/{EVENTS_PREFIX}/", requests_path=f"s3://{BUCKET}/{REQUESTS_KEY}",
        ))
        assert_built(builds[-1])
        snapshots.append(work_dir / f"s3_after_batch_{number}.duckdb")
        shutil.copyfile(database, snapshots[-1])
        local_dir = work_dir / f"local_after_batch_{number}"
        local_dir.mkdir()
        local_builds.append(run_dbt(
            local_dir, *BUILD_WITHOUT_TESTS, events_path=local_copy, requests_path=data_dir / "ses_requests.csv",
        ))
        assert_built(local_builds[-1])
    return {
        "work_dir": work_dir, "data_dir": data_dir, "database": database, "batches": [first, second],
        "builds": builds, "local_builds": local_builds, "snapshots": snapshots,
    }


def test_s3_marts_equal_local_marts_after_each_batch(s3_history) -> None:
    for s3_snapshot, local_build in zip(s3_history["snapshots"], s3_history["local_builds"]):
        assert_same_marts(s3_snapshot, local_build.database, LOCATION_COLUMNS)


def test_each_s3_run_reads_only_new_objects(s3_history) -> None:
    assert [new_objects_read(build.output) for build in s3_history["builds"]] == [
        len(batch) for batch in s3_history["batches"]
    ]
    with duckdb.connect(str(s3_history["database"]), read_only=True) as connection:
        files = [name for (name,) in connection.execute("select distinct file_name from main_ses_landing.raw_ses_records").fetchall()]
    source = s3_history["data_dir"] / "ses_events"
    keys = sorted(f"s3://{BUCKET}/{EVENTS_PREFIX}/{path.relative_to(source).as_posix()}"
                  for batch in s3_history["batches"] for path in batch)
    assert sorted(files) == keys


def test_s3_marts_equal_ground_truth(s3_history) -> None:
    truth = json.loads((s3_history["data_dir"] / "ground_truth.json").read_text())
    with duckdb.connect(str(s3_history["database"]), read_only=True) as connection:
        per_class = dict(connection.execute("select event_class, count(*) from main_ses_marts.fct_ses_events group by 1").fetchall())
        requested = connection.execute("select count(*) from main_ses_marts.fct_ses_messages where was_requested").fetchall()[0][0]
    with duckdb.connect() as connection:
        requests_file = str(s3_history["data_dir"] / "ses_requests.csv")
        expected_requested = connection.execute("select count(distinct message_id) from read_csv(?)", [requests_file]).fetchall()[0][0]
    assert per_class == truth["events_per_class"]
    assert requested == expected_requested


def test_secret_key_is_written_nowhere(s3_server, s3_history) -> None:
    secret = s3_server.secret_key.encode()
    written = [path for path in s3_history["work_dir"].rglob("*") if path.is_file()]
    assert any(path.parent.name == "target" or "target" in path.parts for path in written)
    assert any(path.suffix == ".log" for path in written)
    leaks = [str(path) for path in written if secret in path.read_bytes()]
    assert leaks == []


def failed_build(work_dir: Path, database: Path, server: S3Server, events_path: str,
                 environment: dict[str, str] | None = None, target: str = "s3") -> str:
    """A build on a copy of the built database that must fail at landing and
    leave every mart and the landing table as they were."""
    work_dir.mkdir()
    copy = work_dir / "copy.duckdb"
    shutil.copyfile(database, copy)
    before = snapshot_rows(copy)
    build = run_dbt(
        work_dir, "run", target=target, database=copy,
        environment={**server.environment(), **(environment or {})},
        events_path=events_path, requests_path=f"s3://{BUCKET}/{REQUESTS_KEY}",
    )
    assert build.returncode != 0
    assert FAILED_AT_LANDING in build.output, build.output[-3000:]
    assert "SKIP" in build.output
    assert snapshot_rows(copy) == before
    return build.output


def error_line(output: str, text: str) -> str:
    """The one output line that holds `text`."""
    lines = [line for line in output.splitlines() if text in line]
    assert lines, output[-3000:]
    return lines[0]


def test_missing_bucket(s3_server, s3_history, tmp_path) -> None:
    location = "s3://no-such-ses-bucket/ses-events/"
    output = failed_build(tmp_path / "run", s3_history["database"], s3_server, location)
    line = error_line(output, f"ses_events_path {location}")
    assert "bucket no-such-ses-bucket does not exist" in line


def test_missing_prefix(s3_server, s3_history, tmp_path) -> None:
    location = f"s3://{BUCKET}/no-such-prefix/"
    output = failed_build(tmp_path / "run", s3_history["database"], s3_server, location)
    assert "no objects found (no such prefix" in error_line(output, f"ses_events_path {location}")


def test_wrong_endpoint(s3_server, s3_history, tmp_path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    location = f"s3://{BUCKET}/{EVENTS_PREFIX}/"
    output = failed_build(
        tmp_path / "run", s3_history["database"], s3_server, location,
        environment={"AWS_ENDPOINT_URL": closed, "AWS_MAX_ATTEMPTS": "1"},
    )
    line = error_line(output, f"ses_events_path {location}")
    assert "cannot reach the S3 endpoint" in line and closed in line


def test_s3_location_with_local_target(s3_server, s3_history, tmp_path) -> None:
    location = f"s3://{BUCKET}/{EVENTS_PREFIX}/"
    output = failed_build(tmp_path / "run", s3_history["database"], s3_server, location, target="duckdb")
    assert "--target s3" in error_line(output, f"ses_events_path {location}")


def test_object_that_is_not_gzip(s3_server, s3_history, tmp_path) -> None:
    """Listed fine, unreadable: quarantined whole on one row naming it, as on
    local disk, while the run goes on."""
    key = f"{EVENTS_PREFIX}/2031/01/01/00/ses-events-stream-1-2031-01-01-00-00-00-corrupt.gz"
    client = s3_server.client()
    client.put_object(Bucket=BUCKET, Key=key, Body=b"this is not gzip\n")
    work_dir = tmp_path / "run"
    work_dir.mkdir()
    copy = work_dir / "copy.duckdb"
    shutil.copyfile(s3_history["database"], copy)
    try:
        build = run_dbt(
            work_dir, "run", target="s3", database=copy, environment=s3_server.environment(),
            events_path=f"s3://{BUCKET}/{EVENTS_PREFIX}/", requests_path=f"s3://{BUCKET}/{REQUESTS_KEY}",
        )
    finally:
        client.delete_object(Bucket=BUCKET, Key=key)
    assert_built(build)
    assert "1 new object(s) to read" in build.output
    assert build.query(
        "select file_name, read_failure, record_text from main_ses_landing.raw_ses_records where read_failure is not null"
    ) == [(f"s3://{BUCKET}/{key}", "object_not_gzip", None)]
    assert build.scalar(
        "select count(*) from main_ses_marts.ses_rejected_records where rejection_reason = 'object_not_gzip'"
    ) == 1


@pytest.fixture(scope="module")
def denying_server(tmp_path_factory):
    """A second server that checks credentials (moto lets the first few
    requests through unchecked: just enough to create a user without
    permissions, its key, and a bucket with one object)."""
    setup_requests = 4
    process, endpoint = start_moto(
        tmp_path_factory.mktemp("moto_auth") / "moto.log", {"INITIAL_NO_AUTH_ACTION_COUNT": str(setup_requests)},
    )
    admin = S3Server(endpoint, access_key="AKIASESADMIN0000000", secret_key=random_secret())
    iam = admin.client("iam")
    iam.create_user(UserName="ses-reader-without-permissions")
    key = iam.create_access_key(UserName="ses-reader-without-permissions")["AccessKey"]
    s3 = admin.client()
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=BUCKET, Key=f"{EVENTS_PREFIX}/2030/01/01/00/object.gz", Body=gzip.compress(b"{}\n"))
    yield S3Server(endpoint, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    stop(process)


def test_access_denied(denying_server, s3_history, tmp_path) -> None:
    location = f"s3://{BUCKET}/{EVENTS_PREFIX}/"
    output = failed_build(tmp_path / "run", s3_history["database"], denying_server, location)
    line = error_line(output, f"ses_events_path {location}")
    assert "access denied" in line and BUCKET in line


def exported_objects(server: S3Server, export_path: str) -> list[str]:
    """Every object or file below an export destination."""
    if export_path.startswith("s3://"):
        prefix = export_path.removeprefix(f"s3://{BUCKET}/")
        listing = server.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]
    return [str(path) for path in Path(export_path).rglob("*") if path.is_file()]


def exported_rows_per_date(connection, location: str) -> dict:
    return dict(connection.execute(
        f"select send_date, count(*) from read_parquet('{location}/*/*.parquet', hive_partitioning = true) group by 1"
    ).fetchall())


@pytest.mark.parametrize("destination", ["s3", "local"])
def test_parquet_export(s3_server, s3_history, tmp_path, destination: str) -> None:
    """`dbt run-operation ses_export_marts` after a run writes each
    message-grain mart partitioned by send date; read back, the copies hold
    the generator's counts. The run itself, ses_export_path set, exports
    nothing: no hook does."""
    truth = json.loads((s3_history["data_dir"] / "ground_truth.json").read_text())
    export_path = f"s3://{BUCKET}/exports-{uuid.uuid4().hex[:8]}" if destination == "s3" else str(tmp_path / "export")
    if destination == "local":
        Path(export_path).mkdir()
    database = tmp_path / "copy.duckdb"
    shutil.copyfile(s3_history["database"], database)
    options = dict(
        target="s3", database=database, environment=s3_server.environment(),
        events_path=f"s3://{BUCKET}/{EVENTS_PREFIX}/", requests_path=f"s3://{BUCKET}/{REQUESTS_KEY}",
        extra_vars={"ses_export_path": export_path},
    )
    assert_built(run_dbt(tmp_path, "run", **options))
    assert exported_objects(s3_server, export_path) == []
    assert_built(run_dbt(tmp_path, "run-operation", "ses_export_marts", **options))
    with duckdb.connect() as connection:
        if destination == "s3":
            connection.register_filesystem(s3fs.S3FileSystem(
                endpoint_url=s3_server.endpoint, key=s3_server.access_key, secret=s3_server.secret_key,
            ))
        events = exported_rows_per_date(connection, f"{export_path}/fct_ses_events")
        messages = exported_rows_per_date(connection, f"{export_path}/fct_ses_messages")
        pivot = exported_rows_per_date(connection, f"{export_path}/ses_message_pivot")
    assert sum(events.values()) == truth["distinct_events"]
    assert sum(messages.values()) == truth["messages"] + truth["requests_without_events"]
    # the pivot has a row per message with an event; requests alone have none
    assert sum(pivot.values()) == truth["messages"]
    with duckdb.connect(str(database), read_only=True) as connection:
        expected_dates = dict(connection.execute(
            "select cast(coalesce(sent_at, request_time) as date), count(*) from main_ses_marts.fct_ses_messages group by 1"
        ).fetchall())
    assert messages == expected_dates
