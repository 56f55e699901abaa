"""Stage: events within a document.

Groups the claims of one document by the incident they describe (E1, E2, ...), reading the text
in order with a running "current incident":

- a cumulative toll ("since 2015", "so far this year", "in the past 24 hours") is an event of its
  own per scope; claims with the same scope share it;
- an earlier incident given as background ("In June, ...", "the 2019 collapse", "a day after a
  spate of bombings killed 17") is an event of its own per anchor;
- a clause that brings an incident noun ("attack", "blast", "strike") with a place not seen in the
  current incident, or with a word that marks another incident ("two other explosions", "a
  separate attack", "elsewhere"), switches to that place's incident or starts a new one;
- everything else (quotes, follow-ups, other sources' figures) stays with the current incident;
- a breakdown or revision ("including 12 children", "up from 31") shares its total's event.

Words are data (`rules/events.toml`); countries (from the source registry) are not places.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import regex

from ..patterns import compiled
from ..rules import automaton, load
from .casualties import Candidate
from .segment import Sentence

_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_DATE = compiled(rf"\b(?:\d{{1,2}}\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}})\b")


@dataclass
class _Event:
    id: str
    kind: str                      # incident | cumulative | background
    key: str = ""
    places: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    n: int = 0                     # its place in the document's events (E1 is 0)


@functools.cache
def _data() -> dict:
    d = load("events.toml")
    flags = regex.IGNORECASE
    from ..registry import default_registry

    countries = {w.lower().removesuffix("'s").removesuffix("’s") for ws in default_registry().countries.values() for w in ws}
    heads = "|".join(d["place_heads"])
    return {
        "incident": (incident := _phrase_index(d["incident_nouns"])),
        "incident_probe": automaton(sorted(incident)),   # does a clause have any of their first words?
        "separate": compiled(r"\b(?:" + "|".join(d["separate_words"]) + r")\b", flags),
        # compiled when first needed (most texts never get past the probes)
        "cumulative": (cumulative := [(key, pats) for key, pats in d["cumulative"].items() if key != "probe"]),
        "background": (background := list(d["background"]["phrases"])),
        # does any of them match at all? (one search instead of one per phrase, most clauses have none)
        "cumulative_any": _any([p for _, pats in cumulative for p in pats]),
        "background_any": (_any([p for p in background if p.startswith("^")]),
                           _any([p for p in background if not p.startswith("^")])),
        "cumulative_probe": tuple(d["cumulative"]["probe"]),
        "background_probe": tuple(d["background"]["probe"]),
        # a place: "in Kherson", "near the village of Hroza", "the Kharkiv region"; the first
        # branch needs "<head> of" ("the city of"), so a clause without one is read without it
        # (the same matches: a branch that cannot match changes nothing), which is several times
        # faster: the other branch starts with a preposition, one of a few words to skip to
        "place": compiled(
            r"\b(?:(?:the\s+)?(?:\w+\s+)?(?:" + heads + r")\s+of\s+|" + (prep := (
                r"(?:" + "|".join(d["place_preps"]) + r")\s+(?:the\s+)?(?:(?:\p{Ll}[\w-]*\s+){0,2}"
                r"(?=\p{Lu}[\w'’-]*\s+(?:" + heads + r")\b))?)")) + (name := (
                r"(?P<p>\p{Lu}[\w'’-]*(?:\s+(?:al-|el-|de\s+)?\p{Lu}[\w'’-]*){0,3})"))),
        "place_prep": compiled(r"\b(?:" + prep + name),
        "head_of": compiled(r"(?:" + heads + r")\s+of\s"),
        "not_places": frozenset(d["not_places"]),
        "countries": frozenset(countries),
    }


_TOKEN = compiled(r"\w+")


def _any(phrases: list[str]):
    return compiled("|".join(f"(?:{p})" for p in phrases), regex.IGNORECASE) if phrases else None


def _phrase_index(phrases: list[str]) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Word phrases ("car bomb", "hostage-taking") by their first word, longest first: each as the
    words after the first and the separator before each of them (" " any space, "-" a hyphen).
    A dictionary look-up per word of a clause replaces a long alternation that would cost more
    to compile than most documents take to read."""
    index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for phrase in phrases:
        words = _TOKEN.findall(phrase.lower())
        seps = tuple("-" if "-" in gap else " " for gap in _TOKEN.split(phrase)[1:-1])
        index.setdefault(words[0], []).append((tuple(words[1:]), seps))
    for options in index.values():
        options.sort(key=lambda o: -len(o[0]))
    return index


