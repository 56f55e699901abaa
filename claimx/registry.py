"""The source registry: canonical names, aliases, kind and side of known sources.

The shipped registry is `rules/sources.toml`; users add their own with `--sources FILE` or a
`sources.toml` in their config directory (`$XDG_CONFIG_HOME/claimx/`, `~/.config/claimx/`).
User entries come first, so they can override a shipped one.

An alias shared by several sources ("the Defence Ministry", "the MoD") is resolved from the
document, in this order:

1. a country (or side) named right at the mention: "the Defence Ministry in Kyiv", "Kyiv's
   Defence Ministry";
2. a candidate the document names in full: a headline's "Defense Ministry" is the body's "Russian
   Defense Ministry" (the nearest such name before the mention, else the nearest after it);
3. the country or side named nearest to the mention (400 characters before, 200 after); at equal
   distance the entry listed first wins.

Otherwise it stays unresolved: the name is then the text without determiners. `[countries]` maps
a country code, or a side without a state ("Hamas", "Houthis"), to the words that name it.

A known name after a modifier or title is found too: "the Britain-based Syrian Observatory for
Human Rights", "Russian Defense Ministry spokesman Igor Konashenkov" (but not after "of", "in",
"for" ...: "the mayor of Kyiv" is not Kyiv; nor after "state", "regional", "local" ...: "the
State Ministry of Health" is not the national one; and a place name alone never matches this way).
"""
from __future__ import annotations

import bisect
import functools
import os
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .errors import UsageError
from .models import Source
from .patterns import Pattern, compiled
from .rules import load

KINDS = ("government", "military", "armed_group", "un_agency", "ngo", "media", "person", "medical",
         "emergency_service", "monitor", "police", "judiciary", "other")

_DET = compiled(r"^(?:the|a|an|its|their|his|her|our)\s+", regex.IGNORECASE)
_PAREN = compiled(r"\s*\(([^()]{1,60})\)")
_WORD = compiled(r"[^\W_]+(?:[-'’][^\W_]+)*")
_DOTTED = compiled(r"(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+\.?(?![\p{L}\p{N}])")   # U.N., U.S.
# after these a known name is not the source itself: "the mayor of Kyiv", "a source close to Hamas"
_LINKS = frozenset("of in for at from to with by on near and or about against than between among".split())
_DETERMINERS = frozenset(("the", "a", "an"))
# a body below the national level is not the national one: "the State Ministry of Health"
_SUBNATIONAL = frozenset("state regional provincial local district city county municipal municipality village town "
                         "governorate prefecture".split())


_POSSESSIVE = compiled(r"'s\b")


@functools.lru_cache(maxsize=8192)
def normalize(name: str) -> str:
    """Lower case, no determiners, possessives, accents or punctuation: the key aliases are looked
    up by. Dotted acronyms close up ("U.N." is "un"), hyphens separate words ("al-Shabaab" is "al
    shabaab") and a spaced "&" is "and"."""
    t = _DOTTED.sub(lambda m: m.group().replace(".", ""), name) if "." in name else name
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.lower().replace("’", "'").replace(" & ", " and ")
    if "'s" in t:
        t = _POSSESSIVE.sub("", t)
    words = [w for w in _WORD.findall(t.replace("'", "").replace("-", " ")) if w]
    while words and words[0] in ("the", "a", "an"):
        words.pop(0)
    return " ".join(words)


def plain_name(text: str) -> str:
    """A source's name when the registry does not know it: its text without determiners, asides
    in brackets and surrounding punctuation."""
    t = _PAREN.sub("", text).strip(" ,;:\"“”'‘’")
    prev = None
    while prev != t:
        prev = t
        t = _DET.sub("", t)
    return " ".join(t.split())


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str | None = None
    side: str | None = None
    country: str | None = None
    aliases: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()


