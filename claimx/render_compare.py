"""Every output format of `claimx compare`: table, json, jsonl, csv, markdown, html.

Each renderer is a pure function of the comparison document (`claimx.compare.comparison`, the
JSON of `--format json`), so a saved JSON comparison can be rendered again. Nothing heavy is
imported at import time: `rich` only for a table.

Cells show a source's figures as people read them (`63`, `~400`, `300–999 (several hundred)`),
with marks: `*` hedged ("could be", "reportedly"), `†` in the article's own voice,
`incl.` a breakdown of another figure, `→` one source's figures in the order of the articles'
dates (revisions), `[2]` the articles that carried a figure when an event has several.
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Mapping
from typing import Any, TextIO

from .render import CompareFormat, display_text, escape_controls, markdown_cell, csv_cell

HEDGED, OWN_VOICE = "*", "†"
OWN_VOICE_LABEL = "(article's own voice)"
LEGEND = f"{HEDGED} hedged   {OWN_VOICE} in the article's own voice   → later figure of the same source"


def default_format(stream: TextIO) -> CompareFormat:
    """`table` when `stream` is a terminal, `json` otherwise."""
    try:
        return CompareFormat.table if stream.isatty() else CompareFormat.json
    except (AttributeError, ValueError):
        return CompareFormat.json


SUFFIX_FORMATS = {".html": CompareFormat.html, ".htm": CompareFormat.html, ".json": CompareFormat.json,
                  ".jsonl": CompareFormat.jsonl, ".csv": CompareFormat.csv, ".md": CompareFormat.markdown,
                  ".markdown": CompareFormat.markdown, ".txt": CompareFormat.table}


def format_for_file(path: str) -> CompareFormat:
    """The format a file name asks for (`--out report.html`), else json."""
    low = path.lower()
    for suffix, fmt in SUFFIX_FORMATS.items():
        if low.endswith(suffix):
            return fmt
    return CompareFormat.json


Result = Mapping[str, Any]


# ------------------------------------------------------------------------------------------------
# shared pieces: documents, sources, cells

def doc_numbers(result: Result) -> dict[str, int]:
    """Document -> its reference number ([1], [2], ...) in the order of `documents`."""
    docs = [d["doc"] for d in result.get("documents") or ()]
    for ev in result.get("events") or ():
        for d in ev.get("docs") or ():
            if d not in docs:
                docs.append(d)
    return {d: n for n, d in enumerate(docs, 1)}


def doc_info(result: Result) -> dict[str, Mapping[str, Any]]:
    return {d["doc"]: d for d in result.get("documents") or ()}


def source_groups(event: Mapping[str, Any]) -> list[tuple[str | None, str | None, str | None, list[Mapping]]]:
    """The rows of an event grouped by source, in the event's order: (source, kind, side, rows)."""
    out: dict[tuple, list] = {}
    for r in event.get("rows") or ():
        out.setdefault((r.get("source"), r.get("kind"), r.get("side")), []).append(r)
    return [(s, k, sd, rows) for (s, k, sd), rows in out.items()]


def source_label(source: str | None, kind: str | None = None, side: str | None = None) -> str:
    if source is None:
        return OWN_VOICE_LABEL
    return display_text(source)


def kind_side(kind: str | None, side: str | None) -> str:
    return " / ".join(display_text(x) for x in (kind, side) if x)


def figure_text(row: Mapping[str, Any], numbers: Mapping[str, int] | None = None) -> str:
    """One figure with its marks; `numbers` adds the references of the articles that carried it."""
    text = display_text(row.get("display"))
    if row.get("hedged"):
        text += HEDGED
    if row.get("source") is None:
        text += OWN_VOICE
    if row.get("breakdown"):
        text = "incl. " + text
    if numbers:
        refs = ",".join(str(numbers[d]) for d in row.get("docs") or () if d in numbers)
        if refs:
            text += f" [{refs}]"
    return text


