"""Renderers of `claimx compare`: cells and marks, markdown, csv, json, the terminal table with range
bars, and the self-contained HTML page (parsed with html.parser)."""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest

import claimx
from claimx import render_compare as rc
from claimx.compare import comparison
from claimx.compare_inputs import load
from claimx.models import Claim, Count, Mention, Source, Victims

from conftest import FIXTURES

BARRACKS = FIXTURES / "compare" / "barracks-strike.txt"
ARTICLES = FIXTURES / "compare" / "articles"


@pytest.fixture(scope="module")
def seed() -> dict:
    return comparison(claimx.extract(BARRACKS.read_text(encoding="utf-8"), "barracks-strike.txt"))


@pytest.fixture(scope="module")
def coverage() -> dict:
    claims = []
    for p in sorted(ARTICLES.iterdir()):
        claims += load(str(p)).claims
    return comparison(claims)


HOSTILE = '<script>alert("x")</script> & "Quoted" | <img src=x onerror=y>'


@pytest.fixture(scope="module")
def hostile() -> dict:
    def c(n, source, count, url):
        return Claim("evil<b>.txt", f"evil#{n}", "killed", Count(*count), Victims(None),
                     Source(source, source, "said") if source else None, n == 2, "E1",
                     (Mention(n, n + 2, "12", 1, f"{HOSTILE} killed 12 in Pokrovets."),),
                     doc_meta={"title": HOSTILE, "url": url, "date": "2025-10-03"})
    return comparison([c(1, HOSTILE, ("12", 12, 12, 12, "exact"), "javascript:alert(1)"),
                       c(2, "Police", ("about 40", 40, 40, 40, "approx"), "javascript:alert(1)")])


# ------------------------------------------------------------------------------------------------
# cells

ROW = {"source": "A", "category": "killed", "display": "63", "hedged": False, "docs": ["a.txt"], "breakdown": False,
       "revision": None, "qualifier": "exact", "value": 63, "low": 63, "high": 63}

CELL_CASES = [
    ("plain", [ROW], None, "63"),
    ("hedged", [{**ROW, "hedged": True, "display": "300–999 (several hundred)"}], None, "300–999 (several hundred)*"),
    ("own-voice", [{**ROW, "source": None, "display": "≥4"}], None, "≥4†"),
    ("breakdown", [ROW, {**ROW, "display": "6", "breakdown": True}], None, "63 · incl. 6"),
    ("revision", [{**ROW, "revision": 1}, {**ROW, "display": "89", "revision": 2, "docs": ["b.txt"]}],
     {"a.txt": 1, "b.txt": 2}, "63 [1] → 89 [2]"),
    ("same-day", [{**ROW, "revision": 1}, {**ROW, "display": "2", "revision": 1}], None, "63 · 2"),
    ("refs", [{**ROW, "docs": ["a.txt", "b.txt"]}], {"a.txt": 1, "b.txt": 3}, "63 [1,3]"),
]


@pytest.mark.parametrize("rows,numbers,expected", [c[1:] for c in CELL_CASES], ids=[c[0] for c in CELL_CASES])
def test_cell_text(rows, numbers, expected):
    assert rc.cell_text(rows, numbers) == expected


def test_range_bar_draws_points_ranges_and_open_ends():
    exact = {**ROW, "value": 50}
    assert rc.range_bar([exact], 100, width=11) == "     ●"
    rng = {**ROW, "qualifier": "range", "value": None, "low": 20, "high": 40}
    assert rc.range_bar([rng], 100, width=11) == "  ━━━"
    least = {**ROW, "qualifier": "at_least", "value": 50, "low": 50, "high": None}
    assert rc.range_bar([least], 100, width=11) == "     ●━━━━▸"
    most = {**ROW, "qualifier": "at_most", "value": 50, "low": None, "high": 50}
    assert rc.range_bar([most], 100, width=11) == "◂━━━━●"
    hedged = {**rng, "hedged": True}
    assert rc.range_bar([hedged], 100, width=11) == "  ╌╌╌"
    assert rc.range_bar([{**ROW, "qualifier": "unquantified", "value": None, "low": None, "high": None}], 100) == ""


def test_nice_ticks():
    assert rc.nice_ticks(999) == [0, 200, 400, 600, 800, 1000]
    assert rc.nice_ticks(1099) == [0, 250, 500, 750, 1000, 1250]
    assert rc.nice_ticks(8) == [0, 2, 4, 6, 8]


