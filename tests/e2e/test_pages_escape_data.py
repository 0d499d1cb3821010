"""Every HTML page the project makes shows data as text: the executed
notebook's HTML (nbconvert, as a reader shares it), the dashboard (`make
dashboard`) and the dbt docs site (`make docs`, served and single-file).

One hand-written scenario puts script payloads in every text field an SES
event or the send log can carry: attribute break-out, a script end tag, an
SVG with an onload, a javascript: link, template and TeX syntax and an HTML
comment opener. It is built once; each page is opened in headless Chromium,
which must open no dialog and hold no injected element, and where a page
shows a field, the field's text is on the page as it was written."""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import nbconvert
import nbformat
import pytest

from conftest import (
    BUILD_WITHOUT_TESTS, NOTEBOOK, PROJECT_DIR, DbtBuild, assert_built, execute_every_cell, kernel_json,
    notebook_client, run_dbt, write_objects,
)

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import ses_dashboard  # noqa: E402
import ses_docs_site  # noqa: E402

if TYPE_CHECKING:
    import playwright.sync_api

# Every form at once in each field, behind the field's name, so that a page
# showing the text shows whose it is.
PAYLOAD_FORMS = (
    '"><img src=x onerror=alert(1)>'
    " </script><script>alert(2)</script>"
    " <svg onload=alert(3)>"
    " {{7*7}} ${7*7}$ and $\\frac{$"
    " <!--<script>"
)
JAVASCRIPT_LINK = "javascript:alert(5)"


def payload(field: str) -> str:
    return f"{field} {PAYLOAD_FORMS}"


# The messages, each with one recipient:
#   journey: sent, delivered, opened, clicked twice (the notebook's journey);
#   opened: sent, delivered, opened, never clicked (the follow-up list), then
#     an unsubscribe; bounced: a hard bounce; complained: delivered, then a
#   complaint; delayed: a delivery delay; rejected: SES refused it;
#   unrendered: its template failed.
JOURNEY_ID = payload("journey message id")
OPENED_ID = payload("opened message id")
MESSAGE_IDS = {
    "journey": JOURNEY_ID, "opened": OPENED_ID, "bounced": "0100019a-bounced",
    "complained": "0100019a-complained", "delayed": "0100019a-delayed", "rejected": "0100019a-rejected",
    "unrendered": "0100019a-unrendered",
}
RECIPIENTS = {
    "journey": "ann@gmail.com",
    "opened": payload("recipient") + "@example.net",
    # a domain with quotes, not angle brackets: what a domain can hold
    "bounced": 'carl@"onfocus="alert(4)"autofocus=".example',
    "complained": "dana@example.org",
    "delayed": "eve@example.org",
    "rejected": "fred@example.org",
    "unrendered": "gina@example.org",
}
SENT_AT = "2026-03-01T10:00:00.000Z"
CONFIGURATION_SET = payload("configuration set")
CAMPAIGN = payload("campaign")
REGION = payload("region")
OPEN_USER_AGENT = payload("open user agent")
CLICK_USER_AGENT = payload("click user agent")
LINK = "https://shop.example.com/sale?q=" + payload("link")
SEND_LOG_COLUMN = payload("send log column")


def mail(message: str, **changes) -> dict:
    return {
        "timestamp": SENT_AT,
        "source": payload("source") + " <news@shop.example.com>",
        "sendingAccountId": "111122223333",
        "messageId": MESSAGE_IDS[message],
        "destination": [RECIPIENTS[message]],
        "headersTruncated": False,
        "commonHeaders": {
            "from": [payload("from address") + " <news@shop.example.com>"],
            "to": [RECIPIENTS[message]],
            "subject": payload("subject"),
        },
        "tags": {
            "ses:configuration-set": [CONFIGURATION_SET],
            "ses:from-domain": ["shop.example.com"],
            "campaign": [CAMPAIGN],
        },
        **changes,
    }


def at(minutes: int) -> str:
    return f"2026-03-01T10:{minutes:02d}:00.000Z"


def event(event_type: str, message: str, type_key: str, details: dict, **mail_changes) -> dict:
    return {"eventType": event_type, "mail": mail(message, **mail_changes), type_key: details}


def delivery(message: str, minutes: int) -> dict:
    return event("Delivery", message, "delivery", {
        "timestamp": at(minutes), "processingTimeMillis": 1000, "recipients": [RECIPIENTS[message]],
        "smtpResponse": payload("smtp response"), "reportingMTA": payload("reporting MTA"),
    })