@dataclass
class Registry:
    entries: list[Entry] = field(default_factory=list)
    countries: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._exact: dict[str, Entry] = {}
        self._shared: dict[str, list[Entry]] = {}
        for e in self.entries:
            for a in (e.name, *e.aliases):
                self._exact.setdefault(normalize(a), e)
            for a in e.ambiguous:
                group = self._shared.setdefault(normalize(a), [])
                if e not in group:
                    group.append(e)
        words = []
        for code, names in self.countries.items():
            for n in names:
                words.append((n, code))
        words.sort(key=lambda x: -len(x[0]))
        self._country_words: dict[str, str] = {}
        for w, code in words:
            self._country_words.setdefault(w, code)     # the first file that names a word wins
        sides = {e.side for e in self.entries if e.side}
        # place names (not the words for a side such as "Hamas"): never a source by suffix
        self._places = frozenset(normalize(w) for w, code in words if code not in sides)
        self._country_re: Pattern | None = None     # compiled when a document first needs it
        self._named_re: dict[str, tuple[Pattern, frozenset[str]] | None] = {}
        self._docs: dict[int, tuple[str, dict]] = {}

    # ---------------------------------------------------------------------------------------
    def lookup(self, text: str, context: tuple[str, int] | None = None) -> Entry | None:
        """The entry a source phrase names, if the registry knows it."""
        candidates = [text]
        inner = _PAREN.findall(text)
        bare = _PAREN.sub("", text)
        candidates += [bare, *inner]
        for cand in candidates:
            key = normalize(cand)
            if not key:
                continue
            if key in self._exact:
                return self._exact[key]
            if key in self._shared:
                return self._by_country(key, context, cand)
        return self._by_suffix(bare, context)

    def _by_suffix(self, text: str, context: tuple[str, int] | None) -> Entry | None:
        """A known name at the end of a longer phrase: "the Britain-based Syrian Observatory for Human
        Rights", "Russian Defense Ministry spokesman Igor Konashenkov". The name's first word must
        have a capital or a digit ("al-Shabaab" does); see the module's docstring for the rest."""
        words = text.split()
        for i in range(1, len(words)):
            if not any(c.isupper() or c.isdigit() for c in words[i]):
                continue        # a name, not a common noun: "Igor Konashenkov", "JNIM", "al-Shabaab"
            j = i - 1
            while j > 0 and words[j].lower() in _DETERMINERS:
                j -= 1
            if words[j].lower().strip(",;:") in _LINKS or words[i - 1].lower() in _SUBNATIONAL:
                continue
            cand = " ".join(words[i:])
            key = normalize(cand)
            if not key or key in self._places:
                continue
            if key in self._exact:
                return self._exact[key]
            if key in self._shared:
                return self._by_country(key, context, cand)
        return None

    def _by_country(self, key: str, context: tuple[str, int] | None, mention: str | None = None) -> Entry | None:
        """One of the entries sharing the alias `key`, chosen by what the document names (see the
        module's docstring), or None."""
        entries = self._shared[key]
        if context is None:
            return None
        text, pos = context
        span = _find_near(text, pos, mention)

        def by_code(code: str) -> Entry | None:
            return next((e for e in entries if e.country == code or (e.side and e.side == code)), None)

        # 1. a country named right at the mention: "the Defence Ministry in Kyiv", "Kyiv's Defence Ministry"
        rx = self._countries_rx() if span is not None else None
        if rx is not None:
            a, b = span
            after = _LINK_AFTER.match(text, b)
            if after:
                m = rx.match(text, after.end())
                if m and (e := by_code(self._country_words[m.group()])):
                    return e
            before = text[max(0, a - 60):a]
            for m in rx.finditer(before):
                if _POSSESSIVE_GAP.fullmatch(before, m.end()) and (e := by_code(self._country_words[m.group()])):
                    return e
        # 2. a candidate the document names in full
        e = self._named(key, entries, text, pos, span)
        if e is not None:
            return e
        # 3. the nearest country or side named around the mention
        best = None
        best_dist = None
        hits = self._country_hits(text)
        for start, code in hits[bisect.bisect_left(hits, (pos - 400, "")):]:
            if start >= pos + 200:
                break
            if span is not None and span[0] <= start < span[1]:
                continue            # "the Palestinian health ministry": not a clue to which one
            for e in entries:
                if e.country == code or (e.side and e.side == code):
                    dist = abs(start - pos)
                    if best_dist is None or dist < best_dist:
                        best, best_dist = e, dist
        return best

    def _doc_cache(self, text: str) -> dict:
        """Per-document memo (the attribution stage asks about many mentions in one text)."""
        slot = self._docs.get(id(text))
        if slot is None or slot[0] is not text:
            if len(self._docs) >= 8:
                self._docs.clear()
            slot = (text, {})
            self._docs[id(text)] = slot
        return slot[1]

    def _countries_rx(self) -> Pattern | None:
        """Any country or side word (longest first), compiled when a document first needs it."""
        if self._country_re is None and self._country_words:
            self._country_re = compiled(r"(?<![\w'-])(?:" + "|".join(
                regex.escape(w) for w in self._country_words) + r")(?![\w-])")
        return self._country_re

    def _country_hits(self, text: str) -> list[tuple[int, str]]:
        """(start, code) of every country or side word in the document, in order."""
        memo = self._doc_cache(text)
        if "countries" not in memo:
            rx = self._countries_rx()
            memo["countries"] = [(m.start(), self._country_words[m.group()]) for m in rx.finditer(text)] if rx else []
        return memo["countries"]

    def _named(self, key: str, entries: list[Entry], text: str, pos: int,
               span: tuple[int, int] | None) -> Entry | None:
        """The candidate whose own (unshared) name the document uses nearest before `pos` (up to
        20,000 characters back), else nearest after it (up to 5,000 characters on)."""
        memo = self._doc_cache(text)
        if ("named", key) not in memo:
            memo[("named", key)] = self._find_named(key, entries, text)
        hits = memo[("named", key)]
        before = after = None
        for start, end, e in hits[bisect.bisect_left(hits, (pos - _NAMED_BEFORE,)):]:
            if start >= pos + _NAMED_AFTER:
                break
            if span is not None and start < span[1] and span[0] < end:
                continue
            if start < pos:
                before = e
            elif after is None:
                after = e
        return before or after

    def _find_named(self, key: str, entries: list[Entry], text: str) -> list[tuple[int, int, Entry]]:
        """Every place the document writes a candidate's own name: words that can start one are
        found first, the full pattern is tried only there."""
        if key not in self._named_re:
            pats, firsts = [], set()
            for e in entries:
                for a in (e.name, *e.aliases):
                    if normalize(a) not in self._places:
                        pats.append(_alias_pattern(a))
                        firsts |= _first_words(a)
            pats.sort(key=len, reverse=True)
            self._named_re[key] = (compiled(r"(?<![\w])(?:" + "|".join(pats) + r")(?![\w])", regex.IGNORECASE),
                                   frozenset(firsts)) if pats else None
        found = self._named_re[key]
        if found is None:
            return []
        pat, firsts = found
        words = self._word_starts(text)
        starts = sorted(p for w in firsts for p in words.get(w, ()))
        hits = []
        for start in starts:
            m = pat.match(text, start)
            if m is None:
                continue
            e = self._exact.get(normalize(m.group()))
            if e is not None and any(e is x for x in entries):
                hits.append((m.start(), m.end(), e))
        return hits

    def _word_starts(self, text: str) -> dict[str, list[int]]:
        """Where each word (lower case) of the document starts: one pass over the text serves
        the look-ups for every shared alias."""
        memo = self._doc_cache(text)
        if "words" not in memo:
            index: dict[str, list[int]] = {}
            for w in _TOKEN.finditer(text):
                index.setdefault(w.group().lower(), []).append(w.start())
            memo["words"] = index
        return memo["words"]

    def source(self, src: str, cue: str, *, text: str | None = None, context: tuple[str, int] | None = None,
               alias: str | None = None) -> Source:
        """A Source for a phrase found in the text: canonical name, kind and side when known."""
        written = text if text is not None else src
        e = self.lookup(src, context) or (self.lookup(alias, context) if alias else None)
        if e is not None:
            return Source(written, e.name, cue, e.kind, e.side)
        return Source(written, plain_name(src) or src, cue)


