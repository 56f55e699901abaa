"""Competing claims side by side: claim records -> one comparison table per incident.

    >>> import claimx
    >>> from claimx.compare import compare_claims
    >>> text = "Officials said 12 people were killed. Witnesses said about 40 died."
    >>> [t.spread["killed"].disagreement for t in compare_claims(claimx.extract(text, "a.txt"))]
    [True]

Pure functions: claims in, `EventTable`s out; no I/O, no clock, deterministic orders.

1. **Units.** The claims of one document that share an `event` label (E1, E2, ... from extraction)
   are one unit. Events that one article keeps apart are never put together.
2. **Keys.** Each unit gets a grouping key read from its claims alone (their sentences and
   `doc_meta`), so that comparing articles and comparing `claimx extract`'s records of the same
   articles give the same result: places near the claims, a date, incident words and figures.
3. **Grouping** (unless `per_document`). Two units from different articles are linked when nothing
   rules it out (dates more than `DATE_WINDOW_DAYS` apart; specific places that all differ) and the
   evidence adds up to `LINK_SCORE` points: a shared place 3, the same region 1 (when one side names
   no town), a shared dateline place 1, dates within `CLOSE_DAYS` 2 (within the window 1), each
   shared incident word 1 (at most 2), a shared figure 2 (1 below 5, or for overlapping bounded
   figures). Links are taken best first; two groups merge only when no pair across them is ruled
   out and they hold no two events of the same article. Every event records its key and the
   reasons of the links that made it.
4. **Rows.** One row per source and distinct figure (category, qualifier, value, low, high), with
   the articles that carried it. Names of one source are merged within an event when one name's
   words are inside exactly one other name's ("Girkin", "Igor Girkin"). Claims stated in an
   article's own voice have no source. A breakdown ("including six officers") is kept, marked, and
   left out of the spread.
5. **Spread** per category: the lowest low, the highest high, the ratio of the highest to the
   lowest figure (a claim's value, else its high, else its low), and `disagreement` when two
   sources' intervals do not overlap (an approximate figure widened by `APPROX_MARGIN` either
   way, open bounds open, unquantified claims left out). One source's figures never disagree with
   each other: over time they are revisions.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from .models import CATEGORIES, Claim, Count

APPROX_MARGIN = 0.10       # "about 400" reads as 360-440
DATE_WINDOW_DAYS = 7       # two units further apart than this are different incidents
CLOSE_DAYS = 2             # dates this close are evidence of the same incident
LINK_SCORE = 4             # evidence needed to link two units whose dates are both known
UNDATED_LINK_SCORE = 5     # ... and when either date is unknown (recurring incidents in one city)
BIG_CITY = 100_000         # a shared city this big is weaker evidence than a town or village
SMALL_FIGURE = 5           # a shared figure below this is weak evidence ("2 killed" is common)

# ------------------------------------------------------------------------------------------------
# counts as people read them

_BOUND_WORDS = regex.compile(r"""
    ^(?:(?:as\s+(?:many|much|high|few|low)\s+as | up\s+to | at\s+(?:least|most) | (?:more|fewer|less)\s+than
        | no\s+(?:more|fewer|less)\s+than | upwards\s+of | over | nearly | almost | about | around
        | approximately | roughly | some | an?\s+estimated | possibly | possible | perhaps | even
        | close\s+to | reportedly | likely | probably)\s+)+""", regex.IGNORECASE | regex.VERBOSE)


def _n(x: int | float) -> str:
    return f"{int(x):,}"


def vague_phrase(text: str) -> str:
    """The vague amount of a count phrase without its bound words: "several hundred" out of
    "as much as several hundred"."""
    t = " ".join((text or "").split())
    return _BOUND_WORDS.sub("", t).lower()


def display(count: Count) -> str:
    """The count as people read it: `63`, `~400`, `≥4`, `≤50`, `20–30`,
    `300–999 (several hundred)`, `unquantified`."""
    q, v, lo, hi = count.qualifier, count.value, count.low, count.high
    if q == "unquantified":
        return "unquantified"
    if v is not None and q in ("exact", "approx", "at_least", "at_most"):
        return {"exact": "", "approx": "~", "at_least": "≥", "at_most": "≤"}[q] + _n(v)
    if lo is not None and hi is not None:
        num = _n(lo) if lo == hi else f"{_n(lo)}–{_n(hi)}"
    elif lo is not None:
        num = f"≥{_n(lo)}"
    elif hi is not None:
        num = f"≤{_n(hi)}"
    elif v is not None:
        num = _n(v)
    else:
        return "unquantified"
    if q == "vague":
        phrase = vague_phrase(count.text)
        if phrase and phrase != num.replace(",", ""):
            num += f" ({phrase})"
    return num


def interval(count: Count) -> tuple[float, float] | None:
    """The numbers a claim allows: a point for an exact count, ±`APPROX_MARGIN` for an
    approximate one, open to infinity above "at least", down to 0 below "up to"; None for an
    unquantified claim."""
    q, v, lo, hi = count.qualifier, count.value, count.low, count.high
    if q == "unquantified":
        return None
    if v is not None:
        if q == "approx":
            return (v * (1 - APPROX_MARGIN), v * (1 + APPROX_MARGIN))
        if q == "at_least":
            return (float(v), math.inf)
        if q == "at_most":
            return (0.0, float(v))
        if q == "exact":
            return (float(v), float(v))
    if lo is None and hi is None:
        return None if v is None else (float(v), float(v))
    return (float(lo) if lo is not None else 0.0, float(hi) if hi is not None else math.inf)


def figure(count: Count) -> int | None:
    """The one number that stands for a claim in the ratio: its value, else its high, else its low."""
    for x in (count.value, count.high, count.low):
        if x is not None:
            return x
    return None


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


# ------------------------------------------------------------------------------------------------
# dates

_MONTH_NUM = {m: i for i, ms in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for m in ms}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_ISO_DATE = regex.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DATE_MD = regex.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?")
_DATE_DM = regex.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH})(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?")
_WEEKDAY = regex.compile(r"\b(?:on|late|early|last)\s+(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
                         r"|\b(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)['’]s\b")
# "KYIV, Oct. 7 (Wire) - ", "DNIPROVKA, Ukraine, Aug. 9 (Wire) - ", "LONDON (Reuters) — "
_DATELINE = regex.compile(rf"""
    ^\W*(?P<place>\p{{Lu}}[\p{{Lu}}'’.\-]*(?:\s+\p{{Lu}}[\p{{Lu}}'’.\-]*){{0,3}})
    (?:,\s*\p{{Lu}}[\p{{L}}.'’]*(?:\s+\p{{Lu}}[\p{{L}}.'’]*){{0,2}})?
    (?:,\s*(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*(?:19|20)\d\d)?))?
    \s*(?:\([^()\n]{{1,40}}\))?\s*[-–—]+\s""", regex.VERBOSE)


@dataclass(frozen=True, order=True)
class Day:
    """A calendar day whose year may be unknown (a dateline says "Oct. 7")."""

    month: int
    day: int
    year: int | None = None

    def iso(self) -> str:
        """ISO 8601; without a year, the unspecified year of EDTF: "XXXX-10-07"."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else f"XXXX-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year or 0, self.month, self.day)

    @classmethod
    def make(cls, year: int | None, month: int, day: int) -> "Day | None":
        try:
            dt.date(year or 2000, month, day)
        except ValueError:
            return None
        return cls(month, day, year)


