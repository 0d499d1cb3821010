"""dbt-duckdb plugin, loaded by every profile target: the two steps of
reading raw SES objects and the send log that DuckDB's SQL cannot take itself.

DuckDB reads each object whole, as bytes (`read_blob`), so that no byte
sequence an object can hold (NUL, a lone CR, CRLF next to LF, invalid UTF-8)
can stop the build: its CSV reader, the alternative, fails on all of these.
Everything else is SQL (macros/engine/files.sql). Three functions are Python:

- `ses_gunzip(content)`: the object decompressed, or NULL when it is not a
  whole gzip stream. DuckDB decompresses only inside its file readers.
- `ses_split_json_text(text)`: the records of a text that is not one record
  per line (pretty-printed JSON, a JSON array of events, a string holding
  "}{"), cut by a scan that knows JSON strings. Only such texts come here;
  a plain line-per-record or concatenated object is cut in SQL.
- `ses_list_local_objects(location)`: the files a local path or glob names,
  symbolic links followed (DuckDB's own `**` skips them), each folder
  walked once so that a link loop ends.

And two for the internal send log, a CSV file that DuckDB's reader is told
how to read rather than left to guess (its guess changes when one row is
bad):

- `ses_csv_shape(content, is_gzip)`: what the file is (a problem that makes
  it no CSV at all, else its encoding, delimiter and first line's fields).
- `ses_line_numbers(content, is_gzip, offsets)`: the line on which each byte
  offset stands, for the rows DuckDB's reader rejects (it numbers records,
  and a quoted value may span lines).

And, from ses_personal_data.py, `ses_mask_personal_data(value, kind, mode)`:
a parsed value with its personal data masked as ses_pii_mode says, keyed by a
secret that only Python reads (so it reaches no SQL, log or artifact), and
`ses_pii_key_is_set()`, for the check at the start of a run.
"""

from __future__ import annotations

import csv
import json
import os
import re
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import BIGINT, BLOB, BOOLEAN, VARCHAR
from ses_personal_data import mask_personal_data, pii_key_is_set

try:
    # ISA-L inflates two to three times faster than zlib; both read the same
    # gzip streams, including several members concatenated.
    from isal.igzip import decompress as gzip_decompress
except ImportError:  # pragma: no cover - isal is pinned in requirements.txt
    from gzip import decompress as gzip_decompress

JSON_WHITESPACE = " \t\r\n"
BRACKETS_AND_QUOTES = re.compile(r'[{}\[\]"]')
# the rest of a JSON string after its opening quote, through the closing one
STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def gunzip(content: bytes) -> bytes | None:
    """A gzip stream's content (every member), or None when the bytes are
    not a whole gzip stream (corrupt or cut short)."""
    try:
        return gzip_decompress(content)
    except (OSError, EOFError, ValueError):
        # isal and gzip raise OSError subclasses (BadGzipFile, isal's error)
        # for a corrupt stream and EOFError for a truncated one
        return None


def value_end(text: str, start: int) -> tuple[int, bool]:
    """Where the JSON object or array opening at `start` closes (the index
    after its last bracket), and whether it closes at all before the text
    ends. Brackets inside strings do not count."""
    depth = 0
    position = start
    while True:
        match = BRACKETS_AND_QUOTES.search(text, position)
        if match is None:
            return len(text), False
        character = match.group()
        if character == '"':
            rest = STRING_REST.match(text, match.end())
            if rest is None:
                return len(text), False
            position = rest.end()
            continue
        depth += 1 if character in "{[" else -1
        position = match.end()
        if depth == 0:
            return position, True


def is_json(text: str) -> bool:
    def refuse_constant(name: str) -> Any:  # NaN and Infinity are not JSON
        raise ValueError(name)

    try:
        json.loads(text, parse_constant=refuse_constant)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return False
    return True