def _find_phrases(text: str, index: dict, probe) -> list[int]:
    """Where the phrases of an index start in text, whole words only, without overlaps (the
    longest phrase at a word wins), case-insensitively. `probe` is an automaton of the index's
    first words: a text in which none of them occurs at all is not split into words."""
    if not probe.find_matches_as_indexes(text.lower()):
        return []
    tokens = list(_TOKEN.finditer(text))
    out = []
    i = 0
    while i < len(tokens):
        options = index.get(tokens[i].group().lower())
        taken = 0
        for rest, seps in options or ():
            if i + len(rest) >= len(tokens):
                continue
            ok = True
            for k, (word, sep) in enumerate(zip(rest, seps)):
                a, b = tokens[i + k], tokens[i + k + 1]
                gap = text[a.end():b.start()]
                if b.group().lower() != word or not (gap == "-" if sep == "-" else gap and gap.isspace()):
                    ok = False
                    break
            if ok:
                taken = len(rest) + 1
                break
        if taken:
            out.append(tokens[i].start())
            i += taken
        else:
            i += 1
    return out


_DEFINITE = frozenset("the this that these those its their his her same".split())
_FRESH = frozenset("a an another other separate second third two three four five six seven eight nine ten several "
                   "multiple different new further".split())


def _incident_mentions(clause: str) -> list[str]:
    """Each incident noun of a clause, as 'definite' ("the crash"), 'fresh' ("a car bomb", "two other
    explosions") or 'bare' ("Checkpoint shootings")."""
    out = []
    for start in _find_phrases(clause, _data()["incident"], _data()["incident_probe"]):
        before = clause[max(0, start - 40):start].lower().split()[-4:]
        kind = "bare"
        for w in reversed(before):
            w = w.strip(",.;:\"“”'()")
            if w in _DEFINITE or w.endswith(("'s", "’s")):   # "the crash", "Friday's attack"
                kind = "definite"
                break
            if w in _DEFINITE:
                kind = "definite"
                break
            if w in _FRESH or w.isdigit():
                kind = "fresh"
                break
        out.append(kind)
    return out


def _clauses(text: str, s: Sentence) -> list[tuple[int, int]]:
    out = []
    a = s.start
    for m in compiled(r";").finditer(text[s.start:s.end]):
        out.append((a, s.start + m.start()))
        a = s.start + m.end()
    out.append((a, s.end))
    return out


def _places(text: str, a: int, b: int) -> set[str]:
    d = _data()
    out = set()
    place = d["place"] if d["head_of"].search(text, a, b) else d["place_prep"]
    for m in place.finditer(text, a, b):
        words = [w for w in m.group("p").split() if w not in d["not_places"]]
        if not words:
            continue
        phrase = " ".join(words).removesuffix("'s").removesuffix("’s")
        if phrase.lower() in d["countries"] or words[0].lower() in d["countries"] and len(words) == 1:
            continue
        out.add(phrase.lower())
    return out


def _overlap(a: set[str], b: set[str]) -> bool:
    wa = {w for p in a for w in p.split()}
    wb = {w for p in b for w in p.split()}
    return bool(wa & wb)


_COMPARISON = compiled(r"\b(?:deadliest|worst|highest|largest|biggest|bloodiest|most\s+\w+)\b[^.;]{0,40}$", regex.IGNORECASE)


def _near(text: str, a: int, b: int, c: Candidate) -> str:
    """The text around a claim that its scope words may sit in: its clause, cut to 80 characters
    on either side of the rule's match."""
    lo = max(a, min(c.span[0], c.q.start) - 80)
    hi = min(b, max(c.span[1], c.q.end) + 80)
    return text[lo:hi]


def _scope(clause: str) -> str | None:
    low = clause.lower()
    if not any(w in low for w in _data()["cumulative_probe"]) or not _data()["cumulative_any"].search(clause):
        return None
    for key, pats in _data()["cumulative"]:
        for p in pats:
            m = compiled(p, regex.I).search(clause)
            if m and _COMPARISON.search(clause[:m.start()]):
                continue        # "one of the deadliest attacks since the 2021 coup": a comparison, not a scope
            if m:
                year = compiled(r"(?:19|20)\d\d").search(m.group()) if key == "war" else None
                return "since " + year.group() if year else key
    return None


def _background(clause: str, near: str) -> str | None:
    d = _data()
    low = clause.lower()
    if not any(w in low for w in d["background_probe"]):
        return None
    framing, nearby = d["background_any"]
    if not (framing and framing.search(clause)) and not (nearby and nearby.search(near)):
        return None
    for source in d["background"]:
        p = compiled(source, regex.I)
        m = p.search(clause if source.startswith("^") else near)
        if m and not _COMPARISON.search((clause if source.startswith("^") else near)[:m.start()]):
            return " ".join(m.group().lower().split())
    return None


