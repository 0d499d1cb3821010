"""Build the deliverability dashboard, one HTML page, from the project's
DuckDB file, and serve it on 127.0.0.1.

The page is defined in dashboard/: one SQL query per file in queries/ (run
read-only on the marts), Vega-Lite chart specs in charts.json naming the
queries they draw, the page's HTML in page.html. The chart library (Vega,
Vega-Lite, vega-embed, pinned in dashboard/package-lock.json) is inlined, so
the page works with no network. Figures and tables are written into the HTML
as text; charts are drawn in the browser.

    .venv/bin/python scripts/ses_dashboard.py --port 8081      # what `make dashboard` runs
    .venv/bin/python scripts/ses_dashboard.py --build-only     # dashboard/build/index.html only
    .venv/bin/python scripts/ses_dashboard.py --screenshot docs/images/dashboard.png   # `make images`
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Callable

import duckdb

from print_build_summary import database_path
from ses_docs_site import chromium_page, script_safe_json, serve, serve_until_interrupted, site_address

PROJECT_DIR = Path(__file__).resolve().parents[1]
DASHBOARD_DIR = PROJECT_DIR / "dashboard"
QUERIES_DIR = DASHBOARD_DIR / "queries"
BUILD_DIR = DASHBOARD_DIR / "build"
CHART_LIBRARIES = {
    "vega_js": "vega/build/vega.min.js",
    "vega_lite_js": "vega-lite/build/vega-lite.min.js",
    "vega_embed_js": "vega-embed/build/vega-embed.min.js",
}

Row = dict[str, object]


def reputation_thresholds(results: dict[str, list[Row]]) -> dict[str, float]:
    """AWS's thresholds the build judged by (bounce_warning, bounce_review, ...
    complaint_pause), from the columns ses_reputation_daily carries."""
    if len(results["reputation_thresholds"]) != 1:
        raise ValueError(
            "ses_reputation_daily holds no send (or builds with different thresholds): nothing to draw"
        )
    return results["reputation_thresholds"][0]


def threshold_rows(thresholds: dict[str, float]) -> list[Row]:
    """One row per threshold, for the charts' rules: measure, level, value, label."""
    rows = []
    for name, value in thresholds.items():
        measure, level = name.split("_", 1)
        rows.append({"measure": measure, "level": level, "value": value, "label": f"{level} {value:.1%}"})
    return rows


def run_queries(database: Path) -> dict[str, list[Row]]:
    """Every dashboard/queries/*.sql, by file name, on a read-only connection;
    the rows of `rates` also by grouping (rates_total, rates_provider,
    rates_day), providers with sends only."""
    results = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for query_file in sorted(QUERIES_DIR.glob("*.sql")):
            cursor = connection.execute(query_file.read_text())
            columns = [column[0] for column in cursor.description]
            results[query_file.stem] = [dict(zip(columns, row)) for row in cursor.fetchall()]
    for grouping in ("total", "provider", "day"):
        results[f"rates_{grouping}"] = [row for row in results["rates"] if row["grouping_name"] == grouping]
    results["rates_provider"] = [row for row in results["rates_provider"] if row["count_sends"]]
    return results


def json_value(value: object) -> object:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


# How a figure is written on the page, by kind.
def count(value: object) -> str:
    return "–" if value is None else f"{int(value):,}"


def rate(value: object) -> str:
    return "–" if value is None else f"{value:.2%}"


def small_rate(value: object) -> str:
    return "–" if value is None else f"{value:.3%}"


def hours(value: object) -> str:
    return "–" if value is None else f"{value:,.1f}"


def text(value: object) -> str:
    return "–" if value is None else str(value)


@dataclass
class Column:
    field: str
    title: str
    format: Callable[[object], str]


def figure(name: str, label: str, value: str) -> str:
    return (
        f'<div class="figure" data-figure="{name}"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div></div>'
    )


