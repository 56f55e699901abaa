"""Stage: merge mentions into claims.

One claim is one (category, count, source) in a document, however often it is stated. Mentions
merge when their category and bounds are equal and their sources are the same or one name
contains the other ("Defense Ministry" in the headline, "the Russian Defense Ministry" in the
body). A mention in the article's own voice merges into a sourced claim only when it is a
headline (a headline repeats the body: annotation.md); elsewhere the article's own voice is a
claim of its own. Breakdowns and revisions keep a link to the claim they depend on.
"""
from __future__ import annotations

import bisect
import functools
import heapq
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


def _tokens(s: Source) -> set[str]:
    """What two sources `same_source` calls the same must share: a name word (one name's words
    lie inside the other's) or an acronym."""
    return set(name_words(s.name)) | set(name_words(s.text)) | {"\0" + a for a in _acronyms(s)}


class _Index:
    """The groups of one (category, count) key, so that a mention finds its group without
    comparing its source with every group of the same count (a long document repeats "two
    killed" from many sources): groups by the words and acronyms of their sources, and the
    groups with no source yet, in the order they were made."""

    def __init__(self) -> None:
        self.groups: list[int] = []           # in the order made (every group starts without a source)
        self.by_token: dict[str, list[int]] = {}
        self.unnamed_at = 0                   # groups before these two places have lost the property
        self.headlines_at = 0

    def first_unnamed(self, groups: list[_Group], headlines_only: bool = False) -> int | None:
        """The first group (in the order made) that has no source yet (and, with
        `headlines_only`, only headline mentions). Groups only ever lose these properties, so
        the ones that lost them are skipped once and for all."""
        at = self.headlines_at if headlines_only else self.unnamed_at
        while at < len(self.groups):
            g = groups[self.groups[at]]
            if not g.named and (g.all_heading or not headlines_only):
                break
            at += 1
        if headlines_only:
            self.headlines_at = at
        else:
            self.unnamed_at = at
        return self.groups[at] if at < len(self.groups) else None

    def first_named(self, groups: list[_Group], source: Source) -> int | None:
        """The first group (in the order made) with a source that `same_source` calls the same:
        the groups that share a token with it, merged in order, tried until one fits."""
        lists = [self.by_token[t] for t in _tokens(source) if t in self.by_token]
        last = -1
        for g in heapq.merge(*lists):
            if g != last:
                last = g
                if any(same_source(source, s) for s in groups[g].named):
                    return g
        return None


def merge(text: str, doc: str, candidates: list[Candidate], doc_name: str | None = None) -> list[Claim]:
    """Group candidates into claims, in order of first mention. Near-linear in the number of
    mentions: a candidate is compared only with the groups of the same count that share a word
    or an acronym with its source (or have no source), and each group keeps its distinct sources.

    A mention joins the first group (in the order made) of its category and count that fits: an
    own-voice mention a group without a source (any group when it is a headline or a figure of 5
    or more, which repeats an attributed one); a sourced mention a group with the same source, or
    a group without a source whose mentions are all headlines."""
    groups: list[_Group] = []
    index: dict[tuple, _Index] = {}
    group_of: dict[int, int] = {}
    for i, c in enumerate(candidates):
        key = _key(c)
        ix = index.get(key)
        if ix is None:
            ix = index[key] = _Index()
        target = None
        if c.source is None:
            if ix.groups and (c.sentence.heading or _repeats(c)):
                target = ix.groups[0]
            else:
                target = ix.first_unnamed(groups)
        else:
            a = ix.first_unnamed(groups, headlines_only=True)
            b = ix.first_named(groups, c.source)
            target = min((g for g in (a, b) if g is not None), default=None)
        if target is None:
            target = len(groups)
            groups.append(_Group())
            ix.groups.append(target)
        grp = groups[target]
        grp.members.append(i)
        grp.all_heading = grp.all_heading and c.sentence.heading
        if c.source is not None and not any(s == c.source for s in grp.named):
            grp.named.append(c.source)
            for t in _tokens(c.source):
                bisect.insort(ix.by_token.setdefault(t, []), target)   # kept in the order groups were made
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