def days_apart(a: Day, b: Day) -> int:
    """Days between two dates; when a year is unknown, the shorter way round the calendar."""
    if a.year and b.year:
        return abs((dt.date(a.year, a.month, a.day) - dt.date(b.year, b.month, b.day)).days)
    d = abs(dt.date(2000, a.month, a.day).toordinal() - dt.date(2000, b.month, b.day).toordinal())
    return min(d, 366 - d)


def parse_iso_day(value: Any) -> Day | None:
    """A `doc_meta.date` ("2023-01-02", "2023-01-02T10:00:00Z") as a Day."""
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    return Day.make(int(m[1]), int(m[2]), int(m[3])) if m else None


def _month(word: str) -> int:
    return _MONTH_NUM[word.lower().rstrip(".")]


def _with_year(month: int, day: int, year: str | None, anchor: Day | None) -> Day | None:
    if year:
        return Day.make(int(year), month, day)
    y = anchor.year if anchor and anchor.year else None
    if y and anchor and month > anchor.month + 1:  # "Dec. 30" in a January article
        y -= 1
    return Day.make(y, month, day)


def dateline(sentence: str) -> tuple[str | None, Day | None]:
    """The place and date of a dateline opening `sentence`, if any (year unknown)."""
    m = _DATELINE.match(sentence)
    if not m:
        return None, None
    place = " ".join(w.capitalize() if w.isupper() else w for w in m["place"].split())
    day = None
    if m["date"]:
        d = _DATE_MD.match(m["date"])
        if d:
            day = Day.make(int(d["y"]) if d["y"] else None, _month(d["m"]), int(d["d"]))
    return place, day


def text_dates(sentence: str, anchor: Day | None) -> list[tuple[Day, str]]:
    """Dates a sentence states (after its dateline): ("Oct. 3", "3 October 2025", "2025-10-03",
    and "on Tuesday" when `anchor`, the document's date, is known), each with how it was found."""
    m = _DATELINE.match(sentence)
    body = sentence[m.end():] if m else sentence
    found: list[tuple[int, Day, str]] = []
    for m in _ISO_DATE.finditer(body):
        day = Day.make(int(m[1]), int(m[2]), int(m[3]))
        if day:
            found.append((m.start(), day, "text"))
    for pat in (_DATE_MD, _DATE_DM):
        for m in pat.finditer(body):
            day = _with_year(_month(m["m"]), int(m["d"]), m["y"], anchor)
            if day:
                found.append((m.start(), day, "text"))
    if anchor and anchor.year:
        for m in _WEEKDAY.finditer(body):
            a = dt.date(anchor.year, anchor.month, anchor.day)
            back = (a.weekday() - _WEEKDAYS.index(m["w"].lower())) % 7
            d = a - dt.timedelta(days=back)
            found.append((m.start(), Day(d.month, d.day, d.year), "weekday"))
    found.sort(key=lambda t: t[0])
    return [(d, how) for _, d, how in found]


# ------------------------------------------------------------------------------------------------
# places

# place nouns: "the town of X", "the X region"
_PLACE_HEADS = r"(?:city|town|village|hamlet|settlement|region|province|district|state|county|oblast|governorate" \
               r"|municipality|neighbourhood|neighborhood|suburb|suburbs|outskirts|port|island|valley|camp|area|capital" \
               r"|prefecture|department|center|centre|hub|heart)"