def table(name: str, rows: list[Row], columns: list[Column]) -> str:
    head = "".join(f"<th>{html.escape(column.title)}</th>" for column in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            value = row[column.field]
            classes = "text" if column.format is text else ""
            if column.field == "reputation_status":
                classes += f" status-{value}"
            cells.append(
                f'<td class="{html.escape(classes.strip())}" data-column="{column.field}">'
                f"{html.escape(column.format(value))}</td>"
            )
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table data-table="{name}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


RATE_COLUMNS = [
    Column("delivery_rate", "Delivery", rate),
    Column("bounce_rate", "Hard bounce", rate),
    Column("complaint_rate", "Complaint", small_rate),
    Column("open_rate", "Open", rate),
    Column("human_open_rate", "Human open", rate),
    Column("click_rate", "Click", rate),
    Column("human_click_rate", "Human click", rate),
]


def chart_blocks(charts: list[dict], section: str) -> str:
    return "".join(
        f'<div class="chart{" wide" if "facet" in chart["spec"] else ""}"><h3>{html.escape(chart["title"])}</h3>'
        f'<div class="vega" id="chart-{chart["id"]}"></div></div>'
        for chart in charts if chart["section"] == section
    )


def with_datasets(spec: dict, datasets: dict[str, list[Row]]) -> dict:
    """The chart spec with the query results it names as its `datasets`."""
    names = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), dict) and "name" in node["data"]:
                names.add(node["data"]["name"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(spec)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        **spec,
        "datasets": {name: [{key: json_value(value) for key, value in row.items()} for row in datasets[name]] for name in sorted(names)},
    }


def render_page(database: Path, results: dict[str, list[Row]], thresholds: dict[str, float]) -> str:
    node_modules = DASHBOARD_DIR / "node_modules"
    missing = [path for path in CHART_LIBRARIES.values() if not (node_modules / path).exists()]
    if missing:
        raise FileNotFoundError(f"{node_modules / missing[0]} missing: run `npm ci` in {DASHBOARD_DIR}")
    [totals] = results["totals"]
    [rates] = results["rates_total"]
    account = [row for row in results["latest_reputation"] if row["scope"] == "whole account"]
    datasets = {**results, "thresholds": threshold_rows(thresholds)}
    charts = json.loads((DASHBOARD_DIR / "charts.json").read_text())
    charts = [{**chart, "spec": with_datasets(chart["spec"], datasets)} for chart in charts]
    figures = "".join([
        figure("messages_sent", "Messages sent", count(totals["count_sent_messages"])),
        figure("sends", "Sends (recipients)", count(rates["count_sends"])),
        figure("delivery_rate", "Delivery rate", rate(rates["delivery_rate"])),
        figure("bounce_rate", "Hard-bounce rate", rate(rates["bounce_rate"])),
        figure("complaint_rate", "Complaint rate", small_rate(rates["complaint_rate"])),
        figure("open_rate", "Open rate", rate(rates["open_rate"])),
        figure("click_rate", "Click rate", rate(rates["click_rate"])),
    ])
    reputation_figures = "".join([
        figure("account_status", "Account status, last day", text(account[0]["reputation_status"] if account else None)),
        figure("account_bounce_rate", "Account bounce rate, last day", rate(account[0]["bounce_rate"] if account else None)),
        figure("account_complaint_rate", "Account complaint rate, last day",
               small_rate(account[0]["complaint_rate"] if account else None)),
    ])
    page = Template((DASHBOARD_DIR / "page.html").read_text())
    return page.substitute(
        **{name: (node_modules / path).read_text() for name, path in CHART_LIBRARIES.items()},
        built_at=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        database=html.escape(str(database.relative_to(PROJECT_DIR) if database.is_relative_to(PROJECT_DIR) else database)),
        first_sent_date=text(totals["first_sent_date"]),
        last_sent_date=text(totals["last_sent_date"]),
        figures=f'<div class="figures">{figures}</div>',
        reputation_figures=f'<div class="figures">{reputation_figures}</div>',
        **{name: f"{value:.1%}" for name, value in thresholds.items()},
        reputation_charts=chart_blocks(charts, "reputation"),
        funnel_charts=chart_blocks(charts, "funnel"),
        engagement_charts=chart_blocks(charts, "engagement"),
        latest_reputation_table=table("latest_reputation", results["latest_reputation"], [
            Column("scope", "Scope", text), Column("report_date", "Day", text),
            Column("window_sends", "Sends in window", count), Column("bounce_rate", "Bounce rate", rate),
            Column("complaint_rate", "Complaint rate", small_rate), Column("reputation_status", "Status", text),
        ]),
        providers_table=table("providers", results["rates_provider"], [
            Column("mailbox_provider", "Provider", text), Column("count_sends", "Sends", count),
            Column("vdm_sends", "VDM sends", count), *RATE_COLUMNS,
        ]),
        campaigns_table=table("campaigns", results["campaigns"], [
            Column("campaign", "Campaign", text), Column("configuration_set", "Configuration set", text),
            Column("count_sends", "Sends", count), *RATE_COLUMNS,
            Column("median_hours_to_first_human_open", "Hours to first human open (median)", hours),
        ]),
        # the data inside the page's script: no </script> to end it early, no
        # <!-- to make the parser miss its end
        charts_json=script_safe_json(json.dumps(charts)),
    )


def install_chart_libraries() -> None:
    """`npm ci` from dashboard/package-lock.json when node_modules is missing."""
    if not (DASHBOARD_DIR / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=DASHBOARD_DIR, check=True)


def build(database: Path, out_dir: Path = BUILD_DIR) -> Path:
    """Write out_dir/index.html from the database; returns its path."""
    if not database.exists():
        raise FileNotFoundError(f"no database at {database}: run `make demo` or `dbt build` first")
    install_chart_libraries()
    results = run_queries(database)
    page = render_page(database, results, reputation_thresholds(results))
    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.html"
    index.write_text(page)
    return index


def screenshot(site: Path, picture: Path, height: int = 2300) -> None:
    """Serve `site`, wait in headless Chromium until every chart has drawn,
    and save the page's top `height` pixels (the figures, reputation and
    funnel) as `picture`."""
    server = serve(site)
    try:
        with chromium_page(1400, 900) as page:
            page.goto(site_address(server))
            page.wait_for_function("window.sesChartsDrawn + window.sesChartErrors.length === "
                                   f"{len(json.loads((DASHBOARD_DIR / 'charts.json').read_text()))}", timeout=60_000)
            picture.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(picture), clip={"x": 0, "y": 0, "width": 1400, "height": height}, full_page=True)
    finally:
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the deliverability dashboard from the DuckDB file and serve it on 127.0.0.1.")
    parser.add_argument("--database", type=Path, default=None, help="the DuckDB file (default: SES_DUCKDB_PATH, else ses_analytics.duckdb)")
    parser.add_argument("--out", type=Path, default=BUILD_DIR, help="where to write index.html")
    parser.add_argument("--port", type=int, default=8081, help="0 picks any free port")
    parser.add_argument("--build-only", action="store_true", help="write the page, do not serve it")
    parser.add_argument("--screenshot", type=Path, help="write the page, save a picture of it here (README), do not serve it")
    arguments = parser.parse_args()
    index = build(arguments.database or database_path(), arguments.out)
    print(f"dashboard written to {index}", flush=True)
    if arguments.screenshot:
        screenshot(arguments.out, arguments.screenshot)
        print(f"picture saved to {arguments.screenshot}")
    if arguments.build_only or arguments.screenshot:
        return 0
    return serve_until_interrupted(arguments.out, arguments.port, "dashboard", "make dashboard DASHBOARD_PORT")


if __name__ == "__main__":
    raise SystemExit(main())
