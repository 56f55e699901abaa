"""Every output format of claim records: table, jsonl, json, csv, markdown.

Pure functions turn records (claim@1 dicts, or `Claim` objects) into text or flat rows; the
writers stream them to a text file one document at a time, so a long run over many inputs shows
results as it goes and `claimx extract ... | head` stops early. Nothing here prints anywhere but
the stream it is given, and nothing heavy is imported at import time: `rich` only when a table is
rendered.

- `jsonl`: one record a line, keys in schema order, `ensure_ascii=False`; flushed per document.
- `json`: one array, byte-identical to `json.dumps(records, indent=2, ensure_ascii=False)` + newline.
- `csv`: a header row, then one row per claim with the flat `COLUMNS` (schema.md, "Tabular views");
  a text cell that a spreadsheet would read as a formula is prefixed with `'` (`csv_cell`).
- `markdown`: a GitHub-flavoured table with the same columns; `|`, `\\` and line breaks escaped.
- `table`: a rich table for people (doc, category, count, qualifier, victims, source, hedged,
  event, line); control characters shown escaped, never sent to the terminal.

With `explain`, the tabular formats get a last column `rule` (the rule ids, space-separated);
JSON formats always carry `rule`.
"""
from __future__ import annotations

import csv
import enum
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

Record = Mapping[str, Any]


class Format(str, enum.Enum):
    """The output formats every command that prints claims accepts (`--format`)."""

    table = "table"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    markdown = "markdown"

    @property
    def machine(self) -> bool:
        """True for the formats scripts read; stdout then carries this data and nothing else."""
        return self is not Format.table


class CompareFormat(str, enum.Enum):
    """The output formats of `claimx compare` (`--format`)."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    html = "html"

    @property
    def machine(self) -> bool:
        return self is not CompareFormat.table


def default_format(stream: TextIO) -> Format:
    """`table` when `stream` is a terminal, `jsonl` otherwise (a pipe, a file)."""
    try:
        return Format.table if stream.isatty() else Format.jsonl
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return Format.jsonl


# ------------------------------------------------------------------------------------------------
# records and flat rows

COLUMNS = ("doc", "id", "category", "value", "low", "high", "qualifier", "count_text", "victims",
           "victims_type", "source", "source_name", "cue", "hedged", "event", "start", "end", "line",
           "mentions")
RULE_COLUMN = "rule"
NUMERIC_COLUMNS = frozenset({"value", "low", "high", "start", "end", "line", "mentions"})


def as_record(claim: Any) -> Record:
    """A claim@1 dict from a `Claim` (or a dict, returned as it is)."""
    return claim.to_dict() if hasattr(claim, "to_dict") else claim


def columns(explain: bool = False) -> tuple[str, ...]:
    return COLUMNS + (RULE_COLUMN,) if explain else COLUMNS


def rule_text(record: Record) -> str:
    return " ".join(record.get("rule") or ())


def flat_row(record: Record, explain: bool = False) -> dict[str, Any]:
    """One claim as the flat row of the tabular views: native values (int, bool, str, None)."""
    count = record["count"]
    victims = record.get("victims") or {}
    source = record.get("source") or {}
    mentions = record.get("mentions") or []
    first = mentions[0] if mentions else {}
    row = {
        "doc": record["doc"],
        "id": record["id"],
        "category": record["category"],
        "value": count.get("value"),
        "low": count.get("low"),
        "high": count.get("high"),
        "qualifier": count.get("qualifier"),
        "count_text": count.get("text"),
        "victims": victims.get("text"),
        "victims_type": victims.get("type"),
        "source": source.get("text"),
        "source_name": source.get("name"),
        "cue": source.get("cue"),
        "hedged": record.get("hedged"),
        "event": record.get("event"),
        "start": first.get("start"),
        "end": first.get("end"),
        "line": first.get("line"),
        "mentions": len(mentions),
    }
    if explain:
        row[RULE_COLUMN] = rule_text(record)
    return row


def _plain(value: Any) -> str:
    """A cell as text: empty for null, `true`/`false` as in JSON, numbers in plain digits."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# ------------------------------------------------------------------------------------------------
# JSON

def json_record(record: Record) -> str:
    """One record as a JSON line (no newline): schema key order, UTF-8 characters as they are."""
    return json.dumps(record, ensure_ascii=False)


def to_jsonl(records: Iterable[Any]) -> str:
    return "".join(json_record(as_record(c)) + "\n" for c in records)