def scenario_events() -> list[dict]:
    return [
        event("Send", "journey", "send", {}),
        delivery("journey", 1),
        event("Open", "journey", "open", {"timestamp": at(10), "ipAddress": "192.0.2.10", "userAgent": OPEN_USER_AGENT}),
        event("Click", "journey", "click", {
            "timestamp": at(11), "ipAddress": "192.0.2.10", "userAgent": CLICK_USER_AGENT, "link": LINK,
            "linkTags": {payload("link tag name"): [payload("link tag value")]},
        }),
        event("Click", "journey", "click", {
            "timestamp": at(12), "ipAddress": "192.0.2.10", "userAgent": "Mozilla/5.0", "link": JAVASCRIPT_LINK,
        }),
        event("Send", "opened", "send", {}),
        delivery("opened", 1),
        event("Open", "opened", "open", {"timestamp": at(20), "ipAddress": "192.0.2.11", "userAgent": "Mozilla/5.0"}),
        event("Subscription", "opened", "subscription", {
            "contactList": payload("contact list"), "timestamp": at(25), "source": "UnsubscribeHeader",
            "newTopicPreferences": {
                "unsubscribeAll": True,
                "topicSubscriptionStatus": [{"topicName": payload("topic"), "subscriptionStatus": "OptOut"}],
            },
        }),
        # the sending domain, from the source address, with quotes as a domain may
        event("Send", "bounced", "send", {}, source='news@"onfocus="alert(6)"autofocus=".example'),
        event("Bounce", "bounced", "bounce", {
            "bounceType": "Permanent", "bounceSubType": "General", "timestamp": at(2),
            "feedbackId": "0100019a-bounce-feedback", "reportingMTA": payload("bounce reporting MTA"),
            "bouncedRecipients": [{
                "emailAddress": RECIPIENTS["bounced"], "action": "failed", "status": "5.1.1",
                "diagnosticCode": payload("bounce diagnostic code"),
            }],
        }),
        event("Send", "complained", "send", {}),
        delivery("complained", 1),
        event("Complaint", "complained", "complaint", {
            "timestamp": at(30), "feedbackId": "0100019a-complaint-feedback", "complaintSubType": None,
            "userAgent": payload("complaint user agent"), "complaintFeedbackType": "abuse",
            "complainedRecipients": [{"emailAddress": RECIPIENTS["complained"]}],
        }),
        event("Send", "delayed", "send", {}),
        event("DeliveryDelay", "delayed", "deliveryDelay", {
            "timestamp": at(5), "delayType": "MailboxFull", "expirationTime": "2026-03-01T23:00:00.000Z",
            "reportingMTA": payload("delay reporting MTA"),
            "delayedRecipients": [{
                "emailAddress": RECIPIENTS["delayed"], "status": "4.2.2",
                "diagnosticCode": payload("delay diagnostic code"),
            }],
        }),
        event("Reject", "rejected", "reject", {"reason": payload("reject reason")}),
        event("Rendering Failure", "unrendered", "failure", {
            "templateName": payload("template name"), "errorMessage": payload("rendering error"),
        }),
    ]


def write_send_log(path: Path) -> Path:
    """One row per message, each in the payload region, with one column of
    the company's own whose name and value are payloads."""
    with path.open("w", newline="") as send_log:
        writer = csv.writer(send_log)
        writer.writerow(["message_id", "recipient", "request_time", "region", SEND_LOG_COLUMN])
        for message, message_id in MESSAGE_IDS.items():
            writer.writerow([message_id, RECIPIENTS[message], "2026-03-01T09:59:59Z", REGION, payload("send log value")])
    return path


@pytest.fixture(scope="module")
def payload_build(tmp_path_factory) -> DbtBuild:
    """The scenario built once: models and seeds, no tests."""
    work_dir = tmp_path_factory.mktemp("payloads")
    ndjson = "".join(json.dumps(record) + "\n" for record in scenario_events()).encode()
    events = write_objects(work_dir, {"ses-payloads-1-2026-03-01-10-05-00-payloads.gz": gzip.compress(ndjson, mtime=0)})
    send_log = write_send_log(work_dir / "ses_requests.csv")
    build = run_dbt(work_dir, *BUILD_WITHOUT_TESTS, events_path=events, requests_path=send_log)
    assert_built(build)
    return build