_REGION_HEADS = frozenset("region province district state county oblast governorate prefecture department".split())
# words before a place: prepositions, and verbs of striking
_PLACE_PREPS = r"(?:in|near|outside|at|on|inside|around|across|off|hit|struck|shelled|attacked|targeted|rocked)"
_CAP = r"\p{Lu}[\p{L}'’\-]*"
_PLACE_AFTER_PREP = regex.compile(rf"""
    \b{_PLACE_PREPS}\s+(?:the\s+)?
    (?:(?:[\p{{Ll}}\d][\p{{L}}\d\-]*\s+){{0,4}}?{_PLACE_HEADS}\s+of\s+)?   # "the coal-mining town of"
    (?P<p>{_CAP}(?:\s+(?:al-|el-|de\s+|del\s+)?{_CAP}){{0,3}})
    (?P<head>\s+{_PLACE_HEADS}\b)?""", regex.VERBOSE)
_PLACE_OF = regex.compile(rf"\b{_PLACE_HEADS}\s+of\s+(?P<p>{_CAP}(?:\s+{_CAP}){{0,3}})", regex.VERBOSE)
_CAP_RUN = regex.compile(rf"(?<![\p{{L}}\-'’])(?P<p>{_CAP}(?:\s+{_CAP}){{0,2}})")

# capitalised words that do not name a place: days, months, organisations, titles, media
_NOT_PLACE_WORDS = frozenset("""
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    ministry minister forces force army navy police office service services council committee agency
    times news post party front telegram twitter x facebook tiktok instagram youtube whatsapp reuters ap afp
    bbc cnn wire desk governor president mayor general colonel commander spokesman spokeswoman spokesperson
    department red cross crescent nations un u.n. human rights watch amnesty international hospital
    university school college church mosque brigade battalion regiment corps guard guards command
    government administration authority authorities parliament court republic's the a an it he she they
    we i this that his her their its our year eve day christmas easter ramadan eid least most more
    than about over under up down after before during killed dead wounded injured says said
    strike strikes missile missiles drone drones attack attacks bombing blast fire
""".split())
# demonyms and adjectives that start with a capital but are not places
_DEMONYM = regex.compile(r"""^(?:\p{Lu}\p{Ll}+(?:ian|ean|ese|ish|i|an)|Afghan|Arab|Thai|Czech|Dutch|French|Greek|Swiss
    |Tajik|Kyrgyz|Kazakh|Uzbek|Turkmen|Kurd|Welsh|Irish|Scottish)$""", regex.VERBOSE)
_GENERIC_PLACE_WORDS = frozenset("""north south east west northern southern eastern western central upper lower
    side end shore downtown uptown midtown old city centre center park heights""".split())
_ADJ_SUFFIX = regex.compile(r"-(?:occupied|held|controlled|backed|led|based|linked|run|annexed|allied|born)$", regex.I)


@dataclass(frozen=True)
class Place:
    """A place named near a claim: `id` is what two articles must share ("geo:706483" for a known
    city, "name:pokrovets" otherwise), `level` is city | local | region | country, `how` is text
    or dateline."""

    id: str
    name: str
    level: str
    region: str | None = None
    how: str = "text"
    population: int = 0         # from the gazetteer; 0 for a place it does not know

    @property
    def specific(self) -> bool:
        return self.level in ("city", "local") and self.how == "text"


def _clean_place(raw: str) -> str | None:
    words = raw.replace("’", "'").split()
    while words and (_DEMONYM.match(words[0]) or _ADJ_SUFFIX.search(words[0])
                     or words[0].lower().removesuffix("'s") in _NOT_PLACE_WORDS):
        words.pop(0)
    out = []
    for w in words:
        base = w.removesuffix("'s")
        if base.lower() in _NOT_PLACE_WORDS or _ADJ_SUFFIX.search(base):
            break
        out.append(base)
        if base != w:
            break
    if not out or (len(out) == 1 and (_DEMONYM.match(out[0]) or out[0] == "New")):
        return None
    if all(w.lower() in _GENERIC_PLACE_WORDS for w in out):  # "West Side", "Downtown"
        return None
    return " ".join(out)