def cell_text(rows: list[Mapping[str, Any]], numbers: Mapping[str, int] | None = None) -> str:
    """A source's figures in one category: revisions joined by →, others by ·."""
    parts: list[str] = []
    for i, r in enumerate(rows):
        t = figure_text(r, numbers)
        if i:
            prev = rows[i - 1]
            arrow = (r.get("revision") and prev.get("revision") and not r.get("breakdown")
                     and r["revision"] > prev["revision"])
            parts.append(" → " if arrow else " · ")
        parts.append(t)
    return "".join(parts)


def event_numbers(event: Mapping[str, Any], numbers: Mapping[str, int]) -> dict[str, int] | None:
    """Article references are shown only when an event draws on several articles."""
    docs = event.get("docs") or ()
    return {d: numbers[d] for d in docs if d in numbers} if len(docs) > 1 else None


def _num(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,}"


def spread_text(category: str, s: Mapping[str, Any]) -> str:
    if s.get("low") is None and s.get("high") is None:
        return f"{category}: no figures"
    span = f"{_num(s.get('low'))}–{_num(s.get('high'))}" if s.get("low") != s.get("high") else _num(s.get("low"))
    if s.get("high") is None:
        span = f"≥{_num(s.get('low'))}"
    text = f"{category}: {span}"
    if s.get("ratio") is not None and s["ratio"] != 1:
        text += f", ×{_num(s['ratio'])}"
    if s.get("disagreement"):
        text += ", sources disagree"
    return text


def key_text(event: Mapping[str, Any]) -> str:
    """Why these claims are one incident, in one line."""
    key = event.get("key") or {}
    parts = []
    if key.get("places"):
        parts.append("places " + ", ".join(key["places"][:4]))
    if key.get("dates"):
        from .compare import human_date

        ds = [human_date(d) for d in key["dates"]]
        parts.append("date " + (ds[0] if len(ds) == 1 else f"{ds[0]}…{ds[-1]}"))
    if key.get("words"):
        parts.append("words " + ", ".join(key["words"][:4]))
    text = "; ".join(parts)
    links = event.get("links") or ()
    if links:
        text += f"; grouped from {len(event.get('events') or ())} article events by " + " | ".join(
            "; ".join(l.get("reasons") or ()) for l in links)
    return escape_controls(" ".join(text.split()))


def doc_line(doc: str, n: int, info: Mapping[str, Any] | None) -> str:
    bits = [f"[{n}] {display_text(doc)}"]
    if info:
        if info.get("date"):
            from .compare import human_date

            bits.append(human_date(info["date"]))
        if info.get("title"):
            bits.append(display_text(info["title"]))
    return " · ".join(bits)


# ------------------------------------------------------------------------------------------------
# JSON, JSONL, CSV

def to_json(result: Result) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(result: Result) -> str:
    """One event a line (the objects of `events` in the JSON format)."""
    return "".join(json.dumps(ev, ensure_ascii=False) + "\n" for ev in result.get("events") or ())


CSV_COLUMNS = ("event", "source", "category", "value", "low", "high", "qualifier", "docs",
               "display", "hedged", "kind", "side", "label", "breakdown", "revision", "dates")


