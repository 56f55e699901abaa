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
