"""`make clean` removes what the project made (virtualenv, build output, the
demo's sample, its database) and nothing of the user's: other files under
data/ survive. Run on a scratch folder with the project's Makefile, never on
the checkout itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
MADE_BY_THE_PROJECT = [
    ".venv/bin/python", ".venv-duckdb1/bin/python", ".venv-spark/bin/python", "target/manifest.json", "logs/dbt.log",
    "spark-warehouse/main_ses_marts.db/fct_ses_messages/part-0.parquet", "spark-warehouse/metastore_db/service.properties",
    "metastore_db/service.properties", "derby.log",
    "tests/screenshots/lineage.png", ".bench/events/a.gz", "ses_analytics.duckdb", "ses_analytics.duckdb.wal", "ses_analytics.duckdb.tmp/spill",
    "dashboard/node_modules/vega/package.json", "dashboard/build/index.html",
    "data/demo/ground_truth.json", "data/demo/ses_requests.csv", "data/demo/ses_events/2024/03/04/00/object.gz",
    "integration_tests/target/manifest.json", "integration_tests/logs/dbt.log",
    "integration_tests/dbt_packages/ses_analytics/dbt_project.yml", "integration_tests/package-lock.yml",
    "integration_tests/integration_tests.duckdb",
    ".venv/share/jupyter/kernels/ses-analytics/kernel.json", ".jupyter/runtime/jupyter_cookie_secret",
    ".jupyter/workspaces/default-37a8.jupyterlab-workspace", ".jupyter/ipython/profile_default/history.sqlite",
    "notebooks/.ipynb_checkpoints/ses_analytics-checkpoint.ipynb",
]
# The dashboard's own files stay: only what npm and the build wrote goes.
DASHBOARD_SOURCE = ["dashboard/package.json", "dashboard/package-lock.json", "dashboard/queries/totals.sql"]
USERS_OWN = ["data/ses_requests_2026.csv", "data/big/ses_events/object.gz", "data/notes.txt", "my.duckdb"]


def make_clean(folder: Path) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "-C", str(folder), "-f", str(PROJECT_DIR / "Makefile"), "clean"],
        check=True, capture_output=True, text=True,
    )


def write_files(folder: Path, relative_paths: list[str]) -> None:
    for relative_path in relative_paths:
        path = folder / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(relative_path)


def files_left(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def test_clean_keeps_the_users_files_under_data(tmp_path) -> None:
    write_files(tmp_path, MADE_BY_THE_PROJECT + USERS_OWN + DASHBOARD_SOURCE)
    make_clean(tmp_path)
    assert files_left(tmp_path) == set(USERS_OWN + DASHBOARD_SOURCE)
    assert not (tmp_path / "data" / "demo").exists()


def test_clean_removes_data_when_only_the_demo_was_there(tmp_path) -> None:
    write_files(tmp_path, MADE_BY_THE_PROJECT)
    make_clean(tmp_path)
    assert files_left(tmp_path) == set()
    assert not (tmp_path / "data").exists()
