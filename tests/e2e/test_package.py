"""ses_analytics installed as a dbt package: integration_tests/ is a project
that installs it with `local: ../` and has one model of its own over a
package mart. On a scratch copy of the checkout, `dbt deps && dbt build` in
that project builds the package on the hand-written fixtures: in the host's
database, in schemas named `<target schema>_ses_<layer>` (or with the
prefix the host sets in the ses_schema_prefix var), with the host's vars (one global, one scoped to
the package) reaching the package's models, and without exporting anything:
the Parquet export is an operation the host runs when it chooses, never a
hook it inherits: the one hook the package brings is its settings check."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import BUILD_WITHOUT_TESTS, DBT, DbtBuild, assert_built, copy_project, environment_without_settings

HOST_MODEL = "host_ses_messages_with_events"
PACKAGE_MARTS = ["fct_ses_messages", "fct_ses_events", "ses_rejected_records", "ses_deliverability_daily"]


@dataclass
class HostProject:
    """A scratch copy of integration_tests/ (inside a copy of the checkout,
    so that `local: ../` installs that copy)."""

    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "integration_tests.duckdb"

    def dbt(self, *arguments: str) -> DbtBuild:
        """dbt run in the host's folder, as its README says: the profile is
        found there, no SES_ or DBT_ setting from this environment."""
        completed = subprocess.run(
            [str(DBT), *arguments], cwd=self.folder, env=environment_without_settings(),
            capture_output=True, text=True, check=False,
        )
        return DbtBuild(self.database, completed.returncode, completed.stdout + completed.stderr)

    def name_package_schemas(self, prefix: str) -> None:
        """The README's line that names the package's schemas `<prefix><layer>`:
        the ses_schema_prefix var, scoped to the package in the host's
        dbt_project.yml."""
        project_file = self.folder / "dbt_project.yml"
        project = yaml.safe_load(project_file.read_text())
        project["vars"]["ses_analytics"]["ses_schema_prefix"] = prefix
        project_file.write_text(yaml.safe_dump(project, sort_keys=False))


def host_project(work_dir: Path) -> HostProject:
    host = HostProject(copy_project(work_dir / "checkout") / "integration_tests")
    assert_built(host.dbt("deps"))
    return host


def schemas_and_tables(database: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("select table_schema, table_name from information_schema.tables").fetchall()
    tables: dict[str, set[str]] = {}
    for schema, table in rows:
        tables.setdefault(schema, set()).add(table)
    return tables


@pytest.fixture(scope="module")
def host_build(tmp_path_factory) -> tuple[HostProject, DbtBuild, Path]:
    """`dbt deps && dbt build` in the host, with ses_export_path set to an
    existing folder: a build that exported would write there."""
    work_dir = tmp_path_factory.mktemp("package")
    host = host_project(work_dir)
    export_dir = work_dir / "export"
    export_dir.mkdir()
    build = host.dbt("build", "--vars", json.dumps({"ses_export_path": str(export_dir)}))
    assert_built(build)
    return host, build, export_dir


def test_host_builds_the_package_in_prefixed_schemas(host_build) -> None:
    _, build, _ = host_build
    tables = schemas_and_tables(build.database)
    assert set(tables) == {"main", "main_ses_landing", "main_ses_staging", "main_ses_marts"}
    assert tables["main"] == {HOST_MODEL}
    assert "raw_ses_records" in tables["main_ses_landing"]
    assert set(PACKAGE_MARTS) <= tables["main_ses_marts"]
    assert "ses_mailbox_providers" in tables["main_ses_staging"]


def test_host_model_counts_the_fixture_messages(host_build, fixture_expected) -> None:
    _, build, _ = host_build
    assert build.scalar(f"select count(*) from main.{HOST_MODEL}") == fixture_expected["messages"]


def test_host_vars_reach_the_package(host_build, fixture_expected) -> None:
    """ses_events_path is scoped to the package in the host's
    dbt_project.yml, ses_requests_path global; the package's own defaults
    (data/demo/...) do not exist in the host, so each count below says the
    host's value was read."""
    _, build, _ = host_build
    assert build.scalar("select count(*) from main_ses_landing.raw_ses_records") == fixture_expected["raw_records"]
    assert build.scalar("select count(*) from main_ses_marts.fct_ses_events") == fixture_expected["distinct_events"]
    with duckdb.connect() as connection:
        requested = connection.execute(
            "select count(distinct message_id) from read_csv(?)",
            [str(Path(__file__).parents[1] / "fixtures" / "ses_requests.csv")],
        ).fetchall()[0][0]
    assert build.scalar("select count(*) from main_ses_marts.fct_ses_messages where was_requested") == requested


def test_the_only_package_hook_in_the_host_is_the_settings_check(host_build) -> None:
    """The package's on-run-start check ran in the host's build (and passed:
    the host's vars are the package's settings), and nothing was exported."""
    host, _, export_dir = host_build
    run_results = json.loads((host.folder / "target" / "run_results.json").read_text())
    hooks = [
        (result["unique_id"], result["status"]) for result in run_results["results"]
        if result["unique_id"].startswith("operation.")
    ]
    assert hooks == [("operation.ses_analytics.ses_analytics-on-run-start-0", "success")]
    assert list(export_dir.iterdir()) == []


def test_host_runs_the_export_operation(host_build, fixture_expected) -> None:
    """`dbt run-operation ses_export_marts` from the host, after its build,
    with the destination as the operation's argument."""
    host, build, export_dir = host_build
    operation = host.dbt("run-operation", "ses_export_marts", "--args", json.dumps({"export_path": str(export_dir)}))
    assert_built(operation)
    with duckdb.connect() as connection:
        exported_messages = connection.execute(
            f"select count(*) from read_parquet('{export_dir}/fct_ses_messages/*/*.parquet', hive_partitioning = true)"
        ).fetchall()[0][0]
        exported_events = connection.execute(
            f"select count(*) from read_parquet('{export_dir}/fct_ses_events/*/*.parquet', hive_partitioning = true)"
        ).fetchall()[0][0]
    assert exported_messages == build.scalar("select count(*) from main_ses_marts.fct_ses_messages")
    assert exported_events == fixture_expected["distinct_events"]


def test_host_names_the_package_schemas(tmp_path, fixture_expected) -> None:
    """A host names the package's schemas with the ses_schema_prefix var, as
    the README shows; the host's own model stays in its schema."""
    host = host_project(tmp_path)
    host.name_package_schemas("acme_ses_")
    build = host.dbt(*BUILD_WITHOUT_TESTS)
    assert_built(build)
    tables = schemas_and_tables(build.database)
    assert set(tables) == {"main", "main_acme_ses_landing", "main_acme_ses_staging", "main_acme_ses_marts"}
    assert "ses_mailbox_providers" in tables["main_acme_ses_staging"]
    assert build.scalar(f"select count(*) from main.{HOST_MODEL}") == fixture_expected["messages"]
