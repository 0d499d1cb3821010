"""The JSON-aware split and the gzip reader of plugins/ses_objects.py, on
hand-written texts whose records are counted by hand."""

from __future__ import annotations

import gzip
import sys

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "plugins"))
from ses_objects import gunzip, split_json_text  # noqa: E402

A = '{"id":"a","subject":"x}{y"}'
B = '{"id":"b","subject":"p} {q","quote":"\\"}{\\"","slash":"\\\\"}'
C = '{"id":"c"}'


def test_objects_back_to_back_are_cut_where_each_closes() -> None:
    assert split_json_text(A + B + C) == [A, B, C]
    assert split_json_text(A + " \r\n\t" + B) == [A, B]


def test_pretty_printed_values_span_lines() -> None:
    pretty = '{\n  "id": "a",\n  "nested": {\n    "subject": "}{"\n  }\n}'
    assert split_json_text(pretty + "\r\n" + pretty + "\n") == [pretty, pretty]


def test_an_array_stands_for_its_elements() -> None:
    assert split_json_text("[\n  " + A + ",\n  " + C + "\n]\n") == [A, C]
    assert split_json_text('[1, "x,y", null, [' + C + "]]") == ["1", '"x,y"', "null", "[" + C + "]"]
    assert split_json_text("[]") == []


def test_a_broken_value_costs_its_own_lines_only() -> None:
    cut_short = '{"id":"cut","subject":"unterminated'
    assert split_json_text(A + "\n" + cut_short + "\n" + C + "\n") == [A, cut_short, C]
    # closes, but is not JSON (a raw newline inside a string)
    broken = '{"id":"x","subject":"line\nbreak"}'
    assert split_json_text(broken + "\n" + C) == [broken, C]
    assert split_json_text('{"id": NaN}') == ['{"id": NaN}']


def test_other_text_is_one_broken_record_per_line() -> None:
    assert split_json_text("not json\r\nstill not\n\n" + C) == ["not json", "still not", C]
    assert split_json_text(" \n\t\r\n") == []


def test_gunzip_reads_every_member_and_refuses_damage() -> None:
    two_members = gzip.compress(b"first\n") + gzip.compress(b"second\n")
    assert gunzip(two_members) == b"first\nsecond\n"
    assert gunzip(two_members[:-12]) is None
    assert gunzip(b"not gzip") is None