def array_elements(array_text: str) -> list[str]:
    """The exact text of each element of a valid JSON array."""
    elements = []
    position = 1  # after "["
    end_of_content = len(array_text) - 1  # before "]"
    while position < end_of_content:
        character = array_text[position]
        if character in JSON_WHITESPACE or character == ",":
            position += 1
            continue
        if character in "{[":
            end, _ = value_end(array_text, position)
        elif character == '"':
            end = STRING_REST.match(array_text, position + 1).end()
        else:  # a number, true, false or null: no comma inside
            end = position
            while end < end_of_content and array_text[end] not in JSON_WHITESPACE + ",":
                end += 1
        elements.append(array_text[position:end])
        position = end
    return elements


def next_line_opening_a_value(text: str, start: int) -> int:
    """Where the next line that starts with "{" or "[" begins, after
    `start`: where a new top-level value most likely starts once one is
    broken (the lines inside pretty-printed JSON are indented)."""
    found = [index for index in (text.find("\n{", start), text.find("\n[", start)) if index >= 0]
    return min(found) + 1 if found else len(text)


def split_json_text(text: str) -> list[str]:
    """Every record of a text, exactly as written: each top-level JSON value,
    however many lines it spans (pretty-printed); a JSON array's elements as
    records of their own; objects written back to back, cut only where one
    closes. A value that does not close, or closes but is not valid JSON,
    is a broken record (quarantined later with its text) that ends where the
    next line opening a value starts, so it costs its own lines, not the
    rest of the object. Any other text is a broken record per line."""
    records = []
    position = 0
    length = len(text)
    while position < length:
        if text[position] in JSON_WHITESPACE:
            position += 1
            continue
        if text[position] in "{[":
            end, closed = value_end(text, position)
            piece = text[position:end]
            if closed and is_json(piece):
                records.extend(array_elements(piece) if piece[0] == "[" else [piece])
                position = end
                continue
            end = min(end, next_line_opening_a_value(text, position))
        else:
            end = text.find("\n", position)
            end = length if end < 0 else end
        records.append(text[position:end].rstrip(JSON_WHITESPACE))
        position = end
    return records


# The delimiters a send log may use, the first winning a tie (DuckDB's
# reader tries the same four).
CSV_DELIMITERS = (",", ";", "\t", "|")
# How much of a file tells its encoding (NUL bytes here make it UTF-16 or
# no text at all), and how much holds its first line.
CSV_SNIFF_BYTES = 4096
CSV_FIRST_LINE_BYTES = 65536
UTF8_BOM = b"\xef\xbb\xbf"
# Formats a send log is saved in by mistake, by their first bytes.
NOT_CSV_SIGNATURES = {
    b"PAR1": "a Parquet file: name it .parquet",
    b"PK\x03\x04": "a ZIP archive (an Excel workbook?): save it as CSV",
    b"\x1f\x8b": "gzip-compressed: name it .csv.gz",
}