@pytest.mark.parametrize("url,ok", [("https://example.org/a?b=1", True), ("http://x.y", True),
                                    ("javascript:alert(1)", False), ("data:text/html,x", False),
                                    ("https://a b", False), (None, False)])
def test_safe_url(url, ok):
    assert (rc.safe_url(url) is not None) is ok


# ------------------------------------------------------------------------------------------------
# formats

def test_json_and_jsonl(seed):
    out = rc.render(seed, "json")
    assert json.loads(out) == seed and out.endswith("\n")
    lines = rc.render(seed, "jsonl").splitlines()
    assert [json.loads(l) for l in lines] == seed["events"]


def test_csv_long_format(seed):
    rows = list(csv.DictReader(io.StringIO(rc.render(seed, "csv"))))
    assert tuple(rows[0]) == rc.CSV_COLUMNS
    assert rc.CSV_COLUMNS[:8] == ("event", "source", "category", "value", "low", "high", "qualifier", "docs")
    assert [(r["event"], r["source"], r["value"], r["low"], r["high"], r["qualifier"]) for r in rows] == [
        ("I1", "Russian Defence Ministry", "52", "52", "52", "exact"),
        ("I1", "Ukrainian General Staff", "300", "300", "300", "approx"),
        ("I1", "Maksim Orlov", "", "300", "999", "vague"),
        ("I2", "", "3", "3", "", "at_least")]


def test_markdown(seed):
    md = rc.render(seed, "markdown")
    assert "### I1: Horlivka strike" in md
    assert "| source | kind / side | killed |" in md
    assert "| Maksim Orlov |  | 300–999 (several hundred)* |" in md
    assert "| (article's own voice) |  | ≥3† |" in md
    assert "sources disagree" in md and "×19.21" in md


def test_table_has_bars_and_a_legend(seed):
    text = rc.render(seed, "table")
    assert "I1  Horlivka strike" in text and "killed 0 ┈ 1,099" in text
    assert "●" in text and "╌" in text and "▸" in text
    assert "* hedged" in text


def test_markdown_and_table_escape_input_text(hostile):
    md = rc.render(hostile, "markdown")
    assert "\\| <img" in md          # a pipe in a source name does not break the table
    table = rc.render(hostile, "table")
    assert "\x1b" not in table


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def count(self, tag):
        return sum(1 for t, _ in self.tags if t == tag)


def parse(page: str) -> PageParser:
    p = PageParser()
    p.feed(page)
    p.close()
    return p


def _self_contained(p: PageParser):
    assert p.count("script") == 0
    for tag, attrs in p.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)   # no event handlers
        assert "src" not in attrs or tag not in ("img", "iframe", "script", "embed", "object"), (tag, attrs)
        if tag == "link":
            raise AssertionError(f"external resource {attrs}")
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://")), attrs
        if tag == "style":
            pass
    assert p.count("style") == 1


@pytest.mark.parametrize("name", ["seed", "coverage"])
def test_html_page_structure(name, request):
    result = request.getfixturevalue(name)
    page = rc.render(result, "html")
    assert page.startswith("<!DOCTYPE html>")
    p = parse(page)
    n = len(result["events"])
    assert p.count("svg") == n and p.count("section") == n
    assert p.count("table") == n
    assert p.count("script") == 0
    _self_contained(p)
    css = page[page.index("<style>"):page.index("</style>")]
    assert "@import" not in css and "url(" not in css


def test_html_links_to_articles_and_escapes_everything(hostile, coverage):
    page = rc.render(hostile, "html")
    p = parse(page)
    _self_contained(p)
    assert p.count("a") == 0                     # javascript: links are dropped
    assert p.count("img") == 0 and "<script>" not in page
    assert any(HOSTILE in t for t in p.text)     # the text itself is shown, as text
    links = [a["href"] for t, a in parse(rc.render(coverage, "html")).tags if t == "a"]
    assert "https://news.example.org/pokrovets-toll" in links


def test_empty_result_in_every_format():
    empty = {"events": [], "documents": []}
    assert json.loads(rc.render(empty, "json")) == empty
    assert rc.render(empty, "jsonl") == "" and rc.render(empty, "markdown") == ""
    assert rc.render(empty, "csv").strip() == ",".join(rc.CSV_COLUMNS)
    assert rc.render(empty, "table") == ""
    p = parse(rc.render(empty, "html"))
    assert p.count("svg") == 0 and p.count("script") == 0


def test_format_for_file():
    assert rc.format_for_file("report.HTML") is rc.CompareFormat.html
    assert rc.format_for_file("x.md") is rc.CompareFormat.markdown
    assert rc.format_for_file("x") is rc.CompareFormat.json
