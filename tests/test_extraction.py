"""Sentences with their claims, annotated inline in fixtures/cases/*.txt (extraction forms and
attribution cues).

Each line is a case: the quantity phrases claimx must report (with category and source) and,
by omission, everything it must not report. Adding a case is adding a line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

import claimx
from claimx.evaluate import source_fits

from conftest import FIXTURES

_MARK = re.compile(r"\[([^\[\]|]+)\|(\w+)(?:\|([^\[\]]+))?\]|\{([^{}]+)\}")


@dataclass
class Case:
    id: str
    text: str
    expected: list[tuple[str, str, str | None]]   # (phrase, category, source or None)
    xfail: str | None = None


def parse(line: str) -> Case:
    xfail = None
    m = re.match(r"xfail\(([^)]*)\)\s+", line)
    if m:
        xfail, line = m.group(1), line[m.end():]
    cid, _, annotated = line.partition(": ")
    annotated = annotated.replace("\\n", "\n")
    line_source = None
    claims: list[tuple[str, str, str | None | bool]] = []
    out = []
    pos = 0
    for m in _MARK.finditer(annotated):
        out.append(annotated[pos:m.start()])
        if m.group(4) is not None:
            line_source = m.group(4)
            out.append(m.group(4))
        else:
            own = m.group(3)
            claims.append((m.group(1), m.group(2), own if own is not None else True))
            out.append(m.group(1))
        pos = m.end()
    out.append(annotated[pos:])
    expected = [(p, c, (line_source if s is True else (None if s == "-" else s))) for p, c, s in claims]
    return Case(cid.strip(), "".join(out), expected, xfail)


def load_cases(name: str) -> list:
    params = []
    for line in (FIXTURES / "cases" / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        case = parse(line)
        marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", load_cases("extraction.txt"))
def test_extraction_case(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", load_cases("attribution.txt"))
def test_attribution_case(case: Case) -> None:
    check(case)


def check(case: Case) -> None:
    claims = claimx.extract(case.text, "case.txt")
    found = {(m.text, c.category) for c in claims for m in c.mentions}
    want = {(p, cat) for p, cat, _ in case.expected}
    assert found == want, f"{case.text!r}: found {sorted(found)}, want {sorted(want)}"
    for phrase, cat, source in case.expected:
        claim = next(c for c in claims if c.category == cat and any(m.text == phrase for m in c.mentions))
        src = claim.source.to_dict() if claim.source else None
        assert source_fits(src, [source] if source else None), \
            f"{phrase!r}: source {src and src['name']!r}, want {source!r}"


def test_parser_reads_annotations() -> None:
    case = parse("x: [At least 12|killed] people died, {police} said.")
    assert case.text == "At least 12 people died, police said."
    assert case.expected == [("At least 12", "killed", "police")]
