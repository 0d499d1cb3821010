"""An analyst's process beside `dbt build`: first it holds a read-only
connection (a slow query) until told to let go, then it queries the database
through notebooks/ses_notebook.py in a loop until told to stop,
writing every answer as one JSON line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "notebooks"))
import ses_notebook  # noqa: E402

COUNT_SQL = "select count(*) from main_ses_marts.fct_ses_events"
# Five queries a second, faster than any analyst: the file is free between
# them most of the time, as it is between a notebook's cells, which is what
# dbt's connect retries count on.
PAUSE_SECONDS = 0.2


def wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--holding", type=Path, required=True, help="created once the slow query holds the file")
    parser.add_argument("--release", type=Path, required=True, help="let go of the slow query once this exists")
    parser.add_argument("--stop", type=Path, required=True, help="stop looping once this exists")
    parser.add_argument("--out", type=Path, required=True, help="JSON lines: one per answered query")
    arguments = parser.parse_args()

    with duckdb.connect(str(arguments.database), read_only=True):
        arguments.holding.touch()
        wait_for(arguments.release)

    with arguments.out.open("w") as out:
        while not arguments.stop.exists():
            started = time.time()
            events = int(ses_notebook.scalar(COUNT_SQL, database=arguments.database, wait_seconds=600))
            out.write(json.dumps({"started": started, "answered": time.time(), "events": events}) + "\n")
            out.flush()
            time.sleep(PAUSE_SECONDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
