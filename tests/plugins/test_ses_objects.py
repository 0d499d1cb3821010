"""The JSON-aware split, the gzip reader, the listing that follows links and
the send-log CSV checks of plugins/ses_objects.py, on hand-written texts and
trees whose records and files are counted by hand."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import duckdb

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "plugins"))
from ses_objects import csv_shape, gunzip, line_numbers, list_local_objects, split_json_text  # noqa: E402

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


HEADER = "message_id,recipient,request_time,region\n"
ROW = "m-1,alice.shape@plugin.example,2026-03-01T10:00:00Z,EU\n"
COLUMNS = ["message_id", "recipient", "request_time", "region"]


def test_csv_shape_names_encoding_delimiter_and_first_line() -> None:
    assert csv_shape((HEADER + ROW).encode(), False) == {
        "problem": None, "encoding": "utf-8", "delimiter": ",", "header": COLUMNS,
    }
    semicolons = (HEADER + ROW).replace(",", ";")
    assert csv_shape(b"\xef\xbb\xbf" + semicolons.encode(), False)["header"] == COLUMNS
    assert csv_shape(semicolons.encode(), False)["delimiter"] == ";"
    # quoted names, CRLF throughout
    quoted = '"message_id","recipient, as sent",request_time\r\n' + ROW.replace("\n", "\r\n")
    assert csv_shape(quoted.encode(), False)["header"] == ["message_id", "recipient, as sent", "request_time"]
    assert csv_shape(gzip.compress((HEADER + ROW).encode()), True)["header"] == COLUMNS


def test_utf16_little_endian_is_read_with_or_without_its_mark() -> None:
    text = (HEADER + ROW).replace("\n", "\r\n")
    for content in (text.encode("utf-16"), text.encode("utf-16-le")):
        assert csv_shape(content, False) == {"problem": None, "encoding": "utf-16", "delimiter": ",", "header": COLUMNS}


def test_what_is_no_csv_at_all_is_named_and_never_quoted() -> None:
    text = HEADER + ROW
    problems = {
        "big-endian": csv_shape(b"\xfe\xff" + text.encode("utf-16-be"), False)["problem"],
        "big-endian without mark": csv_shape(text.encode("utf-16-be"), False)["problem"],
        "gzip named .csv": csv_shape(gzip.compress(text.encode()), False)["problem"],
        "damaged gzip": csv_shape(gzip.compress(text.encode())[:-12], True)["problem"],
        "parquet": csv_shape(b"PAR1" + text.encode(), False)["problem"],
        "workbook": csv_shape(b"PK\x03\x04" + text.encode(), False)["problem"],
        "binary": csv_shape(b"\x01\x00\x00\x07" + text.encode(), False)["problem"],
        "mixed line ends": csv_shape((HEADER + ROW.replace("\n", "\r\n") + ROW).encode(), False)["problem"],
        "stray CR": csv_shape((HEADER + ROW + ROW.replace("alice", "al\rice")).encode(), False)["problem"],
    }
    assert problems == {
        "big-endian": "UTF-16 big-endian, which DuckDB cannot read: save it as UTF-8",
        "big-endian without mark": "UTF-16 big-endian, which DuckDB cannot read: save it as UTF-8",
        "gzip named .csv": "gzip-compressed: name it .csv.gz",
        "damaged gzip": "named .gz but not a whole gzip stream",
        "parquet": "a Parquet file: name it .parquet",
        "workbook": "a ZIP archive (an Excel workbook?): save it as CSV",
        "binary": "binary content (NUL bytes), not text",
        "mixed line ends":
            "1 line(s) end in CRLF and 2 in LF, which DuckDB cannot read: save it with one kind of line end",
        "stray CR":
            "line 3 holds a carriage return (CR) outside quotes, which DuckDB cannot read:"
            " remove it, or quote the value",
    }


def test_a_stray_latin1_byte_leaves_the_file_a_csv() -> None:
    """One bad row is the reader's to quarantine, not a reason to refuse the file."""
    content = (HEADER + ROW).encode() + b"m-2,b\xf6b.shape@plugin.example,2026-03-01T10:00:00Z,EU\n"
    assert csv_shape(content, False)["problem"] is None


