"""The deliverability dashboard (`make dashboard`, scripts/ses_dashboard.py):
built from a database the project built on generated data, served on
127.0.0.1, drawn in headless Chromium. The figures the page shows are checked
against values computed without the page's queries: messages sent against
the generator's ground truth, the rates and a mailbox provider's row by SQL
on the message and recipient facts with VDM's documented definitions
(DECISIONLOG.md, "Deliverability as Amazon SES defines it"), not on
ses_deliverability_daily which the page reads. A screenshot is kept under
tests/screenshots/ (ignored by git)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import BUILD_WITHOUT_TESTS, PROJECT_DIR, DbtBuild, assert_built, generate, run_dbt

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import ses_docs_site  # noqa: E402

SCREENSHOTS = PROJECT_DIR / "tests" / "screenshots"
CHART_COUNT = len(json.loads((PROJECT_DIR / "dashboard" / "charts.json").read_text()))
PROVIDER = "gmail"

# VDM's messages: one recipient, not the mailbox simulator, with a Send
# event (a bounce whose Send is not in the data has no send to be a rate of).
# Each figure counts the recipients with its event.
VDM_RECIPIENTS = """
    select recipients.*
    from main_ses_marts.fct_ses_message_recipients as recipients
    inner join main_ses_marts.fct_ses_messages as messages
        on recipients.message_id = messages.message_id
    where messages.sent_at is not null
        and messages.recipient_count = 1
        and messages.mailbox_provider <> 'mailbox_simulator'
        and messages.was_sent
"""
# Deliveries over sends, hard bounces (not the account's suppression list)
# over sends, complaints (likewise) over deliveries to providers that report
# complaints (a provider the seed does not list does, by default).
VDM_RATES = f"""
    select
        count(*) filter (where was_delivered) / count(*) filter (where was_sent),
        count(*) filter (where was_bounced_permanently and not was_bounced_on_suppression_list)
            / count(*) filter (where was_sent),
        count(*) filter (where was_complained and not was_complained_on_suppression_list)
            / nullif(count(*) filter (where was_delivered and coalesce(sends_complaint_feedback, true)), 0)
    from ({VDM_RECIPIENTS}) as vdm
