"""Every setting is checked at the start of a run, and no setting reaches SQL
unquoted. The check's logic (ses_settings_errors over the list ses_settings())
needs no data: every hand-written case runs in one `dbt compile --inline`,
each with the exact lines expected. Two builds then try the hostile inputs end
to end: an injection in the schema prefix, which dbt renders while it parses
and into the schemas it creates before any hook, stops the parse and leaves
the marts in place; every other hostile value stops the run at the
on-run-start check, before any model runs, with one line per error."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import PROJECT_DIR, FIXTURES_DIR, DbtBuild, run_dbt

SETTINGS_MACROS = PROJECT_DIR / "macros" / "ses" / "ses_settings.sql"

INJECTED_PREFIX = 'x"; drop schema main_ses_marts cascade; --'
THRESHOLDS_EXAMPLE = (
    "{bounce_warning: 0.02, bounce_review: 0.05, bounce_pause: 0.10, complaint_review: 0.001, complaint_pause: 0.005}"
)
SELECTED_LANDING = ["model.ses_analytics.raw_ses_records", "model.ses_analytics.fct_ses_messages"]

# The lines the hostile inputs give, written out by hand: item 5 (a setting
# runs SQL), 6 (a mistyped name reads the demo) and 7 (wrong values pass).
PREFIX_LINE = (
    'ses_schema_prefix: "x\\"; drop schema main_ses_marts cascade; --" is not a name of letters, digits and'
    " underscores, not starting with a digit; e.g. ses_schema_prefix: acme_ses_"
)
CAMPAIGN_TAG_LINE = (
    "ses_campaign_tag: \"camp'aign\" is not a tag name (letters, digits, _, - and :); e.g. ses_campaign_tag: campaign"
)
MISTYPED_NAME_LINE = "ses_event_path (--vars): no such setting of ses_analytics; did you mean ses_events_path?"
NO_EVENTS_PATH_LINE = "ses_events_path: not set, and raw_ses_records reads it; e.g. ses_events_path: /data/ses/**"
WINDOW_SENDS_LINE = (
    "ses_reputation_window_sends: -1 is not a whole number of at least 1; e.g. ses_reputation_window_sends: 10000"
)
WINDOW_DAYS_LINE = "ses_reputation_window_days: 0 is not a whole number of at least 1; e.g. ses_reputation_window_days: 14"
TRACKED_SETS_LINE = (
    'ses_tracked_configuration_sets: ["marketing"] is not a mapping with the keys opens, clicks;'
    " e.g. ses_tracked_configuration_sets: {opens: [marketing], clicks: [marketing]}"
)
LINK_PARAMETERS_LINE = (
    'ses_link_tracking_parameters: "utm_source" is not a list; e.g. ses_link_tracking_parameters: [utm_*, gclid]'
)
FAIL_ON_UNREADABLE_LINE = (
    'ses_fail_on_unreadable_objects: "false" is not true or false (unquoted);'
    " e.g. ses_fail_on_unreadable_objects: true"
)
THRESHOLD_PERCENT_LINE = (
    'ses_reputation_thresholds.bounce_warning: "2%" is not a number between 0 and 1;'
    f" e.g. ses_reputation_thresholds: {THRESHOLDS_EXAMPLE}"
)
THRESHOLD_MISSING_LINE = f"ses_reputation_thresholds.bounce_pause: not set; e.g. ses_reputation_thresholds: {THRESHOLDS_EXAMPLE}"
SECONDS_LINE = 'ses_machine_open_seconds: "two" is not a number greater than 0; e.g. ses_machine_open_seconds: 2'
PII_MODE_LINE = 'ses_pii_mode: "scrambled" is not one of raw, hashed, redacted; e.g. ses_pii_mode: hashed'
REQUESTS_COLUMNS_LINE = (
    "ses_requests_columns.campaign: no such key (the keys are message_id, recipient, request_time, region);"
    " e.g. ses_requests_columns: {message_id: MessageId, request_time: sent_at}"
)

# id -> (values, given names [name, where], selected unique ids, expected lines)
CASES: dict[str, tuple[dict, list, list, list[str]]] = {
    # item 5
    "prefix_injection": ({"ses_schema_prefix": INJECTED_PREFIX}, [], [], [PREFIX_LINE]),
    "campaign_tag_quote": ({"ses_campaign_tag": "camp'aign"}, [], [], [CAMPAIGN_TAG_LINE]),
    # item 6: the mistyped name, and the path it left unset, for a run that reads the objects
    "mistyped_name": (
        {"ses_events_path": ""}, [["ses_event_path", "--vars"]], SELECTED_LANDING,
        [NO_EVENTS_PATH_LINE, MISTYPED_NAME_LINE],
    ),
    # item 7
    "window_sends_negative": ({"ses_reputation_window_sends": -1}, [], [], [WINDOW_SENDS_LINE]),
    "window_days_zero": ({"ses_reputation_window_days": 0}, [], [], [WINDOW_DAYS_LINE]),
    "tracked_sets_a_list": ({"ses_tracked_configuration_sets": ["marketing"]}, [], [], [TRACKED_SETS_LINE]),
    "link_parameters_a_string": ({"ses_link_tracking_parameters": "utm_source"}, [], [], [LINK_PARAMETERS_LINE]),
    "fail_on_unreadable_a_string": ({"ses_fail_on_unreadable_objects": "false"}, [], [], [FAIL_ON_UNREADABLE_LINE]),
    "threshold_in_percent": (
        {"ses_reputation_thresholds": {"bounce_warning": "2%", "bounce_review": 0.05, "bounce_pause": 0.1,
                                       "complaint_review": 0.001, "complaint_pause": 0.005}},
        [], [], [THRESHOLD_PERCENT_LINE],
    ),
    "threshold_missing": (
        {"ses_reputation_thresholds": {"bounce_warning": 0.02, "bounce_review": 0.05,
                                       "complaint_review": 0.001, "complaint_pause": 0.005}},
        [], [], [THRESHOLD_MISSING_LINE],
    ),
    "seconds_in_words": ({"ses_machine_open_seconds": "two"}, [], [], [SECONDS_LINE]),
    # further kinds of bad input the check handles
    "pii_mode_unknown": ({"ses_pii_mode": "scrambled"}, [], [], [PII_MODE_LINE]),
    "requests_columns_unknown_key": ({"ses_requests_columns": {"campaign": "Campaign"}}, [], [], [REQUESTS_COLUMNS_LINE]),
    "requests_column_with_a_quote": (
        {"ses_requests_columns": {"message_id": 'Message"Id'}}, [], [],
        ['ses_requests_columns.message_id: "Message\\"Id" is not a column name of letters, digits, _, - and spaces,'
         " starting with a letter or _; e.g. ses_requests_columns: {message_id: MessageId, request_time: sent_at}"],
    ),
    "requests_path_not_text": (
        {"ses_requests_path": 5}, [], [],
        ["ses_requests_path: 5 is not text; e.g. ses_requests_path: /data/requests.csv"],
    ),
    "thresholds_out_of_order": (
        {"ses_reputation_thresholds": {"bounce_warning": 0.05, "bounce_review": 0.05, "bounce_pause": 0.1,
                                       "complaint_review": 0.005, "complaint_pause": 0.001}},
        [], [],
        ["ses_reputation_thresholds: bounce_review (0.05) is not above bounce_warning (0.05); they rise in this order:"
         f" bounce_warning, bounce_review, bounce_pause; e.g. ses_reputation_thresholds: {THRESHOLDS_EXAMPLE}",
         "ses_reputation_thresholds: complaint_pause (0.001) is not above complaint_review (0.005); they rise in this"
         f" order: complaint_review, complaint_pause; e.g. ses_reputation_thresholds: {THRESHOLDS_EXAMPLE}"],
    ),
    "threshold_unknown_key_and_whole_percent": (
        {"ses_reputation_thresholds": {"bounce_warning": 2, "bounce_review": 0.05, "bounce_pause": 0.1,
                                       "complaint_review": 0.001, "complaint_pause": 0.005, "bounce_warn": 0.02}},
        [], [],
        ["ses_reputation_thresholds.bounce_warn: no such key (the keys are bounce_warning, bounce_review, bounce_pause,"
         f" complaint_review, complaint_pause); e.g. ses_reputation_thresholds: {THRESHOLDS_EXAMPLE}",
         "ses_reputation_thresholds.bounce_warning: 2 is not a number between 0 and 1;"
         f" e.g. ses_reputation_thresholds: {THRESHOLDS_EXAMPLE}"],
    ),
    "count_given_as_true": (
        {"ses_suppression_transient_bounces": True}, [], [],
        ["ses_suppression_transient_bounces: true is not a whole number of at least 1;"
         " e.g. ses_suppression_transient_bounces: 3"],
    ),
    "burst_of_one_link": (
        {"ses_bot_click_burst_links": 1}, [], [],
        ["ses_bot_click_burst_links: 1 is not a whole number of at least 2; e.g. ses_bot_click_burst_links: 3"],
    ),
    "link_parameter_with_a_quote": (
        {"ses_link_tracking_parameters": ["utm_*", "x'y"]}, [], [],
        ["ses_link_tracking_parameters[1]: \"x'y\" is not a query parameter name (letters, digits, _ . ~ and -),"
         " a trailing * for any suffix; e.g. ses_link_tracking_parameters: [utm_*, gclid]"],
    ),
    "tracked_set_with_a_space": (
        {"ses_tracked_configuration_sets": {"opens": ["market ing"], "clicks": None}}, [], [],
        ['ses_tracked_configuration_sets.opens[0]: "market ing" is not a configuration set name (letters, digits, _'
         " and -); e.g. ses_tracked_configuration_sets: {opens: [marketing], clicks: [marketing]}"],
    ),
    "known_values_model_with_a_quote": (
        {"ses_known_values": {"stg_ses__bounces'": {"bounce_type": ["Permanent"]}}}, [], [],
        ["ses_known_values: the key \"stg_ses__bounces'\" is not a name of letters, digits and"
         " underscores, not starting with a digit; e.g. ses_known_values: {stg_ses__bounces: {bounce_type:"
         " [Undetermined, Permanent, Transient]}}"],
    ),
    "event_type_without_plural": (
        {"ses_event_types": [{"event_type": "Send", "event_class": "send", "recipient_grain": "message",
                              "past_tense": "sent", "details_key": "send", "has_timestamp": False,
                              "staging_model": "stg_ses__sends"}]},
        [], [],
        ["ses_event_types[0].plural: not set; e.g. ses_event_types: [{event_type: Send, event_class: send,"
         " recipient_grain: message, plural: sends, past_tense: sent, details_key: send, has_timestamp: false,"
         " staging_model: stg_ses__sends}]"],
    ),
    "null_where_a_value_is_needed": (
        {"ses_campaign_tag": None}, [], [],
        ["ses_campaign_tag: null is not a tag name (letters, digits, _, - and :); e.g. ses_campaign_tag: campaign"],
    ),
    "unknown_names_scoped_and_far_from_any": (
        {}, [["ses_bot_click_second", "dbt_project.yml vars: ses_analytics"], ["events_path", "dbt_project.yml vars: ses_analytics"],
             ["ses_colour", "--vars"]],
        [],
        ["ses_bot_click_second (dbt_project.yml vars: ses_analytics): no such setting of ses_analytics;"
         " did you mean ses_bot_click_seconds?",
         "events_path (dbt_project.yml vars: ses_analytics): no such setting of ses_analytics;"
         " did you mean ses_events_path?",
         "ses_colour (--vars): no such setting of ses_analytics"],
    ),
    # what passes: unset events path when nothing that reads it is built, and valid values other than the defaults
    "events_path_unset_for_other_models": (
        {"ses_events_path": ""}, [], ["model.ses_analytics.fct_ses_messages", "test.ses_analytics.some_test"], [],
    ),
    "valid_values": (
        {"ses_schema_prefix": "acme_ses_", "ses_campaign_tag": "ses:configuration-set",
         "ses_tracked_configuration_sets": {"opens": ["marketing", "news-letter_2"], "clicks": None},
         "ses_reputation_thresholds": {"bounce_warning": 0.01, "bounce_review": 0.04, "bounce_pause": 0.09,
                                       "complaint_review": 0.002, "complaint_pause": 0.004},
         "ses_machine_open_seconds": 1.5, "ses_deliverability_minimum_sends": 0, "ses_requests_columns": {},
         "ses_link_tracking_parameters": [], "ses_pii_mode": "redacted", "ses_events_path": "s3://bucket/ses/"},
        [["ses_pii_mode", "--vars"]], SELECTED_LANDING, [],
    ),
}

# A host's dbt_project.yml: its own vars, one global ses_ var, a scoped block.
HOST_PROJECT_TEXT = """
name: host
vars:
  host_own_var: 1
  ses_requests_path: /data/requests.csv
  other_package:
    ses_whatever: 2
  ses_analytics:
    ses_events_path: /data/ses/**
    ses_campain_tag: campaign
"""
# The names it gives the check, read off it by hand.
HOST_GIVEN_NAMES = [
    ["ses_requests_path", "dbt_project.yml vars"],
    ["ses_events_path", "dbt_project.yml vars: ses_analytics"],
    ["ses_campain_tag", "dbt_project.yml vars: ses_analytics"],
]

# Rendered twice: while dbt parses it (execute false: no query may run) and compiles it.
INLINE_CHECKS = """
{%- if execute -%}
{%- set results = {'cases': {}} -%}
{%- for case in var('settings_cases') -%}
    {%- do results.cases.update({case.id: ses_settings_errors(case['values'], case.given, case.selected)}) -%}
{%- endfor -%}
{%- set settings = ses_settings() -%}
{%- set example_errors = [] -%}
{%- set default_values = {} -%}
{%- for spec in settings.settings -%}
    {%- do example_errors.extend(ses_setting_errors(spec, fromyaml(spec.example), settings.patterns)) -%}
    {%- do default_values.update({spec.name: var(spec.name)}) -%}
{%- endfor -%}
{%- do results.update({
    'example_errors': example_errors,
    'default_errors': ses_settings_errors(default_values),
    'host_names': ses_project_file_setting_names(var('host_project_text')),
    'given_names': ses_given_setting_names(),
}) -%}
{{ tojson(results) }}
{%- endif -%}
"""


def settings_list() -> dict:
    """ses_settings()'s list as Python reads it, from the macro file as written."""
    literal = re.search(r"\{%- set settings = (.*?) -%\}", SETTINGS_MACROS.read_text(), re.S).group(1)
    return ast.literal_eval(literal)


def project_var_names() -> list[str]:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return list(project["vars"]["ses_analytics"])


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict:
    """Every case through ses_settings_errors, in one dbt invocation that
    builds nothing (`dbt compile --inline`): with one mistyped setting on the
    command line, for ses_given_setting_names."""
    work_dir = tmp_path_factory.mktemp("settings_checks")
    cases = [
        {"id": case_id, "values": values, "given": given, "selected": selected}
        for case_id, (values, given, selected, _) in CASES.items()
    ]
    compiled = run_dbt(
        work_dir, "compile", "--quiet", "--inline", INLINE_CHECKS, events_path=None,
        extra_vars={"settings_cases": cases, "host_project_text": HOST_PROJECT_TEXT, "ses_bot_click_second": 5},
    )
    assert compiled.returncode == 0, compiled.output[-3000:]
    return json.loads(compiled.output.strip().splitlines()[-1])


@pytest.mark.parametrize("case_id", list(CASES))
def test_each_case_gives_its_lines(checked, case_id: str) -> None:
    assert checked["cases"][case_id] == CASES[case_id][3]


def test_every_example_and_every_default_is_valid(checked) -> None:
    """The examples the error lines show pass the check, and so do the
    defaults in dbt_project.yml (ses_events_path's empty one too: no run
    here builds raw_ses_records)."""
    assert checked["example_errors"] == []
    assert checked["default_errors"] == []


def test_the_given_names_are_read_from_the_command_line_and_the_project_file(checked) -> None:
    """The mistyped var on the command line, then every var of this project's
    own dbt_project.yml, read through the engine: exactly the settings of the list."""
    assert checked["given_names"] == [["ses_bot_click_second", "--vars"]] + [
        [name, "dbt_project.yml vars: ses_analytics"] for name in project_var_names()
    ]
    assert checked["host_names"] == HOST_GIVEN_NAMES


def test_the_list_reads_in_python_and_names_every_var_of_the_project_once() -> None:
    names = [setting["name"] for setting in settings_list()["settings"]]
    assert names == project_var_names()
    assert len(set(names)) == len(names)


def error_lines(output: str, header: str) -> list[str]:
    """The lines of one compilation error: those indented below its header, up to the blank one."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.strip() == header) + 1
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line.strip())
    return block


def tables(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()


def test_an_injection_in_the_schema_prefix_stops_the_parse_and_drops_nothing(tmp_path: Path) -> None:
    """The prefix names the schemas dbt creates before any hook runs: it is
    checked while dbt parses (each model's ses_schema), so the run stops there
    and the marts of an earlier build stay. The earlier build is made by hand:
    one table in main_ses_marts."""
    database = tmp_path / "ses.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema main_ses_marts")
        connection.execute("create table main_ses_marts.fct_ses_messages as select 'm-1' as message_id")
    build = run_dbt(
        tmp_path, "build", events_path=FIXTURES_DIR / "ses_events", database=database,
        extra_vars={"ses_schema_prefix": INJECTED_PREFIX},
    )
    assert build.returncode == 2
    # raised by the first model dbt parses
    assert "Compilation Error in model " in build.output
    assert [line.strip() for line in build.output.splitlines()].count(PREFIX_LINE) == 1
    assert "Concurrency:" not in build.output
    assert tables(database) == [("main_ses_marts", "fct_ses_messages")]
    assert DbtBuild(database, 0, "").query("select * from main_ses_marts.fct_ses_messages") == [("m-1",)]


def test_every_other_hostile_value_stops_the_run_before_any_model(tmp_path: Path) -> None:
    """Items 5 (the campaign tag), 6 (a mistyped events path) and 7 (wrong
    values), with the send log's two former checks, in one `dbt build`: the
    on-run-start check names each, one line per error, and nothing is built."""
    build = run_dbt(
        tmp_path, "build", events_path=None, requests_path=FIXTURES_DIR / "ses_requests.csv",
        extra_vars={
            "ses_event_path": str(FIXTURES_DIR / "ses_events"),
            "ses_campaign_tag": "camp'aign",
            "ses_reputation_window_sends": -1,
            "ses_reputation_window_days": 0,
            "ses_tracked_configuration_sets": ["marketing"],
            "ses_link_tracking_parameters": "utm_source",
            "ses_fail_on_unreadable_objects": "false",
            "ses_reputation_thresholds": {"bounce_warning": "2%", "bounce_review": 0.05,
                                          "complaint_review": 0.001, "complaint_pause": 0.005},
            "ses_machine_open_seconds": "two",
            "ses_pii_mode": "scrambled",
            "ses_requests_columns": {"campaign": "Campaign"},
        },
    )
    assert build.returncode == 2
    # in the order of the list (dbt_project.yml's), the unknown names last;
    # while dbt parses, the unknown ses_pii_mode stands for its example,
    # hashed, so base_ses__records is what reads ses_events_path
    assert error_lines(build.output, "Compilation Error in operation ses_analytics-on-run-start-0 (./dbt_project.yml)") == [
        NO_EVENTS_PATH_LINE.replace("raw_ses_records", "base_ses__records"),
        REQUESTS_COLUMNS_LINE,
        FAIL_ON_UNREADABLE_LINE,
        PII_MODE_LINE,
        SECONDS_LINE,
        CAMPAIGN_TAG_LINE,
        TRACKED_SETS_LINE,
        WINDOW_SENDS_LINE,
        WINDOW_DAYS_LINE,
        THRESHOLD_MISSING_LINE,
        THRESHOLD_PERCENT_LINE,
        LINK_PARAMETERS_LINE,
        MISTYPED_NAME_LINE,
    ]
    assert " START " not in build.output
    assert tables(build.database) == []