def test_carriage_returns_duckdb_reads() -> None:
    quoted = HEADER + 'm-1,"al\rice.shape@plugin.example",2026-03-01T10:00:00Z,EU\n'
    assert csv_shape(quoted.encode(), False)["problem"] is None
    # as Excel writes a cell with a line break: LF inside the quotes, CRLF at the row's end
    excel = 'message_id,recipient,request_time,region\r\nm-1,alice.shape@plugin.example,t,"EU\nwest"\r\n'
    assert csv_shape(excel.encode(), False)["problem"] is None
    old_mac = (HEADER + ROW).replace("\n", "\r")
    assert csv_shape(old_mac.encode(), False) == {
        "problem": None, "encoding": "utf-8", "delimiter": ",", "header": COLUMNS,
    }


def test_line_numbers_count_the_lines_inside_quoted_values() -> None:
    content = (HEADER + 'm-1,a@x.example,t,"two\nlines"\n' + ROW).encode()
    third_record = content.index(b"m-1,alice")
    assert line_numbers(content, False, [0, third_record]) == [1, 4]
    assert line_numbers(gzip.compress(content), True, [third_record]) == [4]


def test_local_listing_follows_links_and_ends_loops(tmp_path: Path) -> None:
    """A folder assembled from links: a link to a file, a link to a folder,
    a broken link, a loop back to an ancestor and a second link to a folder
    already listed. Each object is listed once, by the path that reached it."""
    source = tmp_path / "source"
    (source / "folder").mkdir(parents=True)
    for name in ("one", "folder/two", "folder/three.gz"):
        (source / name).write_text("{}")
    events = tmp_path / "events"
    (events / "2026").mkdir(parents=True)
    (events / "2026" / "a-file-link").symlink_to(source / "one")
    (events / "2026" / "b-folder-link").symlink_to(source / "folder", target_is_directory=True)
    (events / "2026" / "c-broken-link").symlink_to(tmp_path / "nowhere")
    (events / "2026" / "d-loop").symlink_to(Path(".."), target_is_directory=True)
    (events / "2026" / "e-folder-linked-again").symlink_to(source / "folder", target_is_directory=True)
    (events / "2026" / "f-plain").write_text("{}")
    root = str(events)
    assert list_local_objects(root + "/**") == [
        f"{root}/2026/a-file-link", f"{root}/2026/b-folder-link/three.gz", f"{root}/2026/b-folder-link/two",
        f"{root}/2026/f-plain",
    ]
    assert list_local_objects(root + "/**/*.gz") == [f"{root}/2026/b-folder-link/three.gz"]
    assert list_local_objects(root + "/2026/*") == [f"{root}/2026/a-file-link", f"{root}/2026/f-plain"]
    assert list_local_objects(root + "/2026/a-file-link") == [f"{root}/2026/a-file-link"]
    assert list_local_objects(root + "/2026/c-broken-link") == []
    assert list_local_objects(str(tmp_path / "nowhere") + "/**") == []


def test_local_listing_matches_duckdb_glob_without_links(tmp_path: Path) -> None:
    """Where there is no link, the listing is DuckDB's own glob."""
    for name in ("x.gz", ".dot", "a/y", "a/b/z.gz", "a1", "a2", "ab"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    root = str(tmp_path)
    with duckdb.connect() as connection:
        for pattern in ("/**", "/*", "/**/*.gz", "/a/**", "/*/y", "/a/b/z.g?", "/**/b/*", "/a[12]", "/a[!1]", "/a/y"):
            expected = sorted(file for (file,) in connection.execute("select file from glob(?)", [root + pattern]).fetchall())
            assert list_local_objects(root + pattern) == expected, pattern


def test_local_listing_reads_a_leading_tilde_as_home(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "one").write_text("{}")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert list_local_objects("~/events/**") == [f"{tmp_path}/events/one"]
    assert list_local_objects("~/events/one") == [f"{tmp_path}/events/one"]
