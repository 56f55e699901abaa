"""Output of `claimx eval`: the scores of a run against gold annotations, in every format.

- `json`/`jsonl`: the report as one object (`evaluate.Report.to_dict()`), with `errors` when asked;
- `csv`: one row per line of the table below (scope, name, precision, recall, f1, tp, fp, fn);
- `markdown` and `table`: the overall figures, then per category and per qualifier, then the
  accuracies (attribution, qualifier, events, hedging); with errors, one line each after them.
"""
from __future__ import annotations

import json
from typing import Any

from .evaluate import Report
from .render import Format, csv_cell, escape_controls, markdown_cell

_ACCURACIES = ("attribution_accuracy", "qualifier_accuracy", "event_pair_accuracy", "hedged_accuracy")


def rows(report: dict) -> list[tuple[str, str, dict]]:
    """(scope, name, prf) for every line of the score table."""
    out = [("all", "count", report["count"]), ("all", "count+source", report["full"])]
    out += [("category", k, v) for k, v in report["by_category"].items()]
    out += [("qualifier", k, v) for k, v in report["by_qualifier"].items()]
    return out


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def render(report: Report, fmt: Format, errors: bool = False) -> str:
    d = report.to_dict()
    if errors:
        d["errors"] = [e.to_dict() for e in report.errors]
    if fmt in (Format.json, Format.jsonl):
        return json.dumps(d, ensure_ascii=False, indent=None if fmt is Format.jsonl else 2) + "\n"
    if fmt is Format.csv:
        lines = ["scope,name,precision,recall,f1,tp,fp,fn"]
        for scope, name, m in rows(d):
            lines.append(",".join(csv_cell(x) for x in (scope, name, m["precision"], m["recall"], m["f1"],
                                                        m["tp"], m["fp"], m["fn"])))
        for key in _ACCURACIES:
            lines.append(",".join(csv_cell(x) for x in ("accuracy", key, "", "", d[key] if d[key] is not None else "",
                                                        "", "", "")))
        return "\n".join(lines) + "\n"
    if fmt is Format.markdown:
        lines = [f"**{d['documents']} documents, {d['gold_claims']} gold claims**", "",
                 "| scope | name | precision | recall | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|---|"]
        for scope, name, m in rows(d):
            lines.append(f"| {scope} | {markdown_cell(name)} | {_pct(m['precision'])} | {_pct(m['recall'])} | "
                         f"{_pct(m['f1'])} | {m['tp']} | {m['fp']} | {m['fn']} |")
        lines += ["", "| accuracy | value |", "|---|---|"]
        lines += [f"| {k.removesuffix('_accuracy')} | {_pct(d[k])} |" for k in _ACCURACIES]
        if errors:
            lines += ["", "**Errors**", ""] + [f"- {markdown_cell(e.line())}" for e in report.errors]
        return "\n".join(lines) + "\n"
    return _table(d, report, errors)


def _table(d: dict, report: Report, errors: bool) -> str:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{d['documents']} documents, {d['gold_claims']} gold claims")
    for col in ("scope", "name", "precision", "recall", "F1", "tp", "fp", "fn"):
        t.add_column(col, justify="right" if col not in ("scope", "name") else "left")
    for scope, name, m in rows(d):
        t.add_row(scope, escape_controls(name), _pct(m["precision"]), _pct(m["recall"]), _pct(m["f1"]),
                  str(m["tp"]), str(m["fp"]), str(m["fn"]))
    a = Table(title="accuracy over paired gold claims")
    a.add_column("what")
    a.add_column("value", justify="right")
    for k in _ACCURACIES:
        a.add_row(k.removesuffix("_accuracy"), _pct(d[k]))
    console = Console(record=True, width=110, force_terminal=False)
    with console.capture() as cap:
        console.print(t)
        console.print(a)
        if errors:
            for e in report.errors:
                console.print(escape_controls(e.line()), markup=False, highlight=False, soft_wrap=True)
    return cap.get()


def summary_line(report: Report) -> str:
    d: dict[str, Any] = report.to_dict()
    return (f"count F1 {d['count']['f1']:.3f} (P {d['count']['precision']:.3f} R {d['count']['recall']:.3f}), "
            f"count+source F1 {d['full']['f1']:.3f}, attribution {_pct(d['attribution_accuracy'])}")