def _title_case(sentence: str) -> bool:
    """A headline In Title Case: its capitals say nothing about names."""
    words = [w for w in regex.findall(r"\p{L}[\p{L}'’\-]*", sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _place(name: str, *, head: str | None = None, bare: bool = False, how: str = "text",
           known_only: bool = False) -> Place | None:
    from . import gazetteer

    if known_only:
        geo = gazetteer.lookup(name)
        return None if geo is None else _place(name, head=head, how=how)
    if head and head.strip().lower() in _REGION_HEADS:
        geo = gazetteer.region_of(name)
        if geo is not None:
            return Place(geo.id, name, "region", geo.region, how)
        return Place("name:" + name.casefold(), name, "region", None, how)
    geo = gazetteer.lookup(name, bare=bare)
    if geo is None:
        return None if bare else Place("name:" + name.casefold(), name, "local", None, how)
    level = {"city": "city", "region": "region", "country": "country"}[geo.level]
    return Place(geo.id, name, level, geo.region, how, geo.population)


def sentence_places(sentence: str) -> list[Place]:
    """Places a sentence names: its dateline place, capitalised names after a preposition or a
    place noun ("in Pokrovets", "the village of Velyka Rudnia", "the Kharkiv region"), and known
    big cities, countries and US states named anywhere but at the sentence start."""
    out: list[Place] = []
    seen: set[str] = set()

    def add(p: Place | None) -> None:
        if p is not None and (p.id, p.how) not in seen:
            seen.add((p.id, p.how))
            out.append(p)

    where, _ = dateline(sentence)
    body_start = 0
    if where:
        name = _clean_place(where)
        if name:
            add(_place(name, how="dateline"))
        body_start = _DATELINE.match(sentence).end()
    body = sentence[body_start:]
    spans: list[tuple[int, int]] = []
    titled = _title_case(body)
    for pat in (_PLACE_OF, _PLACE_AFTER_PREP):
        for m in pat.finditer(body):
            name = _clean_place(m["p"])
            if name:
                spans.append(m.span("p"))
                add(_place(name, head=m.groupdict().get("head"), known_only=titled))
    first_word = regex.match(r"\W*\S+", body)
    for m in _CAP_RUN.finditer(body):
        if first_word and m.start() < first_word.end() or any(a <= m.start() < b for a, b in spans):
            continue
        name = _clean_place(m["p"])
        if name:
            add(_place(name, bare=True))
    return out


# ------------------------------------------------------------------------------------------------
# incident words

_INCIDENT_WORDS: dict[str, tuple[str, ...]] = {
    # kind -> surface words (lower case, singular and plural spelled out)
    "strike": ("strike", "strikes", "airstrike", "airstrikes", "air strike", "air strikes", "missile", "missiles",
               "rocket", "rockets", "drone", "drones", "shelling", "shelled", "bombardment", "glide bomb"),
    "blast": ("blast", "blasts", "explosion", "explosions", "exploded", "bomb", "bombs", "bombing", "bombings",
              "car bomb", "detonation", "explosive", "explosives", "ied"),
    "shooting": ("shooting", "shootings", "shot", "gunman", "gunmen", "gunfire", "shootout", "gunfight"),
    "fire": ("fire", "fires", "blaze", "inferno", "burned", "burnt"),
    "capsize": ("capsized", "capsize", "capsizing", "sank", "sinking", "shipwreck"),
    "crash": ("crash", "crashed", "collision", "collided", "derailment", "derailed"),
    "collapse": ("collapse", "collapsed", "cave-in"),
    "flood": ("flood", "floods", "flooding", "flash flood"),
    "landslide": ("landslide", "landslides", "mudslide", "mudslides"),
    "earthquake": ("earthquake", "quake", "tremor"),
    "storm": ("storm", "typhoon", "cyclone", "hurricane", "tornado"),
    "raid": ("raid", "raids", "incursion"),
    "ambush": ("ambush", "ambushed"),
    "clash": ("clash", "clashes", "clashed", "fighting", "battle"),
    "massacre": ("massacre", "massacred"),
    "crush": ("stampede", "crush"),
    "riot": ("riot", "riots", "unrest"),
    "protest": ("protest", "protests", "protesters", "crackdown", "demonstrators"),
    "siege": ("siege", "hostage", "hostages"),
    "abduction": ("abduction", "abducted", "kidnapping", "kidnapped"),
    "stabbing": ("stabbing", "stabbed", "knife"),
    # what was hit: as telling as the kind of incident
    "depot": ("depot", "depots", "warehouse"), "market": ("market", "marketplace", "bazaar"),
    "school": ("school", "schools", "college", "university", "pupils", "students"),
    "hospital": ("hospital", "clinic"), "ferry": ("ferry", "boat", "vessel", "ship", "barge"),
    "bus": ("bus", "minibus", "coach"), "train": ("train", "railway", "rail"),
    "mine": ("mine", "miners", "colliery"), "housing": ("apartment", "apartments", "residential", "tower block", "homes"),
    "bridge": ("bridge",), "checkpoint": ("checkpoint",), "wedding": ("wedding",), "mosque": ("mosque",),
    "church": ("church",), "hotel": ("hotel",), "nightclub": ("nightclub", "club"), "refinery": ("refinery",),
    "prison": ("prison", "jail"), "camp": ("camp", "shelter"), "convoy": ("convoy",), "factory": ("factory", "plant"),
    "port": ("port", "harbour", "harbor", "dock", "docks"), "station": ("station",), "dam": ("dam",),
    "festival": ("festival", "concert"), "stadium": ("stadium",),
}


@functools.cache
def _incident_pattern() -> tuple[regex.Pattern, dict[str, str]]:
    kind_of = {w: k for k, ws in _INCIDENT_WORDS.items() for w in ws}
    words = sorted(kind_of, key=len, reverse=True)
    alt = "|".join(r"\s+".join(map(regex.escape, w.split())) for w in words)
    return regex.compile(rf"(?<![\p{{L}}\-])(?:{alt})(?![\p{{L}}\-])", regex.IGNORECASE), kind_of


def _fold(word: str) -> str:
    """A word as the case-insensitive match saw it: "İED" is "ied" (lower() would give "i̇ed",
    with a combining dot), "ſtrike" is "strike"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def incident_words(sentence: str) -> list[str]:
    """The kinds of incident and target a sentence names ("strike", "market"), in order."""
    pat, kind_of = _incident_pattern()
    out: list[str] = []
    for m in pat.finditer(sentence):
        k = kind_of.get(" ".join(m[0].lower().split())) or kind_of.get(_fold(m[0]))
        if k is not None and k not in out:
            out.append(k)
    return out


# ------------------------------------------------------------------------------------------------
# units: the claims of one event in one document, with their grouping key

@dataclass
class Unit:
    index: int                        # order of first appearance
    doc: str
    event: str | None
    claims: list[Claim]
    doc_index: int = 0
    doc_date: Day | None = None       # the document's date (doc_meta, else its dateline)
    date: Day | None = None           # the incident's date (a date in its sentences, else doc_date)
    date_how: str | None = None
    places: list[Place] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.doc} {self.event}" if self.event else self.doc


@dataclass(frozen=True)
class DocInfo:
    doc: str
    date: Day | None
    date_how: str | None
    title: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "date": self.date.iso() if self.date else None, "date_from": self.date_how,
                "title": self.title, "url": self.url}


def _sentences(claims: Iterable[Claim]) -> list[str]:
    seen: dict[str, None] = {}
    for c in sorted(claims, key=lambda c: c.first.start if c.mentions else 0):
        for m in c.mentions:
            if m.sentence:
                seen.setdefault(m.sentence, None)
    return list(seen)


def doc_infos(claims: Sequence[Claim]) -> dict[str, DocInfo]:
    """Per document (in order of first appearance): its date, title and URL, from `doc_meta`
    or, for the date, a dateline in one of its claims' sentences."""
    by_doc: dict[str, list[Claim]] = {}
    for c in claims:
        by_doc.setdefault(c.doc, []).append(c)
    out = {}
    for doc, cs in by_doc.items():
        meta = next((c.doc_meta for c in cs if c.doc_meta), None) or {}
        date, how = parse_iso_day(meta.get("date")), "doc_meta"
        if date is None:
            how = None
            for s in _sentences(cs):
                _, day = dateline(s)
                if day:
                    date, how = day, "dateline"
                    break
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
        url = meta.get("url") if isinstance(meta.get("url"), str) else None
        out[doc] = DocInfo(doc, date, how, title, url)
    return out


def units_of(claims: Sequence[Claim], infos: dict[str, DocInfo] | None = None) -> list[Unit]:
    """The (document, event) units of `claims` in order of first appearance, each with its key."""
    infos = infos if infos is not None else doc_infos(claims)
    doc_order = {d: i for i, d in enumerate(infos)}
    units: dict[tuple[str, str | None], Unit] = {}
    for c in claims:
        k = (c.doc, c.event)
        if k not in units:
            units[k] = Unit(len(units), c.doc, c.event, [], doc_order[c.doc])
        units[k].claims.append(c)
    for u in units.values():
        info = infos[u.doc]
        u.doc_date = info.date
        sentences = _sentences(u.claims)
        for s in sentences:
            for p in sentence_places(s):
                if all(p.id != q.id or p.how != q.how for q in u.places):
                    u.places.append(p)
            for w in incident_words(s):
                if w not in u.words:
                    u.words.append(w)
        u.date, u.date_how = info.date, info.date_how
        for s in sentences:
            found = text_dates(s, info.date)
            if found:
                u.date, u.date_how = found[0]
                break
    return sorted(units.values(), key=lambda u: (u.doc_index, u.index))


# ------------------------------------------------------------------------------------------------
# linking units across documents

@dataclass(frozen=True)
class Link:
    a: int                      # Unit.index
    b: int
    score: int
    reasons: tuple[str, ...]
    veto: str | None = None

    def to_dict(self, units: dict[int, Unit]) -> dict[str, Any]:
        ua, ub = units[self.a], units[self.b]
        return {"between": [{"doc": ua.doc, "event": ua.event}, {"doc": ub.doc, "event": ub.event}],
                "score": self.score, "reasons": list(self.reasons)}


def _place_matches(a: Unit, b: Unit) -> tuple[list[str], list[str], list[str]]:
    strong, region, dateline_ = [], [], []
    ta = [p for p in a.places if p.how == "text" and p.level != "country"]
    tb = [p for p in b.places if p.how == "text" and p.level != "country"]
    for p in ta:
        for q in tb:
            if p.id == q.id and p not in strong and p not in region:
                (strong if p.level != "region" else region).append(p)
    a_specific = any(p.specific for p in a.places)
    b_specific = any(p.specific for p in b.places)
    if not strong and not (a_specific and b_specific):
        for p in ta:
            for q in tb:
                if p.region and p.region == q.region and p.id != q.id and p not in region:
                    region.append(p)
    da = {p.id: p.name for p in a.places if p.how == "dateline"}
    for p in b.places:
        if p.how == "dateline" and p.id in da and p.name not in dateline_:
            dateline_.append(p.name)
    return strong, region, dateline_


def _figures(u: Unit) -> list[tuple[str, Count]]:
    return [(c.category, c.count) for c in u.claims if c.count.qualifier != "unquantified" and not c.part_of]


def assess(a: Unit, b: Unit) -> Link:
    """The evidence that two units from different documents describe the same incident."""
    reasons: list[str] = []
    if a.date and b.date:
        gap = days_apart(a.date, b.date)
        if gap > DATE_WINDOW_DAYS:
            return Link(a.index, b.index, 0, (), f"dates {gap} days apart ({a.date.iso()}, {b.date.iso()})")
    strong, region, dl = _place_matches(a, b)
    if not strong:
        sa = [p.name for p in a.places if p.specific]
        sb = [p.name for p in b.places if p.specific]
        if sa and sb:
            return Link(a.index, b.index, 0, (), f"different places ({', '.join(sa)} / {', '.join(sb)})")
    score = 0
    if strong:
        small = [p for p in strong if p.population < BIG_CITY]
        score += 3 if small else 2
        reasons.append(("same place: " if small else "same big city: ") + ", ".join(p.name for p in strong))
    elif region:
        score += 1
        reasons.append("same region: " + ", ".join(dict.fromkeys(p.region or p.name for p in region)))
    if dl:
        score += 1
        reasons.append("same dateline: " + ", ".join(dl))
    if a.date and b.date:
        gap = days_apart(a.date, b.date)
        span = f"{a.date.iso()}, {b.date.iso()}" if gap else a.date.iso()
        if gap <= CLOSE_DAYS:
            score += 2
            reasons.append(f"dates {gap} day{'s' if gap != 1 else ''} apart ({span})")
        else:
            score += 1
            reasons.append(f"dates within {DATE_WINDOW_DAYS} days ({gap} apart: {span})")
    shared = [w for w in a.words if w in b.words]
    if shared:
        score += min(2, len(shared))
        reasons.append("same incident words: " + ", ".join(shared[:2]))
    fig_points, fig_reason = 0, None
    fb = _figures(b)
    for cat, ca in _figures(a):
        for cat_b, cb in fb:
            if cat != cat_b:
                continue
            if (ca.value, ca.low, ca.high) == (cb.value, cb.low, cb.high):
                pts = 2 if (figure(ca) or 0) >= SMALL_FIGURE else 1
                if pts > fig_points:
                    fig_points, fig_reason = pts, f"same figure: {cat} {display(ca)}"
            elif fig_points == 0:
                ia, ib = interval(ca), interval(cb)
                if ia and ib and math.isfinite(ia[1]) and math.isfinite(ib[1]) and overlaps(ia, ib):
                    fig_points, fig_reason = 1, f"overlapping figures: {cat} {display(ca)} and {display(cb)}"
    if fig_points:
        score += fig_points
        reasons.append(fig_reason)
    if not (a.date and b.date):
        reasons.append("undated: needs " + str(UNDATED_LINK_SCORE))
    return Link(a.index, b.index, score, tuple(reasons))


def needed(link: "Link", a: Unit, b: Unit) -> int:
    return LINK_SCORE if a.date and b.date else UNDATED_LINK_SCORE


def group_units(units: Sequence[Unit]) -> list[tuple[list[Unit], list[Link]]]:
    """Units grouped into incidents (see the module doc), each group with the links that made it,
    in order of first appearance."""
    by_index = {u.index: u for u in units}
    links: dict[tuple[int, int], Link] = {}
    for i, a in enumerate(units):
        for b in units[i + 1:]:
            if a.doc != b.doc:
                links[(a.index, b.index)] = links[(b.index, a.index)] = assess(a, b)
    parent = {u.index: u.index for u in units}
    members = {u.index: [u.index] for u in units}
    made: dict[int, list[Link]] = {u.index: [] for u in units}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order = {u.index: n for n, u in enumerate(units)}
    candidates = sorted({id(l): l for l in links.values()
                         if l.veto is None and l.score >= needed(l, by_index[l.a], by_index[l.b])}.values(),
                        key=lambda l: (-l.score, min(order[l.a], order[l.b]), max(order[l.a], order[l.b])))
    for link in candidates:
        ra, rb = find(link.a), find(link.b)
        if ra == rb:
            continue
        docs_a = {by_index[i].doc for i in members[ra]}
        if any(by_index[i].doc in docs_a for i in members[rb]):
            continue
        if any(links[(i, j)].veto for i in members[ra] for j in members[rb]):
            continue
        keep, gone = (ra, rb) if order[ra] < order[rb] else (rb, ra)
        parent[gone] = keep
        members[keep] += members.pop(gone)
        made[keep] += made.pop(gone) + [link]
    groups = []
    for root, idx in members.items():
        us = sorted((by_index[i] for i in idx), key=lambda u: order[u.index])
        groups.append((us, made[root]))
    groups.sort(key=lambda g: order[g[0][0].index])
    return groups


# ------------------------------------------------------------------------------------------------
# tables

_WORD = regex.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def source_key(name: str) -> str:
    """A source name compared loosely: lower case, no determiners, possessives or punctuation."""
    t = regex.sub(r"['’]s\b", "", name.lower())
    words = _WORD.findall(t.replace("'", "").replace("’", ""))
    while len(words) > 1 and words[0] in ("the", "a", "an"):
        words.pop(0)
    return " ".join(words) or name.strip().lower()


@dataclass(frozen=True)
class Row:
    source: str | None          # canonical name; None when the article's own voice gives the figure
    kind: str | None
    side: str | None
    category: str
    value: int | None
    low: int | None
    high: int | None
    qualifier: str
    display: str
    text: str                   # the count phrase as first written
    hedged: bool
    docs: tuple[str, ...]
    dates: tuple[str, ...]      # the dates of the documents that carried it (ISO; "XXXX-MM-DD" without a year)
    breakdown: bool = False     # part of another figure ("including six officers"): not in the spread
    revision: int | None = None  # 1, 2, ... when one source's figures follow each other in time
    source_key: str = ""

    @property
    def count(self) -> Count:
        return Count(self.text, self.value, self.low, self.high, self.qualifier)

    def voices(self) -> set[tuple[str, str]]:
        """Who states this figure: the source, or each article whose own voice gives it."""
        if self.source is not None:
            return {("source", self.source_key)}
        return {("article", d) for d in self.docs}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "side": self.side, "category": self.category,
                "value": self.value, "low": self.low, "high": self.high, "qualifier": self.qualifier,
                "display": self.display, "hedged": self.hedged, "docs": list(self.docs), "text": self.text,
                "dates": list(self.dates), "breakdown": self.breakdown, "revision": self.revision}


@dataclass(frozen=True)
class Spread:
    low: int | None
    high: int | None
    ratio: float | None
    disagreement: bool

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "ratio": self.ratio, "disagreement": self.disagreement}