def test_every_payload_event_reaches_the_marts(payload_build) -> None:
    """Hand count: send 5 (all but rejected and unrendered), delivery 3
    (journey, opened, complained), open 2, click 2, one of each other class;
    nothing quarantined, nothing reported as drift."""
    assert payload_build.query(
        "select event_class, count(*) from main_ses_marts.fct_ses_events group by 1 order by 1"
    ) == [
        ("bounce", 1), ("click", 2), ("complaint", 1), ("delivery", 3), ("delivery_delay", 1), ("open", 2),
        ("reject", 1), ("rendering_failure", 1), ("send", 5), ("subscription", 1),
    ]
    assert payload_build.scalar("select count(*) from main_ses_marts.ses_rejected_records") == 0
    assert payload_build.scalar("select count(*) from main_ses_marts.ses_unknown_values") == 0
    assert payload_build.scalar("select count(*) from main_ses_marts.ses_unfit_values") == 0


# What a payload would leave in the page had it been read as HTML: its
# elements and attributes, a javascript: link, a script of its own.
INJECTED_SCRIPT = """
() => [
  ...document.querySelectorAll(
    'img[src="x"], svg[onload], [onerror], [onload], [onfocus], [autofocus], a[href^="javascript:" i]'
  ),
  ...[...document.scripts].filter((script) => /^\\s*alert\\(\\d\\)\\s*$/.test(script.text)),
].map((element) => element.outerHTML.slice(0, 200))
"""


@dataclass
class PageRun:
    """What a page did in Chromium besides drawing itself."""

    dialogs: list[str]
    injected: list[str]


@contextlib.contextmanager
def watched_page() -> Iterator[tuple["playwright.sync_api.Page", PageRun]]:
    """A Chromium page that records the dialogs it opens (and closes them),
    with the network beyond 127.0.0.1 refused (nbconvert's page asks a CDN
    for MathJax and RequireJS); on exit, once the page has had time to
    load what a payload would load, the elements payloads would have made."""
    with ses_docs_site.chromium_page() as page:
        run = PageRun([], [])
        page.on("dialog", lambda dialog: (run.dialogs.append(dialog.message), dialog.dismiss()))
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        yield page, run
        page.wait_for_timeout(500)
        run.injected = page.evaluate(INJECTED_SCRIPT)


def assert_nothing_ran(run: PageRun) -> None:
    assert run.dialogs == [], f"a payload ran: dialogs {run.dialogs}"
    assert run.injected == [], f"payloads became elements: {run.injected}"


# The notebook: the texts its tables show, each in a cell of its own (hand
# listed from its queries): message ids in the pivot and the follow-up list,
# the region in the region summary, the journey's details (the open's user
# agent, each click's link), the opened message's recipient, the campaign.
NOTEBOOK_CELL_TEXTS = {
    JOURNEY_ID, OPENED_ID, RECIPIENTS["opened"], REGION, OPEN_USER_AGENT, LINK, JAVASCRIPT_LINK, CAMPAIGN,
}
# [text, parsed as TeX] of the labels of the campaign chart (its y axis) and
# of the region chart (the x axis of its first panel)
CHART_LABELS = {
    "campaign": "[[label.get_text(), label.get_parse_math()] for label in all_axes[0].get_yticklabels()]",
    "region": "[[label.get_text(), label.get_parse_math()] for label in region_figure.axes[0].get_xticklabels()]",
}


@dataclass
class NotebookRun:
    html: Path
    chart_labels: dict[str, list]