_LINK_AFTER = compiled(r"\s*,?\s+(?:in|of|from|based\s+in)\s+(?:the\s+)?")
_POSSESSIVE_GAP = compiled(r"(?:['’]s?|-based|-run|-controlled)?\s+")
_NAMED_BEFORE, _NAMED_AFTER = 20000, 5000


_TOKEN = compiled(r"[^\W_]+")


def _first_words(alias: str) -> set[str]:
    """The lower-case first token of an alias as it may be written: "US Central Command" can be
    written "U.S. Central Command", whose first token is "u"."""
    toks = _TOKEN.findall(alias)
    if not toks:
        return set()
    first = toks[0]
    out = {first.lower()}
    if len(first) > 1 and first.isupper():
        out.add(first[0].lower())
    return out


def _find_near(text: str, pos: int, mention: str | None) -> tuple[int, int] | None:
    """Where `mention` is written, nearest to `pos`."""
    if not mention or not mention.split():
        return None
    pat = compiled(r"\s+".join(regex.escape(w) for w in mention.split()))
    best = None
    for m in pat.finditer(text, max(0, pos - 200), min(len(text), pos + 400)):
        if best is None or abs(m.start() - pos) < abs(best[0] - pos):
            best = (m.start(), m.end())
    return best


def _alias_pattern(alias: str) -> str:
    """A pattern for an alias as written in running text: any space or hyphen between words, either
    apostrophe, a possessive 's after any word ("Gaza's Health Ministry" for "Gaza Health Ministry"),
    optional dots in acronyms ("U.S." for "US"); an all-capitals acronym matches in capitals only."""
    out = []
    for part in regex.split(r"[\s\-]+", alias.strip()):
        if not part:
            continue
        letters = [c for c in part if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters) and part.replace(".", "").isalpha():
            p = "(?-i:" + r"\.?".join(regex.escape(c) for c in part.replace(".", "")) + r"\.?)"
        else:
            p = "".join("['’]" if ch in "'’" else (r"\.?" if ch == "." else regex.escape(ch)) for ch in part)
        out.append(p + r"(?:['’]s?)?")
    return r"[\s\-]+".join(out)


