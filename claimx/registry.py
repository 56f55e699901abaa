"""The source registry: canonical names, aliases, kind and side of known sources.

The shipped registry is `rules/sources.toml`; users add their own with `--sources FILE` or a
`sources.toml` in their config directory (`$XDG_CONFIG_HOME/claimx/`, `~/.config/claimx/`).
User entries come first, so they can override a shipped one.

An alias shared by several sources ("the Defence Ministry", "the MoD") is resolved by the
country or side the document names near the mention, and otherwise stays unresolved: the name is
then the text without determiners.
"""
from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .errors import UsageError
from .models import Source
from .rules import load



@functools.lru_cache(maxsize=None)
def _rx(pattern: str, flags: int = 0) -> regex.Pattern:
    """A compiled pattern, cached: no compile or cache lookup in the regex module per call."""
    return regex.compile(pattern, flags)

KINDS = ("government", "military", "armed_group", "un_agency", "ngo", "media", "person", "medical",
         "emergency_service", "monitor", "police", "judiciary", "other")

_DET = regex.compile(r"^(?:the|a|an|its|their|his|her|our)\s+", regex.IGNORECASE)
_PAREN = regex.compile(r"\s*\(([^()]{1,60})\)")
_WORD = regex.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def normalize(name: str) -> str:
    """Lower case, no determiners, possessives or punctuation: the key aliases are looked up by."""
    t = name.lower().replace("’", "'")
    t = _rx(r"'s\b").sub("", t)
    words = [w for w in _WORD.findall(t.replace("'", "")) if w]
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
                self._shared.setdefault(normalize(a), []).append(e)
        words = []
        for code, names in self.countries.items():
            for n in names:
                words.append((n, code))
        words.sort(key=lambda x: -len(x[0]))
        self._country_words = dict(words)
        self._country_re = regex.compile(
            r"(?<![\w'-])(?:" + "|".join(regex.escape(w) for w, _ in words) + r")(?![\w-])") if words else None

    # ---------------------------------------------------------------------------------------
    def lookup(self, text: str, context: tuple[str, int] | None = None,
               prefer: frozenset[str] = frozenset()) -> Entry | None:
        """The entry a source phrase names, if the registry knows it. A shared alias resolves to the
        one of its entries the document names elsewhere (`prefer`, canonical names), else by the
        country named nearest to it in its sentence."""
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
            # "the al Qaeda-linked group al-Shabaab", "Russian military blogger Igor Girkin": a known
            # name at the end of a longer phrase
            words = key.split()
            for n in range(1, len(words)):
                tail = " ".join(words[n:])
                if tail in self._exact and (len(words) - n >= 2 or self._is_name_word(cand, words[n])):
                    return self._exact[tail]
            if key in self._shared:
                shared = self._shared[key]
                named = [e for e in shared if e.name in prefer]
                if len(named) == 1:
                    return named[0]
                return self._by_country(shared, context)
        return None

    @staticmethod
    def _is_name_word(text: str, word: str) -> bool:
        """Is `word` written as a name in `text` (capitalised or an acronym), not a common noun?"""
        for w in _WORD.findall(text.replace("’", "'")):
            if w.lower().replace("'", "") == word:
                return w[:1].isupper()
        return False

    def is_shared(self, text: str) -> bool:
        """Is this phrase an alias several sources share ("the Defence Ministry")?"""
        key = normalize(_PAREN.sub("", text))
        return key in self._shared and key not in self._exact

    def _by_country(self, entries: list[Entry], context: tuple[str, int] | None) -> Entry | None:
        if context is None or self._country_re is None:
            return None
        text, pos = context
        best = None
        best_dist = None
        lo, hi = _sentence_bounds(text, pos)
        for m in self._country_re.finditer(text, lo, hi):
            code = self._country_words[m.group()]
            for e in entries:
                if e.country == code or (e.side and e.side == code):
                    dist = abs(m.start() - pos)
                    if best_dist is None or dist < best_dist:
                        best, best_dist = e, dist
        return best

    def source(self, src: str, cue: str, *, text: str | None = None, context: tuple[str, int] | None = None,
               alias: str | None = None, prefer: frozenset[str] = frozenset()) -> Source:
        """A Source for a phrase found in the text: canonical name, kind and side when known."""
        written = text if text is not None else src
        e = self.lookup(src, context, prefer) or (self.lookup(alias, context, prefer) if alias else None)
        if e is not None:
            return Source(written, e.name, cue, e.kind, e.side)
        return Source(written, plain_name(src) or src, cue)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The stretch of text around pos up to the nearest sentence ends (a country named there
    decides a shared alias)."""
    lo = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), pos - 300, 0)
    ends = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i != -1]
    hi = min(ends + [pos + 200, len(text)])
    return lo, hi


def _entries(data: dict, origin: str) -> list[Entry]:
    out = []
    for i, s in enumerate(data.get("source", [])):
        if not isinstance(s, dict) or not s.get("name"):
            raise UsageError(f"{origin}: source #{i + 1} has no name")
        kind = s.get("kind")
        if kind is not None and kind not in KINDS:
            raise UsageError(f"{origin}: source {s['name']!r} has unknown kind {kind!r} (one of {', '.join(KINDS)})")
        out.append(Entry(s["name"], kind, s.get("side"), s.get("country"), tuple(s.get("aliases", ())),
                         tuple(s.get("ambiguous", ()))))
    return out


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
    """The shipped registry with the user's config file and any extra files in front."""
    shipped = load("sources.toml")
    entries: list[Entry] = []
    countries: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in shipped.get("countries", {}).items()}
    files = list(extra_files)
    cfg = user_config_path()
    if use_config and cfg.is_file():
        files.append(str(cfg))
    for f in files:
        data = load_user_file(f)
        entries += _entries(data, str(f))
        for k, v in data.get("countries", {}).items():
            countries[k] = tuple(v) + countries.get(k, ())
    entries += _entries(shipped, "sources.toml")
    return Registry(entries, countries)


@functools.cache
def default_registry() -> Registry:
    return build(use_config=True)