def csv_shape(content: bytes, is_gzip: bool) -> dict[str, Any]:
    """What a send-log CSV file is, from its bytes: `problem`, why it is no
    CSV at all (None when it is one); else `encoding` (utf-8, or utf-16,
    little-endian, by its byte-order mark or NUL bytes at every other
    position: DuckDB reads no other UTF-16), `delimiter`
    (the one of CSV_DELIMITERS its first line holds most of) and `header`,
    its first line's fields. Nothing of the content but the first line's
    fields is returned, and those only to be matched with the expected
    column names: whether it is a header is for the caller to say."""
    shape: dict[str, Any] = {"problem": None, "encoding": None, "delimiter": None, "header": None}
    if is_gzip:
        content = gunzip(content)
        if content is None:
            return {**shape, "problem": "named .gz but not a whole gzip stream"}
    for signature, problem in NOT_CSV_SIGNATURES.items():
        if content.startswith(signature):
            return {**shape, "problem": problem}
    head = content[:CSV_SNIFF_BYTES]
    if head.startswith(b"\xfe\xff") or (b"\x00" in head and utf16_byte_order(head) == "big"):
        return {**shape, "problem": "UTF-16 big-endian, which DuckDB cannot read: save it as UTF-8"}
    if head.startswith(b"\xff\xfe") or (b"\x00" in head and utf16_byte_order(head) == "little"):
        encoding = "utf-16"
        text = content[:CSV_FIRST_LINE_BYTES].decode("utf-16-le", errors="replace").removeprefix("\ufeff")
    elif b"\x00" in head:
        return {**shape, "problem": "binary content (NUL bytes), not text"}
    else:
        encoding = "utf-8"
        text = content[:CSV_FIRST_LINE_BYTES].removeprefix(UTF8_BOM).decode("utf-8", errors="replace")
        line_feeds = content.count(b"\n")
        carriage_return_line_feeds = content.count(b"\r\n")
        if 0 < carriage_return_line_feeds < line_feeds:
            # a line break inside a quoted value is no line end (Excel ends
            # rows with CRLF and breaks lines in a cell with LF)
            carriage_return_line_feeds, line_feeds = line_ends_outside_quotes(content)
        if 0 < carriage_return_line_feeds < line_feeds:
            return {
                **shape,
                "problem": f"{carriage_return_line_feeds} line(s) end in CRLF and "
                f"{line_feeds - carriage_return_line_feeds} in LF, which DuckDB cannot read: "
                "save it with one kind of line end",
            }
        stray_line = stray_carriage_return_line(content) if line_feeds else None
        if stray_line is not None:
            return {
                **shape,
                "problem": f"line {stray_line} holds a carriage return (CR) outside quotes, which DuckDB "
                "cannot read: remove it, or quote the value",
            }
    first_line = re.split(r"\r\n|\n|\r", text, maxsplit=1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    return {**shape, "encoding": encoding, "delimiter": delimiter, "header": header}


LONE_CARRIAGE_RETURN = re.compile(rb"\r(?!\n)")
LINE_FEED = re.compile(rb"\n")


def line_ends_outside_quotes(content: bytes) -> tuple[int, int]:
    """How many line feeds outside quoted values (an even number of quotes
    before them, as RFC 4180 doubles a quote inside one) follow a carriage
    return, and how many there are in all."""
    quotes, counted_to, carriage_return_line_feeds, line_feeds = 0, 0, 0, 0
    for match in LINE_FEED.finditer(content):
        quotes += content.count(b'"', counted_to, match.start())
        counted_to = match.start()
        if quotes % 2 == 0:
            line_feeds += 1
            carriage_return_line_feeds += content[match.start() - 1:match.start()] == b"\r"
    return carriage_return_line_feeds, line_feeds


def stray_carriage_return_line(content: bytes) -> int | None:
    """The line of the first carriage return not followed by a line feed
    and outside a quoted value (an even number of quotes before it, as
    RFC 4180 doubles a quote inside one), or None."""
    quotes, counted_to = 0, 0
    for match in LONE_CARRIAGE_RETURN.finditer(content):
        quotes += content.count(b'"', counted_to, match.start())
        counted_to = match.start()
        if quotes % 2 == 0:
            return content.count(b"\n", 0, match.start()) + 1
    return None


def utf16_byte_order(head: bytes) -> str | None:
    """The byte order of text in UTF-16 without a byte-order mark, where
    ASCII characters make every other byte NUL: big-endian when the NULs
    come first, little-endian when second; None for anything else."""
    even, odd = head[0::2], head[1::2]
    if even.count(0) == len(even):
        return "big"
    if odd.count(0) == len(odd):
        return "little"
    return None


def line_numbers(content: bytes, is_gzip: bool, offsets: list[int | None]) -> list[int | None]:
    """The line (1 for the first) on which each byte offset of the file
    stands; None for an offset that is None."""
    if is_gzip:
        content = gunzip(content) or b""
    return [None if offset is None else content.count(b"\n", 0, offset) + 1 for offset in offsets]


GLOB_CHARACTERS = re.compile(r"[*?\[]")


def glob_part_pattern(part: str) -> str:
    """One folder or file name of a glob as a regular expression, as
    DuckDB's glob reads it: * and ? stay inside the name, [...] is a set of
    characters ([!...] the characters not in it)."""
    pattern = []
    position = 0
    while position < len(part):
        character = part[position]
        end = part.find("]", position + 1) if character == "[" else -1
        if character == "*":
            pattern.append("[^/]*")
        elif character == "?":
            pattern.append("[^/]")
        elif end > position + 1:
            members = part[position + 1:end]
            negated = members.startswith("!")
            pattern.append("[" + ("^" if negated else "") + re.escape(members[1:] if negated else members) + "]")
            position = end
        else:
            pattern.append(re.escape(character))
        position += 1
    return "".join(pattern)


def glob_pattern(relative_glob: str) -> re.Pattern[str]:
    """A glob relative to the folder it starts from, as DuckDB's glob reads
    it, as a regular expression over relative paths: ** stands for any
    number of folders (none included), the other parts for one name each."""
    parts = relative_glob.split("/")
    pattern = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            pattern += "(?:[^/]+/)*[^/]+" if last else "(?:[^/]+/)*"
        else:
            pattern += glob_part_pattern(part) + ("" if last else "/")
    return re.compile(pattern)


def list_local_objects(location: str) -> list[str]:
    """Every file a local location names: the file itself, or the files a
    glob matches below the folder its first glob character is in, named by
    the path that reached them. Symbolic links to files and to folders are
    followed (a folder assembled from links, a sync tool's layout); each
    file and each folder is visited once, under the first name reached in
    name order, so a folder linked twice is listed once and a link loop
    ends. Sorted, as DuckDB's glob lists; a leading ~ is the home folder,
    as DuckDB reads it."""
    parts = os.path.expanduser(location).split("/")
    glob_start = next((index for index, part in enumerate(parts) if GLOB_CHARACTERS.search(part)), None)
    if glob_start is None:
        path = "/".join(parts)
        return [path] if os.path.isfile(path) else []
    folder = "/".join(parts[:glob_start]) or ("/" if parts[0] == "" else ".")
    pattern = glob_pattern("/".join(parts[glob_start:]))
    prefix = "/".join(parts[:glob_start]) + "/" if glob_start else ""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def first_visit(path: str) -> bool:
        try:
            status = os.stat(path)  # follows links; a broken link or a loop raises
        except OSError:
            return False
        identity = (status.st_dev, status.st_ino)
        if identity in seen:
            return False
        seen.add(identity)
        return True

    def walk(path: str, relative: str) -> None:
        if not first_visit(path):
            return
        try:
            with os.scandir(path) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError:
            return
        for name in names:
            entry_path = os.path.join(path, name)
            if os.path.isdir(entry_path):
                walk(entry_path, relative + name + "/")
            elif os.path.isfile(entry_path) and pattern.fullmatch(relative + name) and first_visit(entry_path):
                found.append(prefix + relative + name)

    walk(folder, "")
    return sorted(found)


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        conn.create_function("ses_gunzip", gunzip, [BLOB], BLOB)
        conn.create_function("ses_split_json_text", split_json_text, [VARCHAR], duckdb.list_type(VARCHAR))
        conn.create_function(
            "ses_mask_personal_data", mask_personal_data, [VARCHAR, VARCHAR, VARCHAR], VARCHAR,
            null_handling="special", side_effects=False,
        )
        conn.create_function("ses_pii_key_is_set", pii_key_is_set, [], BOOLEAN, side_effects=True)
        conn.create_function(
            "ses_csv_shape", csv_shape, [BLOB, BOOLEAN],
            duckdb.struct_type(
                {"problem": VARCHAR, "encoding": VARCHAR, "delimiter": VARCHAR, "header": duckdb.list_type(VARCHAR)}
            ),
        )
        conn.create_function(
            "ses_line_numbers", line_numbers, [BLOB, BOOLEAN, duckdb.list_type(BIGINT)], duckdb.list_type(BIGINT)
        )


        conn.create_function("ses_list_local_objects", list_local_objects, [VARCHAR], duckdb.list_type(VARCHAR))