def assign(text: str, sentences: list[Sentence], candidates: list[Candidate]) -> list[Candidate]:
    """Set `event` on every candidate."""
    if not candidates:
        return candidates
    if len(candidates) == 1:
        # no event exists before the first claim comes, so the first claim always starts E1
        candidates[0].event = "E1"
        return candidates
    d = _data()
    events: list[_Event] = []
    by_sentence: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_sentence.setdefault(c.sentence.index, []).append(c)
    last = max(by_sentence)

    # look-ups that keep the reading linear in the number of events: the events by kind and key,
    # and, for each place word, the two latest incidents (by creation) that name it
    keyed: dict[tuple[str, str], _Event] = {}
    latest: dict[str, list[int]] = {}

    def new(kind: str, key: str = "", places=(), dates=()) -> _Event:
        e = _Event(f"E{len(events) + 1}", kind, key, set(), set(dates), len(events))
        events.append(e)
        keyed.setdefault((kind, key), e)
        add_places(e, places)
        return e

    def add_places(e: _Event, places) -> None:
        e.places.update(places)
        if e.kind != "incident":
            return
        for w in {w for p in places for w in p.split()}:
            top = latest.setdefault(w, [])
            if e.n not in top:
                top.append(e.n)
                top.sort(reverse=True)
                del top[2:]

    def known_incident(places: set[str]) -> _Event | None:
        """The latest incident other than the current one that shares a place word with `places`."""
        best = -1
        for w in {w for p in places for w in p.split()}:
            for n in latest.get(w, ()):
                if events[n] is not current:
                    best = max(best, n)
                    break
        return events[best] if best >= 0 else None

    current: _Event | None = None      # the running incident (created when its first claim comes)
    pending: tuple[set[str], set[str]] | None = None
    body_started = False
    previous: Candidate | None = None
    # the headline, the sentences with claims and the few before each: where places, dates and
    # incident words that decide a claim's event are written
    window = sorted({i for k in by_sentence for i in range(max(0, k - 6), k + 1)} |
                    {x.index for x in sentences[:last + 1] if x.heading})
    for s in (sentences[i] for i in window):
        lead = not s.heading and not body_started and current is not None
        if not s.heading:
            body_started = True
        for a, b in _clauses(text, s):
            clause = text[a:b]
            places = _places(text, a, b)
            dates = set(_DATE.findall(clause))
            mentions = _incident_mentions(clause)
            incident = bool(mentions)
            fresh = any(kind != "definite" for kind in mentions)   # "a car bomb", "two other explosions"
            separate = bool(d["separate"].search(clause))
            ctx_places = pending[0] if pending else (current.places if current else set())
            ctx_dates = pending[1] if pending else (current.dates if current else set())
            known = known_incident(places) if places else None
            started = current is not None or pending is not None
            if lead:
                # the lead tells the headline's story: it only adds places and dates
                add_places(current, places)
                current.dates |= dates
            elif known is not None and not (pending and _overlap(places, pending[0])):
                # back to an incident named before ("In Zaporizhzhia, the drone hit a bus stop")
                current, pending = known, None
            elif started and fresh and (separate or (places and ctx_places and not _overlap(places, ctx_places))
                                        or (dates and ctx_dates and not dates & ctx_dates and not places)):
                # another incident: "a car bomb in Baghdad", "two other explosions", "a separate attack"
                current, pending = None, (set(places), set(dates))
            elif current is not None and not current.places and places and incident:
                add_places(current, places)
            elif pending is not None:
                pending[0].update(places if incident else ())
            mine = [c for c in by_sentence.get(s.index, []) if a <= c.q.start < b]
            for c in mine:
                if c.head is not None and candidates[c.head].event:
                    c.event = candidates[c.head].event
                    continue
                near = _near(text, a, b, c)
                scope = _scope(near)
                if scope is not None:
                    e = keyed.get(("cumulative", scope)) or new("cumulative", scope)
                    c.event = e.id
                    previous = c
                    continue
                anchor = _background(clause, near)
                if anchor is not None and current is not None:
                    e = keyed.get(("background", anchor)) or new("background", anchor)
                    c.event = e.id
                    continue
                if previous is not None and previous.source is not None and c.source is not None and \
                        previous.sentence.index >= s.index - 1 and previous.source.name == c.source.name and \
                        not (current is None and pending is not None) and previous.event != (current.id if current else None):
                    # the same source goes on about the same figures ("It said 32 were missing")
                    c.event = previous.event
                    previous = c
                    continue
                if current is None:
                    p, dt = pending if pending else (places if incident or not events else set(), dates)
                    current = new("incident", "", p, dt)
                    pending = None
                c.event = current.id
                previous = c
    return candidates