def _strings(value, origin: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{origin}: {what} must be a list of non-empty strings")
    return tuple(value)


def _entries(data: dict, origin: str) -> list[Entry]:
    out = []
    sources = data.get("source", [])
    if not isinstance(sources, list):
        raise UsageError(f"{origin}: 'source' must be an array of tables ([[source]])")
    for i, s in enumerate(sources):
        if not isinstance(s, dict) or not isinstance(s.get("name"), str) or not s["name"].strip():
            raise UsageError(f"{origin}: source #{i + 1} has no name")
        name = s["name"]
        kind = s.get("kind")
        if kind is not None and kind not in KINDS:
            raise UsageError(f"{origin}: source {name!r} has unknown kind {kind!r} (one of {', '.join(KINDS)})")
        for f in ("side", "country"):
            if f in s and (not isinstance(s[f], str) or not s[f].strip()):
                raise UsageError(f"{origin}: source {name!r}: {f} must be a non-empty string")
        out.append(Entry(name, kind, s.get("side"), s.get("country"),
                         _strings(s.get("aliases", []), origin, f"source {name!r}: aliases"),
                         _strings(s.get("ambiguous", []), origin, f"source {name!r}: ambiguous")))
    return out


def _countries(data: dict, origin: str) -> dict[str, tuple[str, ...]]:
    table = data.get("countries", {})
    if not isinstance(table, dict):
        raise UsageError(f"{origin}: [countries] must be a table of lists of words")
    return {k: _strings(v, origin, f"countries.{k}") for k, v in table.items()}


def load_user_file(path: str | os.PathLike) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such sources file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not a valid TOML sources file ({exc})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read sources file ({exc.strerror})") from None


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "claimx" / "sources.toml"


def build(extra_files: tuple[str, ...] = (), use_config: bool = True) -> Registry:
    """The shipped registry with the user's config file and any extra files in front: their
    entries, and their `[countries]` words, take precedence over the shipped ones."""
    shipped = load("sources.toml")
    entries: list[Entry] = []
    countries: dict[str, tuple[str, ...]] = {}
    files = list(extra_files)
    cfg = user_config_path()
    if use_config and cfg.is_file():
        files.append(str(cfg))
    for f in files:
        data = load_user_file(f)
        entries += _entries(data, str(f))
        for k, v in _countries(data, str(f)).items():
            countries[k] = countries.get(k, ()) + v
    entries += _entries(shipped, "sources.toml")
    for k, v in _countries(shipped, "sources.toml").items():
        countries[k] = countries.get(k, ()) + v
    return Registry(entries, countries)


@functools.cache
def default_registry() -> Registry:
    return build(use_config=True)
