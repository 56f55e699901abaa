"""Stage: merge mentions into claims.

One claim is one (category, count, source) in a document, however often it is stated. Mentions
merge when their category and bounds are equal and their sources are the same or one name
contains the other ("Defense Ministry" in the headline, "the Russian Defense Ministry" in the
body). A mention in the article's own voice merges into a sourced claim only when it is a
headline (a headline repeats the body: annotation.md); elsewhere the article's own voice is a
claim of its own. Breakdowns and revisions keep a link to the claim they depend on.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..models import Claim, Count, Mention, Source, Victims
from ..patterns import compiled
from .casualties import Candidate
from .segment import LineIndex

_NAME_WORDS = compiled(r"[^\W_]+")
_DROP = frozenset({"the", "a", "an", "s"})


@functools.lru_cache(maxsize=4096)     # merging compares the same few names again and again
def name_words(name: str | None) -> tuple[str, ...]:
    if not name:
        return ()
    words = [w for w in _NAME_WORDS.findall(name.lower().replace("’", "'").replace("'s", "")) if w not in _DROP]
    return tuple(words)


_ACRONYM = compiled(r"\b\p{Lu}{2,}[\p{Lu}\d-]*\b")


def _acronyms(s: Source) -> frozenset[str]:
    return _acronyms_of(f"{s.text} {s.name}")


@functools.lru_cache(maxsize=4096)
def _acronyms_of(text: str) -> frozenset[str]:
    return frozenset(a for a in _ACRONYM.findall(text) if len(a) >= 2)


def same_source(a: Source | None, b: Source | None) -> bool:
    """The same party: equal names, one name inside the other ("Defense Ministry" and "the Russian
    Defense Ministry"), or a shared acronym ("IGSU spokesman Cristian Popa" and the "General
    Inspectorate for Emergency Situations (IGSU)")."""
    if a is None or b is None:
        return a is b
    for x in (a.name, a.text):
        for y in (b.name, b.text):
            wa, wb = set(name_words(x)), set(name_words(y))
            if wa and wb and (wa <= wb or wb <= wa):
                return True
    return bool(_acronyms(a) & _acronyms(b))


def _repeats(c: Candidate) -> bool:
    """Is this own-voice mention specific enough to be a repetition of a figure attributed earlier
    (a "27" restated), rather than a coincidence (a "1" or "two")?"""
    q = c.q
    n = q.value if q.value is not None else None
    return n is not None and n >= 5


def _key(c: Candidate) -> tuple:
    q = c.q
    return (c.category, q.value, q.low, q.high)


def _sentence_text(text: str, c: Candidate) -> str:
    return " ".join(text[c.sentence.start:c.sentence.end].split())


@dataclass
class _Group:
    members: list[int] = field(default_factory=list)
    named: list[Source] = field(default_factory=list)       # the distinct sources of its mentions
    all_heading: bool = True


def merge(text: str, doc: str, candidates: list[Candidate], doc_name: str | None = None) -> list[Claim]:
    """Group candidates into claims, in order of first mention. Near-linear in the number of
    mentions: candidates are compared only with the groups of the same count, and each group keeps
    its distinct sources."""
    groups: list[_Group] = []
    by_key: dict[tuple, list[int]] = {}
    group_of: dict[int, int] = {}
    for i, c in enumerate(candidates):
        target = None
        for g in by_key.get(_key(c), ()):
            grp = groups[g]
            if c.source is None:
                if not grp.named or c.sentence.heading or _repeats(c):
                    target = g
                    break
                continue
            if not grp.named:
                # a sourced body mention after an own-voice headline: the headline was this claim
                if grp.all_heading:
                    target = g
                    break
                continue
            if any(same_source(c.source, s) for s in grp.named):
                target = g
                break
        if target is None:
            target = len(groups)
            groups.append(_Group())
            by_key.setdefault(_key(c), []).append(target)
        grp = groups[target]
        grp.members.append(i)
        grp.all_heading = grp.all_heading and c.sentence.heading
        if c.source is not None and not any(s == c.source for s in grp.named):
            grp.named.append(c.source)
        group_of[i] = target
    lines = LineIndex(text)
    name = doc_name or doc
    ids = [f"{name}#{n + 1}" for n in range(len(groups))]
    claims: list[Claim] = []
    for g, grp in enumerate(groups):
        cands = [candidates[j] for j in grp.members]
        # the claim's source: the longest name among its mentions (the fullest form; the first on a tie)
        source = max(grp.named, key=lambda s: len(name_words(s.name))) if grp.named else None
        first = cands[0]
        q = first.q
        victims_c = next((c for c in cands if c.victims), first)
        mentions = tuple(sorted({(c.q.start, c.q.end): Mention(c.q.start, c.q.end, text[c.q.start:c.q.end],
                                                             lines.line(c.q.start), _sentence_text(text, c))
                                 for c in cands}.values(), key=lambda m: m.start))
        rule_ids: list[str] = []
        for c in cands:
            for r in (c.q.rule, c.rule):
                if r not in rule_ids and r != "number":
                    rule_ids.append(r)
        part_of = None
        for c in cands:
            if c.head is not None and c.head in group_of and group_of[c.head] != g and c.link == "part_of":
                part_of = part_of or ids[group_of[c.head]]
        claims.append(Claim(
            doc=doc, id=ids[g], category=first.category,
            count=Count(q.text, q.value, q.low, q.high, q.qualifier),
            victims=Victims(victims_c.victims, victims_c.victims_type),
            source=source, hedged=any(c.hedged for c in cands), event=first.event,
            mentions=mentions, rule=tuple(rule_ids), part_of=part_of))
    # "rose to 89 from 63": the 63 points at the 89; the 89 revises the 63
    revises: dict[int, str] = {}
    for i, c in enumerate(candidates):
        if c.link == "revises" and c.head in group_of and group_of[c.head] != group_of[i]:
            revises.setdefault(group_of[c.head], ids[group_of[i]])
    return [cl.with_(revises=revises[g]) if g in revises else cl for g, cl in enumerate(claims)]