def to_csv(result: Result) -> str:
    """Long format: one line per figure (event, source, category, value, low, high, qualifier,
    docs, then display, hedged, kind, side, label, breakdown, revision, dates); lists joined by `; `."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for ev in result.get("events") or ():
        for r in ev.get("rows") or ():
            row = {**r, "event": ev["id"], "label": ev.get("label"), "docs": "; ".join(r.get("docs") or ()),
                   "dates": "; ".join(r.get("dates") or ())}
            w.writerow([csv_cell(row.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------
# markdown

def to_markdown(result: Result) -> str:
    """One section per event: a table (sources by categories), the spread, why it is one
    incident, and the articles; pasteable into a fact-check."""
    numbers = doc_numbers(result)
    info = doc_info(result)
    out = []
    for ev in result.get("events") or ():
        nums = event_numbers(ev, numbers)
        cats = list(ev.get("categories") or ())
        out.append(f"### {markdown_cell(ev['id'])}: {markdown_cell(ev.get('label'))}\n\n")
        out.append("| source | kind / side | " + " | ".join(cats) + " |\n")
        out.append("| --- | --- | " + " | ".join("---" for _ in cats) + " |\n")
        for source, kind, side, rows in source_groups(ev):
            cells = [cell_text([r for r in rows if r["category"] == c], nums) for c in cats]
            out.append("| " + " | ".join(markdown_cell(x) for x in
                                         [source_label(source), kind_side(kind, side), *cells]) + " |\n")
        out.append("\n")
        spreads = ev.get("spread") or {}
        out.append("Spread: " + markdown_cell("; ".join(spread_text(c, spreads[c]) for c in cats if c in spreads))
                   + "  \n")
        if key_text(ev):
            out.append("Grouping: " + markdown_cell(key_text(ev)) + "  \n")
        out.append("Articles: " + markdown_cell("; ".join(doc_line(d, numbers[d], info.get(d))
                                                         for d in ev.get("docs") or ())) + "\n\n")
    if out:
        out.append(f"_{markdown_cell(LEGEND)}_\n")
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# terminal table with range bars

BAR_WIDTH = 28


def primary_category(event: Mapping[str, Any]) -> str | None:
    """The category the range bars show: the one with most quantified figures (killed on a tie)."""
    best, best_n = None, 0
    for c in event.get("categories") or ():
        n = sum(1 for r in event.get("rows") or ()
                if r["category"] == c and r.get("qualifier") != "unquantified" and not r.get("breakdown"))
        if n > best_n:
            best, best_n = c, n
    return best


def scale_max(rows: list[Mapping[str, Any]]) -> float:
    """The top of a shared scale: the highest finite number any figure names, with room for
    open-ended ones."""
    top = 0.0
    for r in rows:
        for x in (r.get("value"), r.get("low"), r.get("high")):
            if isinstance(x, (int, float)):
                top = max(top, float(x))
    if any(r.get("qualifier") == "approx" for r in rows):
        top *= 1.1
    if any(r.get("qualifier") == "at_least" or (r.get("high") is None and r.get("low") is not None) for r in rows):
        top *= 1.15
    return top or 1.0


def _span(r: Mapping[str, Any]) -> tuple[float, float, bool, bool] | None:
    """(from, to, open below, open above) of a figure on its scale, or None for unquantified."""
    from .compare import APPROX_MARGIN

    q, v, lo, hi = r.get("qualifier"), r.get("value"), r.get("low"), r.get("high")
    if q == "unquantified" or (v is None and lo is None and hi is None):
        return None
    if v is not None and q == "approx":
        return (v * (1 - APPROX_MARGIN), v * (1 + APPROX_MARGIN), False, False)
    if v is not None and q == "at_least":
        return (v, math.inf, False, True)
    if v is not None and q == "at_most":
        return (0.0, v, True, False)
    if v is not None and q == "exact":
        return (v, v, False, False)
    return (lo if lo is not None else 0.0, hi if hi is not None else math.inf, lo is None, hi is None)


def range_bar(rows: list[Mapping[str, Any]], top: float, width: int = BAR_WIDTH) -> str:
    """A source's figures in one category drawn on the scale 0..top: ● a number, ━ a range,
    ▸/◂ open ends; hedged figures drawn light (○, ╌)."""
    cells = [" "] * width

    def pos(x: float) -> int:
        return max(0, min(width - 1, int(round(x / top * (width - 1))))) if top else 0

    for r in rows:
        if r.get("breakdown"):
            continue
        span = _span(r)
        if span is None:
            continue
        a, b, open_lo, open_hi = span
        hedged = bool(r.get("hedged"))
        line, dot = ("╌", "○") if hedged else ("━", "●")
        pa, pb = pos(a), (width - 1 if math.isinf(b) else pos(b))
        for i in range(pa, pb + 1):
            if cells[i] == " ":
                cells[i] = line
        if r.get("value") is not None:
            cells[pos(r["value"])] = dot
        if open_hi:
            cells[width - 1] = "▸"
        if open_lo:
            cells[0] = "◂"
    return "".join(cells).rstrip()


def build_tables(result: Result, width: int | None = None) -> list:
    """`width` is the console's: on a narrow one the range bars are shorter."""
    """One `rich` renderable per event: a table with a title, the range bars, spread and key."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    numbers = doc_numbers(result)
    info = doc_info(result)
    bar_width = BAR_WIDTH if (width or 120) >= 110 else 14
    out = []
    for ev in result.get("events") or ():
        nums = event_numbers(ev, numbers)
        cats = list(ev.get("categories") or ())
        prim = primary_category(ev)
        prim_rows = [r for r in ev.get("rows") or () if r["category"] == prim]
        top = scale_max([r for r in prim_rows if not r.get("breakdown")])
        caption_lines = []
        spreads = ev.get("spread") or {}
        caption_lines.append("spread: " + "; ".join(spread_text(c, spreads[c]) for c in cats if c in spreads))
        if key_text(ev):
            caption_lines.append("grouping: " + key_text(ev))
        for d in ev.get("docs") or ():
            caption_lines.append(doc_line(d, numbers[d], info.get(d)))
        table = Table(title=Text(escape_controls(f"{ev['id']}  {ev.get('label') or ''}"), style="bold"),
                      title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                      collapse_padding=True, highlight=False,
                      caption=Text("\n".join(caption_lines)), caption_justify="left")
        table.add_column("source", overflow="fold")
        table.add_column("kind / side", overflow="fold")
        for c in cats:
            table.add_column(c, overflow="fold")
        if prim:
            table.add_column(Text(f"{prim} 0 ┈ {_num(int(round(top)))}"), no_wrap=True)
        for source, kind, side, rows in source_groups(ev):
            cells = [Text(source_label(source), style="italic" if source is None else ""),
                     Text(kind_side(kind, side))]
            cells += [Text(cell_text([r for r in rows if r["category"] == c], nums)) for c in cats]
            if prim:
                bar = range_bar([r for r in rows if r["category"] == prim], top, bar_width)
                cells.append(Text(bar, style="dim" if all(r.get("hedged") for r in rows) else ""))
            table.add_row(*cells)
        out.append(table)
    return out


def print_tables(result: Result, stream: TextIO, *, terminal: bool | None = None, width: int | None = None) -> None:
    from rich.console import Console

    kwargs: dict[str, Any] = dict(file=stream, highlight=False, emoji=False, markup=False)
    if terminal is False:
        kwargs.update(width=width or 120, color_system=None, force_terminal=False)
    console = Console(**kwargs)
    tables = build_tables(result, console.width)
    for n, t in enumerate(tables):
        if n:
            console.print()
        console.print(t)
    if tables:
        console.print()
        console.print(LEGEND, style="dim")


def to_table(result: Result, width: int | None = None) -> str:
    """The tables as plain text (no colour), as `--format table` prints to a file or a pipe."""
    buf = io.StringIO()
    print_tables(result, buf, terminal=False, width=width)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------
# HTML: one self-contained page, an SVG range chart per event and the table under it

def _e(x: Any) -> str:
    return html.escape("" if x is None else escape_controls(str(x)), quote=True)


def safe_url(url: Any) -> str | None:
    """A link to a source article, only when it is a plain http(s) URL."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    if not u.lower().startswith(("http://", "https://")) or any(ch.isspace() or ord(ch) < 32 for ch in u):
        return None
    return u