def to_json(records: Iterable[Any]) -> str:
    return json.dumps([as_record(c) for c in records], ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------------------------
# CSV

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and carriage
# return, strips it and looks again): "=HYPERLINK(...)" in a victims phrase would run. Such text
# cells get a leading apostrophe, which spreadsheets hide and scripts can strip. Numeric cells are
# never touched (counts and offsets are non-negative integers, so there is no "-5" to keep).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    text = _plain(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_header(explain: bool = False) -> str:
    return _csv_line(columns(explain))


def csv_row(record: Record, explain: bool = False) -> str:
    row = flat_row(as_record(record), explain)
    return _csv_line([csv_cell(row[c]) for c in columns(explain)])


def _csv_line(cells: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(list(cells))
    return buf.getvalue()


def to_csv(records: Iterable[Any], explain: bool = False) -> str:
    return csv_header(explain) + "".join(csv_row(c, explain) for c in records)


# ------------------------------------------------------------------------------------------------
# markdown

def markdown_cell(value: Any) -> str:
    """A cell of a GitHub-flavoured markdown table: backslashes and pipes escaped, line breaks
    as `<br>`, other control characters as `\\xNN`-style escapes."""
    text = _plain(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")
    return escape_controls(text)


def markdown_header(explain: bool = False) -> str:
    cols = columns(explain)
    rule = ["---:" if c in NUMERIC_COLUMNS else "---" for c in cols]
    return "| " + " | ".join(cols) + " |\n" + "| " + " | ".join(rule) + " |\n"


def markdown_row(record: Record, explain: bool = False) -> str:
    row = flat_row(as_record(record), explain)
    return "| " + " | ".join(markdown_cell(row[c]) for c in columns(explain)) + " |\n"


def to_markdown(records: Iterable[Any], explain: bool = False) -> str:
    return markdown_header(explain) + "".join(markdown_row(c, explain) for c in records)


# ------------------------------------------------------------------------------------------------
# table (rich)

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escape_controls(text: str) -> str:
    """Control characters (and bidirectional overrides, which reorder what a terminal shows)
    written as Python escapes, so that no input text can drive the terminal."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch == " " or (ch.isprintable() and ch not in _BIDI_CONTROLS):
            out.append(ch)
        elif unicodedata.category(ch) == "Zs":  # a no-break or other space: show as a space
            out.append(" ")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def display_text(value: Any) -> str:
    """A table cell: runs of whitespace (line breaks included) as one space, controls escaped."""
    return escape_controls(" ".join(_plain(value).split()))


def count_cell(count: Record) -> str:
    """The count as people read it: `41`, `≥41`, `≤300`, `~400`, `20–30`, `?`, with the phrase
    as written after it when that says more than the number."""
    value, low, high, q = count.get("value"), count.get("low"), count.get("high"), count.get("qualifier")
    if q == "at_least" and value is not None:
        num = f"≥{value:,}"
    elif q == "at_most" and value is not None:
        num = f"≤{value:,}"
    elif q == "approx" and value is not None:
        num = f"~{value:,}"
    elif value is not None:
        num = f"{value:,}"
    elif low is not None or high is not None:
        num = f"{'' if low is None else f'{low:,}'}–{'' if high is None else f'{high:,}'}"
    else:
        num = "?"
    text = display_text(count.get("text"))
    return num if text in ("", num, num.replace(",", "")) else f"{num} ({text})"


def table_row(record: Record, explain: bool = False) -> list[str]:
    """The cells of one claim in the terminal table (`table_columns` order), display-safe."""
    victims = record.get("victims") or {}
    source = record.get("source")
    mentions = record.get("mentions") or []
    line = ""
    if mentions:
        line = str(mentions[0].get("line", ""))
        if len(mentions) > 1:
            line += f" (+{len(mentions) - 1})"
    victims_cell = display_text(victims.get("text") or "")
    if victims.get("type") and victims.get("type") != "unknown":
        victims_cell = f"{victims_cell} [{victims['type']}]".strip()
    source_cell = display_text(source.get("name")) if source else ""
    if source and source.get("cue"):
        source_cell += f" ({display_text(source['cue'])})"
    cells = [
        display_text(record.get("doc")),
        display_text(record.get("category")),
        count_cell(record.get("count") or {}),
        display_text((record.get("count") or {}).get("qualifier")),
        victims_cell,
        source_cell,
        "yes" if record.get("hedged") else "",
        display_text(record.get("event")),
        line,
    ]
    if explain:
        cells.append(display_text(rule_text(record)))
    return cells


def table_columns(explain: bool = False) -> tuple[str, ...]:
    cols = ("doc", "category", "count", "qualifier", "victims", "source", "hedged", "event", "line")
    return cols + (RULE_COLUMN,) if explain else cols


def build_table(records: Iterable[Any], explain: bool = False):
    """A `rich.table.Table` of the claims (imports rich on first use)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                  highlight=False, row_styles=["", "dim"])
    for name in table_columns(explain):
        short = name in ("category", "qualifier", "hedged", "event", "line")
        table.add_column(name, justify="right" if name == "line" else "left", no_wrap=short,
                         overflow="fold")
    for c in records:
        # Text, not str: a "[bold]" in a news text must stay text, not become rich markup
        table.add_row(*(Text(cell) for cell in table_row(as_record(c), explain)))
    return table


def to_table(records: Iterable[Any], explain: bool = False, width: int | None = None) -> str:
    """The table as plain text (no colour), as `--format table` prints it to a non-terminal."""
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width or 120, color_system=None, highlight=False,
                      emoji=False, markup=False, force_terminal=False)
    console.print(build_table(records, explain))
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------
# streaming writers

class Writer:
    """Writes claims to `stream` document by document: `write(claims)` once per input, then
    `close()`. The machine formats flush after every document."""

    def __init__(self, stream: TextIO, explain: bool = False):
        self.stream = stream
        self.explain = explain
        self.count = 0

    def write(self, claims: Iterable[Any]) -> None:
        records = [as_record(c) for c in claims]
        self.count += len(records)
        self._write(records)
        self.stream.flush()

    def _write(self, records: list[Record]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stream.flush()


class JsonlWriter(Writer):
    def _write(self, records: list[Record]) -> None:
        for r in records:
            self.stream.write(json_record(r) + "\n")


class JsonWriter(Writer):
    """One JSON array, written element by element; the bytes equal `to_json(all records)`."""

    def write(self, claims: Iterable[Any]) -> None:
        records = [as_record(c) for c in claims]
        for r in records:
            body = json.dumps(r, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            self.stream.write(("[\n  " if self.count == 0 else ",\n  ") + body)
            self.count += 1
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        self.stream.flush()


class CsvWriter(Writer):
    """A header row first (also when no claim follows, so the file always has its columns)."""

    def __init__(self, stream: TextIO, explain: bool = False):
        super().__init__(stream, explain)
        self.stream.write(csv_header(explain))

    def _write(self, records: list[Record]) -> None:
        for r in records:
            self.stream.write(csv_row(r, self.explain))


class MarkdownWriter(Writer):
    """The header and its rule first (a table without rows when no claim follows)."""

    def __init__(self, stream: TextIO, explain: bool = False):
        super().__init__(stream, explain)
        self.stream.write(markdown_header(explain))

    def _write(self, records: list[Record]) -> None:
        for r in records:
            self.stream.write(markdown_row(r, self.explain))


class TableWriter(Writer):
    """Collects every claim and prints one table at the end (column widths need all rows);
    prints nothing when there is no claim."""

    def __init__(self, stream: TextIO, explain: bool = False):
        super().__init__(stream, explain)
        self.records: list[Record] = []

    def _write(self, records: list[Record]) -> None:
        self.records.extend(records)

    def close(self) -> None:
        if self.records:
            from rich.console import Console

            console = Console(file=self.stream, highlight=False, emoji=False, markup=False)
            console.print(build_table(self.records, self.explain))
        self.stream.flush()


WRITERS: dict[Format, type[Writer]] = {
    Format.table: TableWriter,
    Format.jsonl: JsonlWriter,
    Format.json: JsonWriter,
    Format.csv: CsvWriter,
    Format.markdown: MarkdownWriter,
}


def writer(fmt: Format, stream: TextIO, explain: bool = False) -> Writer:
    """The streaming writer of `fmt` on `stream`."""
    return WRITERS[Format(fmt)](stream, explain)


def render(records: Iterable[Any], fmt: Format, explain: bool = False) -> str:
    """All of `records` in `fmt` as one string (what the writer would stream)."""
    buf = io.StringIO()
    w = writer(fmt, buf, explain)
    w.write(records)
    w.close()
    return buf.getvalue()
