"""The claim record (`claimx/claim@1`): frozen dataclasses and their dict form.

The dict form is the contract for every output (see docs/schema.md). Key order is stable;
fields that are planned extensions (`rule`, `part_of`, `revises`, `source.kind`, `source.side`,
`doc_meta`) are emitted only when they carry a value, so older readers see the same record.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SCHEMA_ID = "claimx/claim@1"

CATEGORIES = ("killed", "wounded", "casualties", "missing", "captured")
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range", "vague", "unquantified")
VICTIM_TYPES = ("military", "civilian", "mixed", "unknown")


@dataclass(frozen=True)
class Count:
    text: str
    value: int | None
    low: int | None
    high: int | None
    qualifier: str

    @property
    def bounds(self) -> tuple[int | None, int | None, int | None]:
        return (self.value, self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value, "low": self.low, "high": self.high,
                "qualifier": self.qualifier}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Count":
        return cls(d.get("text", ""), d.get("value"), d.get("low"), d.get("high"),
                   d.get("qualifier", "exact"))


@dataclass(frozen=True)
class Victims:
    text: str | None
    type: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "type": self.type}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Victims":
        d = d or {}
        return cls(d.get("text"), d.get("type") or "unknown")


@dataclass(frozen=True)
class Source:
    text: str
    name: str
    cue: str
    kind: str | None = None
    side: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "name": self.name, "cue": self.cue}
        if self.kind:
            d["kind"] = self.kind
        if self.side:
            d["side"] = self.side
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Source | None":
        if not d:
            return None
        return cls(d.get("text") or d.get("name") or "", d.get("name") or d.get("text") or "",
                   d.get("cue") or "", d.get("kind"), d.get("side"))


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    line: int
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "line": self.line,
                "sentence": self.sentence}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Mention":
        return cls(d["start"], d["end"], d["text"], d.get("line", 0), d.get("sentence", ""))


@dataclass(frozen=True)
class Claim:
    doc: str
    id: str
    category: str
    count: Count
    victims: Victims
    source: Source | None
    hedged: bool
    event: str | None
    mentions: tuple[Mention, ...]
    rule: tuple[str, ...] = ()
    part_of: str | None = None
    revises: str | None = None
    doc_meta: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    def with_(self, **changes: Any) -> "Claim":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "doc": self.doc,
            "id": self.id,
            "category": self.category,
            "count": self.count.to_dict(),
            "victims": self.victims.to_dict(),
            "source": self.source.to_dict() if self.source else None,
            "hedged": self.hedged,
            "event": self.event,
            "mentions": [m.to_dict() for m in self.mentions],
            "rule": list(self.rule),
        }
        if self.part_of:
            d["part_of"] = self.part_of
        if self.revises:
            d["revises"] = self.revises
        if self.doc_meta:
            d["doc_meta"] = self.doc_meta
        for key, value in self.extra.items():
            d.setdefault(key, value)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Claim":
        """The claim of a record; raises ValueError naming the first field whose value is not of
        the type schema.md gives it (a record someone edited by hand or another tool wrote)."""
        check_record(d)
        known = {"schema", "doc", "id", "category", "count", "victims", "source", "hedged", "event",
                 "mentions", "rule", "part_of", "revises", "doc_meta"}
        return cls(
            doc=d.get("doc", "-"),
            id=d.get("id", ""),
            category=d["category"],
            count=Count.from_dict(d["count"]),
            victims=Victims.from_dict(d.get("victims")),
            source=Source.from_dict(d.get("source")),
            hedged=bool(d.get("hedged", False)),
            event=d.get("event"),
            mentions=tuple(Mention.from_dict(m) for m in d.get("mentions") or ()),
            rule=tuple(d.get("rule") or ()),
            part_of=d.get("part_of"),
            revises=d.get("revises"),
            doc_meta=d.get("doc_meta"),
            extra={k: v for k, v in d.items() if k not in known},
        )


# --------------------------------------------------------------------------------------------
# the types of a record read back (claim.schema.json has the full contract; these are the
# checks a reader needs so that no value of the wrong type reaches the code that uses it)

_STR, _INT, _BOOL = (str,), (int,), (bool,)


def check_type(value: Any, types: tuple[type, ...], where: str, *, null: bool = False) -> None:
    """Raise ValueError unless `value` is of one of `types` (a bool is no integer), or null when
    `null`."""
    if value is None and null:
        return
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        want = {_STR: "a string", _INT: "an integer", _BOOL: "true or false", (dict,): "an object",
                (list,): "an array"}[types]
        raise ValueError(f"{where}: expected {want}{' or null' if null else ''}, "
                         f"got {json_type(value)}")


def json_type(value: Any) -> str:
    """What a JSON value is, for a message ("an object", "a number")."""
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _check_enum(value: Any, allowed: tuple[str, ...], where: str) -> None:
    if value not in allowed:
        raise ValueError(f"{where}: expected one of {', '.join(allowed)}, got {value!r}"[:200])


def check_record(d: Any, *, mentions: bool = True) -> None:
    """Raise ValueError for the first field of a claim record whose value has the wrong type.
    Optional fields may be missing, as `from_dict` fills them in; so may the mentions, when
    `mentions` is false (scoring reads only the first mention's sentence, if any)."""
    check_type(d, (dict,), "record")
    for key in ("doc", "id"):
        check_type(d.get(key, ""), _STR, key)
    _check_enum(d.get("category"), CATEGORIES, "category")
    count = d.get("count")
    check_type(count, (dict,), "count")
    check_type(count.get("text", ""), _STR, "count.text")
    for key in ("value", "low", "high"):
        check_type(count.get(key), _INT, f"count.{key}", null=True)
        if (count.get(key) or 0) < 0:
            raise ValueError(f"count.{key}: expected a count (0 or more), got {count[key]}")
    _check_enum(count.get("qualifier", "exact"), QUALIFIERS, "count.qualifier")
    victims = d.get("victims")
    check_type(victims, (dict,), "victims", null=True)
    if victims:
        check_type(victims.get("text"), _STR, "victims.text", null=True)
        check_type(victims.get("type"), _STR, "victims.type", null=True)
    source = d.get("source")
    check_type(source, (dict,), "source", null=True)
    for key in ("text", "name", "cue", "kind", "side"):
        if source:
            check_type(source.get(key), _STR, f"source.{key}", null=True)
    check_type(d.get("hedged", False), _BOOL, "hedged")
    for key in ("event", "part_of", "revises"):
        check_type(d.get(key), _STR, key, null=True)
    items = d.get("mentions", None if mentions else [])
    check_type(items, (list,), "mentions", null=not mentions)
    if mentions and not items:
        raise ValueError("mentions: expected at least one mention")
    for i, m in enumerate(items or ()):
        check_type(m, (dict,), f"mentions[{i}]")
        for key in ("start", "end", "line"):
            check_type(m.get(key, 0), _INT, f"mentions[{i}].{key}")
        for key in ("text", "sentence"):
            check_type(m.get(key, ""), _STR, f"mentions[{i}].{key}")
    rule = d.get("rule", [])
    check_type(rule, (list,), "rule", null=True)
    for i, r in enumerate(rule or ()):
        check_type(r, _STR, f"rule[{i}]")
    meta = d.get("doc_meta")
    check_type(meta, (dict,), "doc_meta", null=True)
    for key in ("title", "date", "url"):
        if meta:
            check_type(meta.get(key), _STR, f"doc_meta.{key}", null=True)