def nice_ticks(top: float, n: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:62rem;
  padding:0 1rem;color:#1d2330;line-height:1.45}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2.5rem;border-bottom:1px solid #d8dde6;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #d8dde6;padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:#f2f4f8}td.voice{font-style:italic}
p.meta,ol.docs,p.legend{font-size:.85rem;color:#4a5366}
.disagree{color:#a3241b;font-weight:600}
svg{display:block;max-width:100%;height:auto}
svg text{font-family:inherit;font-size:12px;fill:#1d2330}
svg .axis{stroke:#9aa3b2;stroke-width:1}svg .grid{stroke:#e4e8ef;stroke-width:1}
svg .tick{font-size:10px;fill:#6a7386}
svg .bar{fill:#2f6db5;fill-opacity:.75}svg .dot{fill:#1b4f8a}
svg .hedged{fill-opacity:.28;stroke:#2f6db5;stroke-dasharray:3 2}
svg circle.hedged{fill:#fff;stroke:#1b4f8a;stroke-dasharray:none;stroke-width:1.5}
svg .whisker{stroke:#1b4f8a;stroke-width:2}
svg .unq{font-style:italic;fill:#6a7386}
svg .cat{font-weight:600}svg .fig{font-size:11px;fill:#1d2330}
"""

LABEL_W, CHART_W, ROW_H, PAD = 230, 470, 22, 14


def event_svg(event: Mapping[str, Any]) -> str:
    """A range chart of an event: one panel per category, one line per source figure on a
    shared scale (points for numbers, bars for ranges, arrows for open ends, light for hedged)."""
    panels = []
    y = PAD
    for cat in event.get("categories") or ():
        rows = [r for r in event.get("rows") or () if r["category"] == cat and not r.get("breakdown")]
        if not rows:
            continue
        top = scale_max(rows)
        ticks = nice_ticks(top)
        top = ticks[-1] or 1.0

        def x(v: float) -> float:
            return LABEL_W + (min(v, top) / top) * CHART_W

        parts = [f'<text class="cat" x="0" y="{y + 10}">{_e(cat)}</text>']
        y0 = y + 20
        y_end = y0 + ROW_H * len(rows)
        for t in ticks:
            parts.append(f'<line class="grid" x1="{x(t):.1f}" y1="{y0 - 4}" x2="{x(t):.1f}" y2="{y_end}"/>')
            parts.append(f'<text class="tick" x="{x(t):.1f}" y="{y_end + 12}" text-anchor="middle">{_num(int(t)) if t == int(t) else _num(t)}</text>')
        parts.append(f'<line class="axis" x1="{LABEL_W}" y1="{y_end}" x2="{LABEL_W + CHART_W}" y2="{y_end}"/>')
        for i, r in enumerate(rows):
            cy = y0 + ROW_H * i + ROW_H / 2
            label = source_label(r.get("source"))
            hed = " hedged" if r.get("hedged") else ""
            tip = f"{label}: {figure_text(r)} ({'; '.join(r.get('docs') or ())})"
            parts.append(f'<g><title>{_e(tip)}</title>')
            parts.append(f'<text x="0" y="{cy + 4:.1f}"{" font-style=" + chr(34) + "italic" + chr(34) if r.get("source") is None else ""}>'
                         f'{_e(_clip(label, 30))}</text>')
            span = _span(r)
            if span is None:
                parts.append(f'<text class="unq" x="{LABEL_W + 4}" y="{cy + 4:.1f}">no number</text>')
            else:
                a, b, open_lo, open_hi = span
                xa, xb = x(a), (LABEL_W + CHART_W if math.isinf(b) else x(b))
                q = r.get("qualifier")
                if q == "approx":
                    parts.append(f'<line class="whisker{hed}" x1="{xa:.1f}" y1="{cy:.1f}" x2="{xb:.1f}" y2="{cy:.1f}"/>')
                elif xb - xa >= 1:
                    parts.append(f'<rect class="bar{hed}" x="{xa:.1f}" y="{cy - 5:.1f}" width="{xb - xa:.1f}" height="10" rx="3"/>')
                if open_hi:
                    xe = LABEL_W + CHART_W
                    parts.append(f'<polygon class="dot" points="{xe:.1f},{cy:.1f} {xe - 8:.1f},{cy - 6:.1f} {xe - 8:.1f},{cy + 6:.1f}"/>')
                if open_lo:
                    parts.append(f'<polygon class="dot" points="{LABEL_W:.1f},{cy:.1f} {LABEL_W + 8:.1f},{cy - 6:.1f} {LABEL_W + 8:.1f},{cy + 6:.1f}"/>')
                if r.get("value") is not None:
                    parts.append(f'<circle class="dot{hed}" cx="{x(r["value"]):.1f}" cy="{cy:.1f}" r="4.5"/>')
            parts.append(f'<text class="fig" x="{LABEL_W + CHART_W + 14}" y="{cy + 4:.1f}">'
                         f'{_e(_clip(figure_text(r), 22))}</text>')
            parts.append("</g>")
        panels.append("".join(parts))
        y = y_end + 28
    height = max(y, 40)
    width = LABEL_W + CHART_W + 170
    title = f"Range chart: {event.get('label') or event.get('id')}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>'
            + "".join(panels) + "</svg>")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def event_table_html(event: Mapping[str, Any], numbers: Mapping[str, int]) -> str:
    nums = event_numbers(event, numbers)
    cats = list(event.get("categories") or ())
    head = "".join(f"<th>{_e(c)}</th>" for c in cats)
    body = []
    for source, kind, side, rows in source_groups(event):
        cls = ' class="voice"' if source is None else ""
        cells = "".join(f"<td>{_e(cell_text([r for r in rows if r['category'] == c], nums))}</td>" for c in cats)
        body.append(f"<tr><td{cls}>{_e(source_label(source))}</td><td>{_e(kind_side(kind, side))}</td>{cells}</tr>")
    return (f"<table><thead><tr><th>source</th><th>kind / side</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def to_html(result: Result, title: str = "claimx compare") -> str:
    """One self-contained page: inline CSS and SVG, no script, nothing loaded from elsewhere;
    every text from the inputs escaped; links only to the source articles' http(s) URLs."""
    numbers = doc_numbers(result)
    info = doc_info(result)
    out = ["<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
           f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
           f"<h1>{_e(title)}</h1>\n"]
    events = result.get("events") or ()
    if not events:
        out.append("<p>No casualty claims found.</p>\n")
    for ev in events:
        out.append(f"<section id=\"{_e(ev['id'])}\">\n<h2>{_e(ev['id'])}: {_e(ev.get('label'))}</h2>\n")
        out.append(event_svg(ev) + "\n")
        out.append(event_table_html(ev, numbers) + "\n")
        spreads = ev.get("spread") or {}
        items = []
        for c in ev.get("categories") or ():
            if c in spreads:
                cls = ' class="disagree"' if spreads[c].get("disagreement") else ""
                items.append(f"<span{cls}>{_e(spread_text(c, spreads[c]))}</span>")
        out.append(f"<p class=\"meta\">Spread: {'; '.join(items)}</p>\n")
        if key_text(ev):
            out.append(f"<p class=\"meta\">Grouping: {_e(key_text(ev))}</p>\n")
        out.append("<ol class=\"docs\">")
        for d in ev.get("docs") or ():
            i = info.get(d) or {}
            url = safe_url(i.get("url"))
            name = _e(i.get("title") or d)
            link = f'<a href="{_e(url)}" rel="noopener noreferrer">{name}</a>' if url else name
            extra = " · ".join(_e(x) for x in (d if i.get("title") else None, i.get("date")) if x)
            out.append(f"<li value=\"{numbers[d]}\">{link}{' · ' + extra if extra else ''}</li>")
        out.append("</ol>\n</section>\n")
    out.append(f"<p class=\"legend\">{_e(LEGEND)}</p>\n</body>\n</html>\n")
    return "".join(out)


# ------------------------------------------------------------------------------------------------

def render(result: Result, fmt: CompareFormat) -> str:
    """The comparison in `fmt` as one string (tables as plain text)."""
    fmt = CompareFormat(fmt)
    return {
        CompareFormat.json: to_json,
        CompareFormat.jsonl: to_jsonl,
        CompareFormat.csv: to_csv,
        CompareFormat.markdown: to_markdown,
        CompareFormat.html: to_html,
        CompareFormat.table: to_table,
    }[fmt](result)
