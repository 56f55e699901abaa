"""Scoring claims against gold annotations (`claimx eval`).

Implements the matching written in docs/schema.md ("How predictions are matched to gold"), so a
researcher who annotates their own articles learns how far to trust claimx on them:

1. documents are matched by file name (the last component of `doc`);
2. predictions repeating the same (category, value, low, high, source name) count once;
3. a prediction fits a gold line when the categories are equal and the values are equal, or, for a
   gold line without a value, when the prediction has no value either and the bounds are equal;
4. pairs are made greedily in four passes: required lines whose source also matches, required
   lines with any source, then optional lines with and without a matching source;
5. sources match on normalised words (case, possessive 's, punctuation and a leading article do not
   matter): equal, the gold alias inside a prediction at most three words longer, or a prediction
   of two or more words inside the alias; no source matches only no source.

Pure functions over dicts: gold lines as in the gold format, predictions as claim@1 records.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import PurePath
from typing import Any, Iterable

import regex

from .errors import InputError
from .models import CATEGORIES, QUALIFIERS, check_record, check_type, json_type

_ARTICLES = ("the", "a", "an")


def doc_key(doc: Any) -> str:
    return PurePath(str(doc)).name


_POSSESSIVE = regex.compile(r"'s\b")
_PUNCT = regex.compile(r"[^\w\s-]")
_SPACES = regex.compile(r"[\s-]+")


def name_key(name: str | None) -> tuple[str, ...]:
    """A source name as the words it is compared by."""
    if not name:
        return ()
    t = _POSSESSIVE.sub("", name.lower().replace("’", "'"))
    t = _PUNCT.sub(" ", t)
    words = [w for w in _SPACES.split(t) if w]
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return tuple(words)


def source_fits(pred: dict | None, aliases: list[str] | None) -> bool:
    """Does a predicted source (a claim@1 `source` object) match a gold alias list?"""
    if aliases is None or pred is None:
        return aliases is None and pred is None
    names = [k for k in (name_key(pred.get("name")), name_key(pred.get("text"))) if k]
    for alias in aliases:
        a = name_key(alias)
        if not a:
            continue
        for p in names:
            if p == a:
                return True
            if set(a) <= set(p) and len(p) <= len(a) + 3:
                return True
            if len(p) >= 2 and set(p) <= set(a):
                return True
    return False


@dataclass
class Pred:
    doc: str
    category: str
    value: int | None
    low: int | None
    high: int | None
    qualifier: str | None
    source: dict | None
    event: str | None
    hedged: bool | None
    sentence: str

    @classmethod
    def of(cls, rec: dict, where: str) -> "Pred":
        try:
            check_record(rec, mentions=False)
        except ValueError as exc:
            raise InputError(where, f"not a claimx/claim@1 record ({exc})", kind="format") from None
        try:
            count = rec["count"]
            mentions = rec.get("mentions") or [{}]
            return cls(doc_key(rec["doc"]), rec["category"], count.get("value"), count.get("low"), count.get("high"),
                       count.get("qualifier"), rec.get("source"), rec.get("event"), rec.get("hedged"),
                       (mentions[0].get("sentence") or count.get("text") or ""))
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(where, f"not a claimx/claim@1 record (missing {exc})", kind="format") from None

    @property
    def key(self) -> tuple:
        s = self.source
        return (self.category, self.value, self.low, self.high,
                name_key(s.get("name") or s.get("text")) if s else None)


def fits(p: Pred, g: dict) -> bool:
    if p.category != g.get("category"):
        return False
    if g.get("value") is not None:
        return p.value == g["value"]
    return p.value is None and (p.low, p.high) == (g.get("low"), g.get("high"))


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Miss:
    """One error for `--errors`: a missed gold claim, a false claim, or a wrong source."""
    kind: str          # miss | false | source
    doc: str
    category: str
    value: int | None
    low: int | None
    high: int | None
    gold_source: list[str] | None = None
    pred_source: str | None = None
    sentence: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def line(self) -> str:
        amount = self.value if self.value is not None else (self.low, self.high)
        if self.kind == "source":
            return f"{self.doc}: SOURCE {self.category} {amount}: gold {self.gold_source} pred {self.pred_source!r}"
        if self.kind == "false":
            return f"{self.doc}: FALSE {self.category} {amount} source={self.pred_source!r} | {self.sentence[:160]}"
        return f"{self.doc}: MISSED {self.category} {amount} source={self.gold_source} | {self.sentence[:160]}"


@dataclass
class Report:
    documents: int = 0
    gold_claims: int = 0
    count: PRF = field(default_factory=PRF)
    full: PRF = field(default_factory=PRF)
    by_category: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    by_qualifier: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    matched: int = 0
    attribution_ok: int = 0
    qualifier_ok: int = 0
    hedged_n: int = 0
    hedged_ok: int = 0
    event_pairs: int = 0
    event_ok: int = 0
    errors: list[Miss] = field(default_factory=list)
    unknown_docs: set[str] = field(default_factory=set)

    @staticmethod
    def _ratio(a: int, n: int) -> float | None:
        return round(a / n, 4) if n else None

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "gold_claims": self.gold_claims,
            "count": self.count.to_dict(),
            "full": self.full.to_dict(),
            "attribution_accuracy": self._ratio(self.attribution_ok, self.matched),
            "qualifier_accuracy": self._ratio(self.qualifier_ok, self.matched),
            "event_pair_accuracy": self._ratio(self.event_ok, self.event_pairs),
            "hedged_accuracy": self._ratio(self.hedged_ok, self.hedged_n),
            "by_category": {k: v.to_dict() for k, v in sorted(self.by_category.items())},
            "by_qualifier": {k: v.to_dict() for k, v in sorted(self.by_qualifier.items())},
        }


def _check_gold(rows: list[dict], origin: str) -> None:
    for n, g in enumerate(rows, 1):
        if not isinstance(g, dict):
            raise InputError(origin, f"line {n}: a gold line is a JSON object, not {json_type(g)}", kind="format")
        if "doc" not in g:
            raise InputError(origin, f"line {n}: a gold line needs a doc", kind="format")
        if g.get("none"):
            continue
        if g.get("category") not in CATEGORIES:
            raise InputError(origin, f"line {n}: unknown category {g.get('category')!r}", kind="format")
        q = g.get("qualifier")
        if q is not None and q not in QUALIFIERS:
            raise InputError(origin, f"line {n}: unknown qualifier {q!r}", kind="format")
        try:
            _check_gold_types(g)
        except ValueError as exc:
            raise InputError(origin, f"line {n}: {exc}", kind="format") from None


def _check_gold_types(g: dict) -> None:
    """The types of the fields scoring reads (docs/schema.md, "Gold files")."""
    check_type(g["doc"], (str,), "doc")
    for key in ("value", "low", "high"):
        check_type(g.get(key), (int,), key, null=True)
    aliases = g.get("source")
    check_type(aliases, (list,), "source (a list of names)", null=True)
    for i, a in enumerate(aliases or ()):
        check_type(a, (str,), f"source[{i}]")
    for key in ("event", "evidence"):
        check_type(g.get(key), (str,), key, null=True)
    for key in ("optional", "hedged", "none"):
        check_type(g.get(key), (bool,), key, null=True)


def score(gold_rows: list[dict], pred_records: Iterable[dict], origin: str = "gold") -> Report:
    """Score claim@1 records against gold lines."""
    _check_gold(gold_rows, origin)
    golds: dict[str, list[dict]] = defaultdict(list)
    docs: set[str] = set()
    for g in gold_rows:
        d = doc_key(g["doc"])
        docs.add(d)
        if not g.get("none"):
            golds[d].append(g)
    preds: dict[str, list[Pred]] = defaultdict(list)
    rep = Report(documents=len(docs))
    for n, rec in enumerate(pred_records, 1):
        p = Pred.of(rec, f"prediction {n}")
        if p.doc in docs:
            preds[p.doc].append(p)
        else:
            rep.unknown_docs.add(p.doc)
    rep.gold_claims = sum(1 for d in docs for g in golds[d] if not g.get("optional"))
    for d in sorted(docs):
        _score_doc(d, golds[d], _dedupe(preds[d]), rep)
    return rep


def _dedupe(preds: list[Pred]) -> list[Pred]:
    seen: set[tuple] = set()
    out = []
    for p in preds:
        if p.key not in seen:
            seen.add(p.key)
            out.append(p)
    return out


def _pair(golds: list[dict], preds: list[Pred]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    taken_p: set[int] = set()
    taken_g: set[int] = set()
    for optional, with_source in ((False, True), (False, False), (True, True), (True, False)):
        for pi, p in enumerate(preds):
            if pi in taken_p:
                continue
            for gi, g in enumerate(golds):
                if gi in taken_g or bool(g.get("optional")) != optional or not fits(p, g):
                    continue
                if with_source and not source_fits(p.source, g.get("source")):
                    continue
                pairs.append((pi, gi))
                taken_p.add(pi)
                taken_g.add(gi)
                break
    return pairs


def _src_name(p: Pred) -> str | None:
    return (p.source or {}).get("name")


def _score_doc(doc: str, golds: list[dict], preds: list[Pred], rep: Report) -> None:
    pairs = _pair(golds, preds)
    paired_p = {pi for pi, _ in pairs}
    paired_g = {gi for _, gi in pairs}
    for pi, gi in pairs:
        p, g = preds[pi], golds[gi]
        if g.get("optional"):
            continue
        rep.count.tp += 1
        rep.by_category[g["category"]].tp += 1
        rep.by_qualifier[g.get("qualifier") or "?"].tp += 1
        rep.matched += 1
        ok = source_fits(p.source, g.get("source"))
        rep.attribution_ok += ok
        rep.qualifier_ok += p.qualifier == g.get("qualifier")
        if "hedged" in g:
            rep.hedged_n += 1
            rep.hedged_ok += bool(p.hedged) == bool(g["hedged"])
        if ok:
            rep.full.tp += 1
        else:
            rep.full.fp += 1
            rep.full.fn += 1
            rep.errors.append(Miss("source", doc, g["category"], g.get("value"), g.get("low"), g.get("high"),
                                   g.get("source"), _src_name(p), p.sentence))
    for pi, p in enumerate(preds):
        if pi not in paired_p:
            rep.count.fp += 1
            rep.full.fp += 1
            rep.by_category[p.category].fp += 1
            rep.by_qualifier[p.qualifier or "?"].fp += 1
            rep.errors.append(Miss("false", doc, p.category, p.value, p.low, p.high, None, _src_name(p), p.sentence))
    for gi, g in enumerate(golds):
        if gi not in paired_g and not g.get("optional"):
            rep.count.fn += 1
            rep.full.fn += 1
            rep.by_category[g["category"]].fn += 1
            rep.by_qualifier[g.get("qualifier") or "?"].fn += 1
            rep.errors.append(Miss("miss", doc, g["category"], g.get("value"), g.get("low"), g.get("high"),
                                   g.get("source"), None, g.get("evidence") or ""))
    # events: over pairs of paired required gold lines that carry an event label
    labelled = [(preds[pi], golds[gi]) for pi, gi in pairs if golds[gi].get("event") and not golds[gi].get("optional")]
    for (p1, g1), (p2, g2) in combinations(labelled, 2):
        rep.event_pairs += 1
        same_gold = g1["event"] == g2["event"]
        same_pred = p1.event is not None and p1.event == p2.event
        rep.event_ok += same_gold == same_pred


def read_jsonl(path: str) -> list[dict]:
    """JSON lines from a file, with an error naming the line that is not JSON."""
    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(path, f"line {n} is not JSON ({exc.msg})", kind="format") from None
    except FileNotFoundError:
        raise InputError(path, "no such file", kind="missing") from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 JSON lines", kind="encoding") from None
    except OSError as exc:
        raise InputError(path, (exc.strerror or str(exc)).lower(), kind="unreadable") from None
    return rows
