"""dbt run from another folder (`cd /tmp && dbt build --project-dir ...
--profiles-dir ...`) reads and writes what it would from the project folder:
relative vars, the database path and the s3 target's plugin folder are all
taken from the project folder, not from where dbt runs."""

from __future__ import annotations

import subprocess

from conftest import DBT, PROJECT_DIR, DemoCopyBuild, assert_built, environment_without_settings


def test_make_demos_relative_paths_build_the_project_folders_demo(demo_copy_built_elsewhere: DemoCopyBuild) -> None:
    demo = demo_copy_built_elsewhere
    assert_built(demo.build)
    truth = demo.ground_truth
    assert demo.build.scalar("select count(*) from main_ses_landing.raw_ses_records") == truth["raw_records"]
    assert demo.build.scalar("select count(*) from main_ses_marts.fct_ses_events") == truth["distinct_events"]
    assert demo.build.scalar("select count(*) from main_ses_staging.int_ses__requests") == truth["request_rows"]


def test_objects_are_named_by_their_path_in_the_project_folder(demo_copy_built_elsewhere: DemoCopyBuild) -> None:
    demo = demo_copy_built_elsewhere
    events_folder = f"{demo.project_dir}/data/demo/ses_events/"
    names = demo.build.query("select distinct file_name from main_ses_landing.raw_ses_records")
    assert len(names) == demo.ground_truth["files"]
    assert [name for (name,) in names if not name.startswith(events_folder)] == []


def test_nothing_is_written_where_dbt_runs(demo_copy_built_elsewhere: DemoCopyBuild) -> None:
    demo = demo_copy_built_elsewhere
    assert list(demo.run_dir.iterdir()) == []
    assert (demo.project_dir / "ses_analytics.duckdb").is_file()
    assert (demo.project_dir / "target" / "run_results.json").is_file()


def test_s3_target_finds_its_plugin_from_another_folder(tmp_path) -> None:
    """The plugin is imported when the connection opens, which `dbt debug`
    tests; before, `module_paths: ["plugins"]` was looked up where dbt ran."""
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    completed = subprocess.run(
        [str(DBT), "debug", "--target", "s3", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--log-path", str(tmp_path / "logs")],
        cwd=run_dir, env={**environment_without_settings(), "SES_DUCKDB_PATH": str(tmp_path / "debug.duckdb")},
        capture_output=True, text=True, check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    assert "Connection test: [OK connection ok]" in output.replace("\x1b[32m", "").replace("\x1b[0m", "")