@pytest.fixture(scope="module")
def notebook_run(payload_build, tmp_path_factory) -> NotebookRun:
    """The notebook executed on the scenario, as HTML (nbconvert's, the page a
    reader shares), and the labels its charts drew."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("SES_DUCKDB_PATH", str(payload_build.database))
        client = notebook_client(nbformat.read(NOTEBOOK, as_version=4))
        with client.setup_kernel():
            execute_every_cell(client)
            body, _ = nbconvert.HTMLExporter().from_notebook_node(client.nb)
            chart_labels = {chart: kernel_json(client, expression) for chart, expression in CHART_LABELS.items()}
    page = tmp_path_factory.mktemp("notebook_html") / "ses_analytics.html"
    page.write_text(body, encoding="utf-8")
    return NotebookRun(page, chart_labels)


def test_notebook_page_shows_each_field_as_text(notebook_run) -> None:
    with watched_page() as (page, run):
        page.goto(notebook_run.html.as_uri())
        cells = page.evaluate("() => [...document.querySelectorAll('td')].map((cell) => cell.textContent)")
        printed = page.evaluate("() => [...document.querySelectorAll('pre')].map((output) => output.textContent)")
        tables_for_mathjax = page.evaluate(
            "() => [...document.querySelectorAll('table')].map((table) => table.classList.contains('mathjax_ignore'))"
        )
    assert_nothing_ran(run)
    assert NOTEBOOK_CELL_TEXTS - set(cells) == set()
    # the journey's message id, printed above its table
    assert any(JOURNEY_ID in output for output in printed)
    # every table tells MathJax to leave it alone: $...$ in a value is not TeX
    assert len(tables_for_mathjax) >= 10 and all(tables_for_mathjax)


def test_notebook_charts_label_with_the_text_as_written(notebook_run) -> None:
    """Not TeX: `${7*7}$` stays as written, and `$\\frac{$` (no TeX at all)
    does not stop the chart from drawing."""
    assert notebook_run.chart_labels == {"campaign": [[CAMPAIGN, False]], "region": [[REGION, False]]}


# The dashboard shows the campaign and the configuration set in the
# campaigns table, the configuration set as a reputation scope in its table
# and in its charts' tooltips (the legend shortens it).
CHART_COUNT = len(json.loads((ses_dashboard.DASHBOARD_DIR / "charts.json").read_text()))
CONFIGURATION_SET_CHARTS = ("configuration_set_bounce_rate", "configuration_set_complaint_rate")


def test_dashboard_shows_each_field_as_text(payload_build, tmp_path) -> None:
    index = ses_dashboard.build(payload_build.database, tmp_path)
    with watched_page() as (page, run):
        page.goto(index.as_uri())
        page.wait_for_function(f"window.sesChartsDrawn + window.sesChartErrors.length === {CHART_COUNT}", timeout=30_000)
        chart_errors = page.evaluate("window.sesChartErrors")
        cells = page.evaluate(
            "() => [...document.querySelectorAll('td[data-column]')].map((cell) => [cell.dataset.column, cell.textContent])"
        )
        tooltips = []
        for chart in CONFIGURATION_SET_CHARTS:
            page.locator(f"#chart-{chart} g.mark-symbol path").first.hover()
            page.wait_for_selector("#vg-tooltip-element.visible")
            tooltips.append(page.evaluate(
                "() => Object.fromEntries([...document.querySelectorAll('#vg-tooltip-element tr')]"
                ".map((row) => [row.querySelector('.key').textContent, row.querySelector('.value').textContent]))"
            ))
            page.mouse.move(1, 1)
    assert_nothing_ran(run)
    assert chart_errors == []
    assert {("campaign", CAMPAIGN), ("configuration_set", CONFIGURATION_SET), ("scope", CONFIGURATION_SET)} <= {
        tuple(cell) for cell in cells
    }
    assert [tooltip["scope"] for tooltip in tooltips] == [CONFIGURATION_SET] * len(CONFIGURATION_SET_CHARTS)


# The docs site shows no data, but a model's compiled SQL: the send log's
# column names are in stg_internal__ses_requests's.
@pytest.fixture(scope="module")
def docs_target(payload_build) -> Path:
    """`make docs` on the scenario: dbt docs generate --static, then the
    script's pages. Without compiling again (half its time): the build's
    manifest holds each model's SQL as it compiled it."""
    work_dir = payload_build.database.parent
    generated = run_dbt(
        work_dir, "docs", "generate", "--static", "--no-compile", events_path=work_dir / "ses_events",
        requests_path=work_dir / "ses_requests.csv", database=payload_build.database,
    )
    assert_built(generated)
    ses_docs_site.prepare_site(work_dir / "target")
    return work_dir / "target"


@pytest.mark.parametrize("site", ["served", "single_file"])
def test_docs_site_shows_the_send_logs_column_names_as_text(docs_target, site) -> None:
    with ses_docs_site.opened_site(docs_target, single_file=site == "single_file") as address:
        with watched_page() as (page, run):
            page.goto(ses_docs_site.node_page(address, "model", "stg_internal__ses_requests"))
            page.click("a:text-is('Compiled')")
            compiled = page.locator("code.language-sql", has_text="send log column").first.text_content()
    assert_nothing_ran(run)
    # the name as a string literal (the map's key) and as a quoted identifier, its quotes doubled
    assert f"'{SEND_LOG_COLUMN}'" in compiled
    assert '"' + SEND_LOG_COLUMN.replace('"', '""') + '"' in compiled