@dataclass(frozen=True)
class EventTable:
    id: str
    label: str
    docs: tuple[str, ...]
    members: tuple[tuple[str, str | None], ...]
    categories: tuple[str, ...]
    rows: tuple[Row, ...]
    spread: dict[str, Spread]
    key: dict[str, Any]
    links: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "docs": list(self.docs),
                "events": [{"doc": d, "event": e} for d, e in self.members],
                "categories": list(self.categories),
                "rows": [r.to_dict() for r in self.rows],
                "spread": {c: s.to_dict() for c, s in self.spread.items()},
                "key": self.key, "links": list(self.links)}


def spread(rows: Iterable[Row]) -> Spread:
    """The spread of one category's rows (breakdowns and unquantified claims left out)."""
    rs = [r for r in rows if not r.breakdown and interval(r.count) is not None]
    lows = [r.low for r in rs if r.low is not None]
    highs = [r.high for r in rs if r.high is not None]
    figs = [f for f in (figure(r.count) for r in rs) if f is not None]
    ratio = None
    if figs and min(figs) > 0:
        ratio = round(max(figs) / min(figs), 2)
    disagree = False
    for i, a in enumerate(rs):
        for b in rs[i + 1:]:
            if not overlaps(interval(a.count), interval(b.count)):
                va, vb = a.voices(), b.voices()
                if not (va == vb and len(va) == 1):  # one source's own figures never disagree
                    disagree = True
                    break
        if disagree:
            break
    return Spread(min(lows) if lows else None, max(highs) if highs else None, ratio, disagree)


