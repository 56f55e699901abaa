"""render.py: pure functions from records to text, and the streaming writers."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimx
from claimx import render
from claimx.models import Claim, Count, Mention, Source, Victims
from claimx.render import Format

from conftest import EXAMPLE, ROOT, check_records

TEXT = "=HYPERLINK(\"x\") | 5 people\nwere killed, [bold]the ministry[/bold] said."


def _claim(n: int = 1, **over) -> Claim:
    """A hand-made claim over TEXT whose text cells carry every character a view must escape."""
    fields = dict(
        doc="odd|name.txt", id=f"odd|name.txt#{n}", category="killed",
        count=Count("5", 5, 5, 5, "exact"),
        victims=Victims("-people\twith | pipes\nand lines", "civilian"),
        source=Source("@the ministry", "+Ministry [bold]x[/bold]", "said", "government", "Norland"),
        hedged=False, event="E1",
        mentions=(Mention(TEXT.index("5 people"), TEXT.index("5 people") + 1, "5", 1, "5 people\nwere killed"),),
        rule=("np.verb", "attr.said"),
    )
    fields.update(over)
    return Claim(**fields)


@pytest.fixture(scope="module")
def example_records() -> list[dict]:
    text = EXAMPLE.read_text(encoding="utf-8")
    return check_records([c.to_dict() for c in claimx.extract(text, "example.txt")], text, doc="example.txt")


# ------------------------------------------------------------------------------------------------
# flat rows

def test_columns_are_the_documented_ones():
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = re.search(r"<!-- columns -->\s*`([^`]+)`", doc)
    assert documented, "docs/schema.md lists the tabular columns after a <!-- columns --> marker"
    assert tuple(c.strip() for c in documented.group(1).split(",")) == render.COLUMNS


def test_flat_row(example_records):
    r = example_records[1]
    row = render.flat_row(r, explain=True)
    assert tuple(row) == render.COLUMNS + ("rule",)
    assert row["value"] == r["count"]["value"] and row["qualifier"] == r["count"]["qualifier"]
    assert row["count_text"] == r["count"]["text"]
    assert row["source_name"] == r["source"]["name"]
    assert (row["start"], row["end"], row["line"]) == tuple(r["mentions"][0][k] for k in ("start", "end", "line"))
    assert row["mentions"] == len(r["mentions"])
    assert row["rule"] == " ".join(r["rule"])
    assert "rule" not in render.flat_row(r)


def test_flat_row_without_source():
    row = render.flat_row(_claim(source=None, victims=Victims(None)).to_dict())
    assert (row["source"], row["source_name"], row["cue"], row["victims"], row["victims_type"]) == (
        None, None, None, None, "unknown")


# ------------------------------------------------------------------------------------------------
# CSV

@pytest.mark.parametrize("value,cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-people", "'-people"), ("@ministry", "'@ministry"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("people", "people"), ("a=b", "a=b"), ("", ""),
    (5, "5"), (0, "0"), (None, ""), (True, "true"), (False, "false"),
], ids=["equals", "plus", "minus", "at", "tab", "cr", "plain", "inner-equals", "empty",
        "int", "zero", "null", "true", "false"])
def test_csv_cell(value, cell):
    assert render.csv_cell(value) == cell


def test_csv_escapes_formulas_and_round_trips():
    claims = [_claim(1), _claim(2, count=Count("between 20 and 30", None, 20, 30, "range"))]
    check_records([c.to_dict() for c in claims], TEXT)
    out = render.to_csv(claims, explain=True)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(render.COLUMNS) + ["rule"]
    assert len(rows) == 2
    assert rows[0]["victims"] == "'-people\twith | pipes\nand lines"
    assert rows[0]["source"] == "'@the ministry"
    assert rows[0]["source_name"] == "'+Ministry [bold]x[/bold]"
    assert rows[0]["doc"] == "odd|name.txt" and rows[0]["hedged"] == "false"
    assert rows[0]["rule"] == "np.verb attr.said"
    assert (rows[1]["value"], rows[1]["low"], rows[1]["high"]) == ("", "20", "30")
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(render.FORMULA_PREFIXES), cell


@given(st.text())
def test_csv_cell_never_starts_a_formula(text):
    cell = render.csv_cell(text)
    assert not cell.startswith(render.FORMULA_PREFIXES)
    assert cell in (text, "'" + text)


# ------------------------------------------------------------------------------------------------
# markdown

@pytest.mark.parametrize("value,cell", [
    ("a|b", "a\\|b"), ("two\nlines", "two<br>lines"), ("crlf\r\nend", "crlf<br>end"),
    ("back\\slash|", "back\\\\slash\\|"), ("bell\x07", "bell\\x07"), (None, ""), (41, "41"),
], ids=["pipe", "newline", "crlf", "backslash-then-pipe", "control", "null", "int"])
def test_markdown_cell(value, cell):
    assert render.markdown_cell(value) == cell


def _split_row(line: str) -> list[str]:
    """Cells of a GFM table row: split on pipes not escaped by a backslash."""
    assert line.startswith("| ") and line.endswith(" |")
    cells, cur, i, body = [], "", 0, line[2:-2]
    while i < len(body):
        if body[i] == "\\":
            cur += body[i:i + 2]
            i += 2
        elif body.startswith(" | ", i):
            cells.append(cur)
            cur, i = "", i + 3
        else:
            cur += body[i]
            i += 1
    return cells + [cur]


def test_markdown_table_shape():
    out = render.to_markdown([_claim(1), _claim(2)], explain=True)
    lines = out.splitlines()
    assert len(lines) == 4 and out.endswith("\n")
    header = _split_row(lines[0])
    assert header == list(render.COLUMNS) + ["rule"]
    assert set(_split_row(lines[1])) == {"---", "---:"}
    for line in lines[2:]:
        cells = _split_row(line)
        assert len(cells) == len(header)
        assert cells[header.index("doc")] == "odd\\|name.txt"
        assert cells[header.index("victims")] == "-people\\twith \\| pipes<br>and lines"


@given(st.text())
def test_markdown_cell_has_no_bare_pipe_or_line_break(text):
    cell = render.markdown_cell(text)
    assert "\n" not in cell and "\r" not in cell
    # read as GFM does, left to right: a backslash escapes the next character
    assert "|" not in re.sub(r"\\.", "", cell, flags=re.S)


# ------------------------------------------------------------------------------------------------
# JSON

def test_json_is_one_array_byte_identical_to_json_dumps(example_records):
    out = render.render(example_records, Format.json)
    assert out == json.dumps(example_records, ensure_ascii=False, indent=2) + "\n"
    assert check_records(json.loads(out)) == example_records


def test_json_streamed_by_document_equals_one_shot(example_records):
    buf = io.StringIO()
    w = render.writer(Format.json, buf)
    w.write(example_records[:3])
    w.write([])
    w.write(example_records[3:])
    w.close()
    assert buf.getvalue() == render.to_json(example_records)


def test_jsonl_keeps_key_order_and_characters():
    rec = _claim(source=Source("the ministry", "Міністерство оборони", "said")).to_dict()
    line = render.json_record(rec)
    assert "Міністерство оборони" in line  # ensure_ascii=False
    assert list(json.loads(line)) == list(rec)
    assert list(json.loads(line)["count"]) == ["text", "value", "low", "high", "qualifier"]
    assert render.to_jsonl([rec, rec]) == line + "\n" + line + "\n"


# ------------------------------------------------------------------------------------------------
# table

def test_table_escapes_controls_and_markup():
    c = _claim(victims=Victims("\x1b[31mred\x1b[0m people", "civilian"),
               source=Source("[bold]x[/bold]", "[bold]x[/bold]\u202e", "said"))
    out = render.to_table([c], width=200)
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[31mred\\x1b[0m people" in out
    assert "[bold]x[/bold]\\u202e" in out  # markup shown as text, bidi override escaped


@pytest.mark.parametrize("count,cell", [
    (Count("63", 63, 63, 63, "exact"), "63"),
    (Count("a total of 63", 63, 63, 63, "exact"), "63 (a total of 63)"),
    (Count("about 4,000", 4000, 4000, 4000, "approx"), "~4,000 (about 4,000)"),
    (Count("at least 4", 4, 4, None, "at_least"), "≥4 (at least 4)"),
    (Count("up to 300", 300, None, 300, "at_most"), "≤300 (up to 300)"),
    (Count("20-30", None, 20, 30, "range"), "20–30 (20-30)"),
    (Count("dozens", None, 24, 119, "vague"), "24–119 (dozens)"),
    (Count("heavy losses", None, None, None, "unquantified"), "? (heavy losses)"),
    (Count("1,200", 1200, 1200, 1200, "exact"), "1,200"),
    (Count("1200", 1200, 1200, 1200, "exact"), "1,200"),
], ids=lambda v: v if isinstance(v, str) else v.qualifier + ":" + v.text)
def test_count_cell(count, cell):
    assert render.count_cell(count.to_dict()) == cell


def test_table_explain_adds_rule_column(example_records):
    plain = render.to_table(example_records, width=250)
    explained = render.to_table(example_records, explain=True, width=250)
    header = explained.splitlines()[0].split()
    assert header == list(render.table_columns(explain=True))
    assert " rule" not in plain.splitlines()[0]
    for r in example_records:
        assert all(rule in explained for rule in r["rule"])


def test_table_writer_prints_nothing_without_claims():
    assert render.render([], Format.table) == ""


# ------------------------------------------------------------------------------------------------
# every format

EMPTY = {
    Format.jsonl: "",
    Format.json: "[]\n",
    Format.csv: ",".join(render.COLUMNS) + "\n",
    Format.markdown: render.markdown_header(),
    Format.table: "",
}


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_empty_output(fmt):
    assert render.render([], fmt) == EMPTY[fmt]


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
def test_deterministic(example_records, fmt, explain):
    again = [c.to_dict() for c in claimx.extract(EXAMPLE.read_text(encoding="utf-8"), "example.txt")]
    assert render.render(example_records, fmt, explain) == render.render(again, fmt, explain)


class _Recorder(io.StringIO):
    def __init__(self):
        super().__init__()
        self.at_flush: list[str] = []

    def flush(self):
        self.at_flush.append(self.getvalue())
        super().flush()


@pytest.mark.parametrize("fmt", [Format.jsonl, Format.json, Format.csv, Format.markdown], ids=lambda f: f.value)
def test_machine_writers_flush_every_document(example_records, fmt):
    stream = _Recorder()
    w = render.writer(fmt, stream)
    w.write(example_records[:2])
    after_first = stream.at_flush[-1]
    assert example_records[0]["id"] in after_first and example_records[1]["id"] in after_first
    w.write(example_records[2:])
    assert example_records[-1]["id"] in stream.at_flush[-1]
    w.close()


def test_claim_objects_and_dicts_render_alike(example_records):
    claims = claimx.extract(EXAMPLE.read_text(encoding="utf-8"), "example.txt")
    for fmt in Format:
        assert render.render(claims, fmt, True) == render.render(example_records, fmt, True)


def test_default_format():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert render.default_format(Tty()) is Format.table
    assert render.default_format(io.StringIO()) is Format.jsonl
    assert Format.jsonl.machine and not Format.table.machine


def test_render_is_importable_without_rich_loaded():
    import subprocess
    import sys

    code = ("import sys, claimx.render, claimx.cli; "
            "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent)
    assert out.stdout.strip() == "[]"