"""


@dataclass
class DashboardView:
    figures: dict[str, str]
    provider_rows: dict[str, dict[str, str]]
    charts_drawn: int
    chart_errors: list[str]
    page_errors: list[str]


@pytest.fixture(scope="module")
def generated_build(tmp_path_factory) -> tuple[DbtBuild, dict]:
    work_dir = tmp_path_factory.mktemp("dashboard")
    data = generate(work_dir / "data", 300, 13)
    build = run_dbt(
        work_dir, *BUILD_WITHOUT_TESTS, events_path=data / "ses_events", requests_path=data / "ses_requests.csv",
    )
    assert_built(build)
    return build, json.loads((data / "ground_truth.json").read_text())


@pytest.fixture(scope="module")
def dashboard_view(generated_build, tmp_path_factory) -> DashboardView:
    """The page as `make dashboard` builds and serves it (the script, port 0),
    read in headless Chromium once every chart has drawn."""
    build, _ = generated_build
    out_dir = tmp_path_factory.mktemp("dashboard_site")
    server = subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "scripts" / "ses_dashboard.py"), "--database", str(build.database),
         "--out", str(out_dir), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    screenshot = SCREENSHOTS / "dashboard.png"
    screenshot.unlink(missing_ok=True)
    try:
        address = None
        for line in server.stdout:
            if found := re.search(r"http://127\.0\.0\.1:\d+/", line):
                address = found.group(0)
                break
        assert address, "the dashboard script printed no address"
        with ses_docs_site.chromium_page(1400, 900) as page:
            page_errors: list[str] = []
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(address)
            page.wait_for_function(
                f"window.sesChartsDrawn + window.sesChartErrors.length === {CHART_COUNT}", timeout=60_000
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            figures = page.evaluate(
                "() => Object.fromEntries([...document.querySelectorAll('[data-figure]')]"
                ".map((element) => [element.dataset.figure, element.querySelector('.value').innerText]))"
            )
            provider_rows = page.evaluate(
                "() => Object.fromEntries([...document.querySelectorAll('[data-table=providers] tbody tr')].map((row) => {"
                " const cells = Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.dataset.column, cell.innerText]));"
                " return [cells.mailbox_provider, cells]; }))"
            )
            drawn = page.evaluate("window.sesChartsDrawn")
            chart_errors = page.evaluate("window.sesChartErrors")
            drawn_svgs = page.evaluate("document.querySelectorAll('.vega svg').length")
            assert drawn_svgs == CHART_COUNT
    finally:
        server.terminate()
        server.wait(timeout=30)
    return DashboardView(figures, provider_rows, drawn, chart_errors, page_errors)


def percent(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}%}"


def test_every_chart_draws_without_errors(dashboard_view) -> None:
    assert dashboard_view.chart_errors == []
    assert dashboard_view.page_errors == []
    assert dashboard_view.charts_drawn == CHART_COUNT
    screenshot = SCREENSHOTS / "dashboard.png"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 50_000


def test_messages_sent_is_the_generators_count_of_sends(dashboard_view, generated_build) -> None:
    _, ground_truth = generated_build
    assert dashboard_view.figures["messages_sent"] == f"{ground_truth['events_per_class']['send']:,}"


def test_rates_are_vdms_computed_from_the_facts(dashboard_view, generated_build) -> None:
    build, _ = generated_build
    delivery_rate, bounce_rate, complaint_rate = build.query(VDM_RATES)[0]
    assert dashboard_view.figures["delivery_rate"] == percent(delivery_rate)
    assert dashboard_view.figures["bounce_rate"] == percent(bounce_rate)
    assert dashboard_view.figures["complaint_rate"] == percent(complaint_rate, 3)
    sends = build.scalar(
        "select count(*) from main_ses_marts.fct_ses_message_recipients as recipients"
        " inner join main_ses_marts.fct_ses_messages as messages on recipients.message_id = messages.message_id"
        " where messages.sent_at is not null and recipients.was_sent"
    )
    assert dashboard_view.figures["sends"] == f"{sends:,}"


def test_a_providers_row_matches_the_facts(dashboard_view, generated_build) -> None:
    build, _ = generated_build
    row = dashboard_view.provider_rows[PROVIDER]
    vdm_sends, delivery_rate, bounce_rate = build.query(
        f"select count(*) filter (where was_sent), count(*) filter (where was_delivered) / count(*) filter (where was_sent),"
        f" count(*) filter (where was_bounced_permanently and not was_bounced_on_suppression_list)"
        f" / count(*) filter (where was_sent)"
        f" from ({VDM_RECIPIENTS}) as vdm where mailbox_provider = '{PROVIDER}'"
    )[0]
    assert (row["vdm_sends"], row["delivery_rate"], row["bounce_rate"]) == (
        f"{vdm_sends:,}", percent(delivery_rate), percent(bounce_rate)
    )
    # Gmail reports no complaints to senders: no complaint rate.
    assert row["complaint_rate"] == "–"


# The account's sends (every recipient with a Send, the mailbox simulator left
# out), their hard bounces and complaints (not the account's suppression
# list's) and the sends to providers that report complaints.
ACCOUNT_SENDS = """
    select
        count(*),
        max(cast(messages.sent_at as date)) - min(cast(messages.sent_at as date)),
        count(*) filter (
            where recipients.was_bounced_permanently and not recipients.was_bounced_on_suppression_list
        ) / count(*),
        count(*) filter (where recipients.was_complained and not recipients.was_complained_on_suppression_list)
            / nullif(count(*) filter (where coalesce(recipients.sends_complaint_feedback, true)), 0)
    from main_ses_marts.fct_ses_message_recipients as recipients
    inner join main_ses_marts.fct_ses_messages as messages on recipients.message_id = messages.message_id
    where recipients.was_sent and recipients.mailbox_provider <> 'mailbox_simulator'
"""


def aws_status(bounce_rate: float, complaint_rate: float | None) -> str:
    """AWS's thresholds (DECISIONLOG): may pause at 10% bounces or 0.5%
    complaints, reviews at 5% / 0.1%, advises staying under 2% bounces."""
    complaint_rate = complaint_rate or 0.0
    if bounce_rate >= 0.10 or complaint_rate >= 0.005:
        return "pause_risk"
    if bounce_rate >= 0.05 or complaint_rate >= 0.001:
        return "review_risk"
    return "warning" if bounce_rate >= 0.02 else "healthy"


def test_account_reputation_is_the_whole_datas(dashboard_view, generated_build) -> None:
    """With fewer sends than the window's 10,000 over fewer days than its 14,
    the last day's trailing window holds every send: its rates and status
    come from the facts, not from ses_reputation_daily, which the page reads."""
    build, _ = generated_build
    sends, days, bounce_rate, complaint_rate = build.query(ACCOUNT_SENDS)[0]
    assert sends < 10_000 and days < 14, (sends, days)
    assert dashboard_view.figures["account_bounce_rate"] == percent(bounce_rate)
    assert dashboard_view.figures["account_complaint_rate"] == percent(complaint_rate, 3)
    assert dashboard_view.figures["account_status"] == aws_status(bounce_rate, complaint_rate)