def _merge_names(entries: list[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """Source keys -> the key they are merged into: a name whose words are all inside exactly one
    other (longer) name of the same event, with no conflicting side, is that source."""
    keys = list(dict.fromkeys(k for k, _, _ in entries))
    side = {}
    for k, _, s in entries:
        if s and k not in side:
            side[k] = s
    words = {k: set(k.split()) for k in keys}
    target = {k: k for k in keys}
    for k in keys:
        if not words[k]:
            continue
        supers = [o for o in keys if o != k and words[k] < words[o]
                  and not (side.get(k) and side.get(o) and side[k] != side[o])]
        maximal = [o for o in supers if not any(words[o] < words[p] for p in supers)]
        if len(maximal) == 1:
            target[k] = maximal[0]
    for k in keys:
        seen = {k}
        while target[target[k]] != target[k] and target[k] not in seen:
            seen.add(target[k])
            target[k] = target[target[k]]
    return target


def _fill_year(day: Day | None, hint: Day | None) -> Day | None:
    """A date without a year gets the year of a dated article of the same event."""
    if day is None or day.year or hint is None:
        return day
    return _with_year(day.month, day.day, None, hint) or day


def build_table(ident: str, units: Sequence[Unit], links: Sequence[Link], infos: dict[str, DocInfo],
                doc_order: dict[str, int]) -> EventTable:
    claims = [c for u in units for c in u.claims]
    hint = next((d for u in units for d in (u.date, u.doc_date) if d and d.year), None)
    if hint is not None:
        infos = {**infos}
        for u in units:
            info = infos[u.doc]
            infos[u.doc] = DocInfo(info.doc, _fill_year(info.date, hint), info.date_how, info.title, info.url)
    named = [(source_key(c.source.name or c.source.text), c.source.kind, c.source.side)
             for c in claims if c.source]
    merged = _merge_names(named)
    names: dict[str, list] = {}
    for c in claims:
        if c.source:
            k = merged[source_key(c.source.name or c.source.text)]
            names.setdefault(k, []).append(c.source)
    canon: dict[str, tuple[str, str | None, str | None]] = {}
    for k, srcs in names.items():
        with_kind = [s for s in srcs if s.kind or s.side]
        pick = max(with_kind or srcs, key=lambda s: len(s.name.split()))
        canon[k] = (pick.name, next((s.kind for s in srcs if s.kind), None),
                    next((s.side for s in srcs if s.side), None))

    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        sk = merged[source_key(c.source.name or c.source.text)] if c.source else None
        k = (sk, c.category, c.count.qualifier, c.count.value, c.count.low, c.count.high)
        groups.setdefault(k, []).append(c)

    def first_seen(cs: list[Claim]) -> tuple[int, int]:
        return min((doc_order[c.doc], c.first.start if c.mentions else 0) for c in cs)

    source_first: dict[str | None, tuple[int, int]] = {}
    for (sk, *_), cs in groups.items():
        fs = first_seen(cs)
        if sk not in source_first or fs < source_first[sk]:
            source_first[sk] = fs

    ids_in = {c.id: k for k, cs in groups.items() for c in cs}
    rows: list[tuple[tuple, Row, list[Claim]]] = []
    for k, cs in groups.items():
        sk, cat, q, v, lo, hi = k
        docs = tuple(sorted({c.doc for c in cs}, key=doc_order.__getitem__))
        dates = sorted({infos[d].date for d in docs if infos[d].date}, key=Day.sort_key)
        name, kind, side = canon[sk] if sk is not None else (None, None, None)
        first = min(cs, key=lambda c: (doc_order[c.doc], c.first.start if c.mentions else 0))
        row = Row(name, kind, side, cat, v, lo, hi, q, display(first.count), first.count.text,
                  any(c.hedged for c in cs), docs, tuple(d.iso() for d in dates),
                  breakdown=all(c.part_of for c in cs), source_key=sk or "")
        # an explicit revision ("rose to 89 from 63") comes after the figure it revises
        revises_rank = 1 if any(c.revises and c.revises in ids_in for c in cs) else 0
        when = dates[0].sort_key() if dates else (9999, 99, 99)
        rows.append(((source_first[sk], CATEGORIES.index(cat) if cat in CATEGORIES else 99, row.breakdown,
                      when, revises_rank, first_seen(cs)), row, cs))
    rows.sort(key=lambda t: t[0])
    ordered = [r for _, r, _ in rows]
    row_claims = [cs for _, _, cs in rows]

    # revisions: one source's figures in one category, ranked by the dates of their articles
    # (figures of the same date share a rank); an explicit "rose to 89 from 63" ranks after
    by_sc: dict[tuple, list[int]] = {}
    for i, r in enumerate(ordered):
        if not r.breakdown:
            by_sc.setdefault((r.source_key if r.source else ("article",) + r.docs, r.category), []).append(i)
    for idxs in by_sc.values():
        if len(idxs) < 2:
            continue
        rs = [ordered[i] for i in idxs]
        explicit = [any(c.revises for c in row_claims[i]) for i in idxs]
        stamps = [(r.dates[0] if r.dates else None, e) for r, e in zip(rs, explicit)]
        if any(s[0] is None for s in stamps) and not any(explicit):
            continue
        distinct = sorted(set(stamps), key=lambda s: (s[0] or "", s[1]))
        if len(distinct) < 2:
            continue
        for i, st in zip(idxs, stamps):
            ordered[i] = _replace_row(ordered[i], revision=distinct.index(st) + 1)

    cats = tuple(c for c in CATEGORIES if any(r.category == c for r in ordered))
    cats += tuple(sorted({r.category for r in ordered} - set(cats)))
    spreads = {c: spread(r for r in ordered if r.category == c) for c in cats}
    docs = tuple(sorted({u.doc for u in units}, key=doc_order.__getitem__))
    key = _key(units, hint)
    by_index = {u.index: u for u in units}
    return EventTable(ident, _label(units, key), docs, tuple((u.doc, u.event) for u in units), cats,
                      tuple(ordered), spreads, key, tuple(l.to_dict(by_index) for l in links))


def _replace_row(row: Row, **changes: Any) -> Row:
    from dataclasses import replace

    return replace(row, **changes)


def _key(units: Sequence[Unit], hint: Day | None = None) -> dict[str, Any]:
    """The grouping key of an event: its places (most often named first), dates and words."""
    counts: Counter = Counter()
    first: dict[str, tuple[int, Place]] = {}
    for u in units:
        for n, p in enumerate(u.places):
            if p.how != "text" or p.level == "country":
                continue
            counts[p.id] += 1
            first.setdefault(p.id, (len(first), p))
    places = [first[i][1] for i in sorted(first, key=lambda i: (-counts[i], first[i][0]))]
    datelines = list(dict.fromkeys(p.name for u in units for p in u.places if p.how == "dateline"))
    dates = sorted({_fill_year(u.date, hint) for u in units if u.date}, key=Day.sort_key)
    words: Counter = Counter(w for u in units for w in u.words)
    word_first = {w: n for n, w in reversed(list(enumerate(w for u in units for w in u.words)))}
    return {
        "places": list(dict.fromkeys(p.name for p in places)),
        "place_ids": list(dict.fromkeys(p.id for p in places)),
        "datelines": datelines,
        "date": dates[0].iso() if dates else None,
        "dates": [d.iso() for d in dates],
        "date_from": sorted({u.date_how for u in units if u.date_how}),
        "words": sorted(words, key=lambda w: (-words[w], word_first[w])),
    }


def _label(units: Sequence[Unit], key: dict[str, Any]) -> str:
    specific = [p for u in units for p in u.places if p.specific]
    place = next((n for n in key["places"] if any(p.name == n for p in specific)), None) \
        or (key["places"][0] if key["places"] else None)
    word = key["words"][0] if key["words"] else None
    parts = " ".join(x for x in (place, word) if x)
    if not parts:
        u = units[0]
        parts = f"{u.doc} {u.event}" if u.event else u.doc
    return f"{parts}, {human_date(key['date'])}" if key["date"] else parts


def human_date(iso: str) -> str:
    """"2025-10-03" as it is; "XXXX-10-03" (no year) as "Oct 3"."""
    if iso.startswith("XXXX-"):
        month, day = int(iso[5:7]), int(iso[8:10])
        return f"{dt.date(2000, month, day):%b} {day}"
    return iso


def compare_claims(claims: Iterable[Claim], per_document: bool = False) -> list[EventTable]:
    """One table per incident: claims of the same event in one document, and (unless
    `per_document`) the events of other documents grouped with it."""
    claims = list(claims)
    if not claims:
        return []
    infos = doc_infos(claims)
    doc_order = {d: i for i, d in enumerate(infos)}
    units = units_of(claims, infos)
    if per_document:
        groups = [([u], []) for u in units]
    else:
        groups = group_units(units)
    return [build_table(f"I{n}", us, links, infos, doc_order) for n, (us, links) in enumerate(groups, 1)]


def comparison(claims: Iterable[Claim], per_document: bool = False) -> dict[str, Any]:
    """The whole comparison as the JSON document of `claimx compare --format json`:
    `{"events": [...], "documents": [...]}` (see docs/compare.md)."""
    claims = list(claims)
    tables = compare_claims(claims, per_document)
    infos = doc_infos(claims) if claims else {}
    return {"events": [t.to_dict() for t in tables], "documents": [i.to_dict() for i in infos.values()]}
