"""Compiled patterns on two engines: the standard library's `re` where it reads a pattern and a
text exactly as `regex` does, `regex` everywhere else.

`regex` (Unicode properties, variable-length look-behind, overlapped matching, repeated group
names) parses and compiles a pattern in Python at about 3 µs a character, so the rules one
article needs cost more to compile than the article takes to read. `re` compiles the same
patterns about three times faster and matches them about as fast. The two engines read characters
differently in a few places only: combining marks (decomposed text: "é" as "e" + U+0301),
superscript digits and fractions, a few control and symbol characters, the dotless "ı", and
characters newer than Python's own Unicode tables. So:

- `compiled(source, flags)` is a `Pattern`: a long one (the rules, the number grammar, the
  cue lists: where compiling costs) has an `re` version when `re` compiles the source without
  complaint and the source has none of those characters. Each version is compiled the first
  time it is needed. Short patterns stay with `regex`: they compile in well under a
  millisecond. A pattern that starts with a literal word ("killed", "(?:shot|shooting)")
  moves its searches to `regex` after its first thousand (`regex` skips ahead to where the
  word can start while `re` tries every position: faster searches, for a dearer compile); it
  still matches at a given position on `re`;
- `reading(text)`: while the pipeline reads a text, patterns use their `re` version unless the
  text has one of those characters. Whether a character is one is asked of both engines (with
  the probes below) the first time it is seen, and remembered.

Outside `reading()` a pattern always uses `regex`: the results are the same either way, only
the speed differs. Callers use what both engines offer (search, match, fullmatch, finditer,
findall, sub, split; `overlapped()` instead of regex's `overlapped=True`); a hot loop takes
`get()` (to match) or `scanner()` (to search) once.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import warnings
from typing import Iterator

import regex

# flags both engines read alike; any other flag (VERSION1, FULLCASE, BESTMATCH, ...) is regex's own
_SHARED_FLAGS = int(re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE)
_FAST: contextvars.ContextVar[bool] = contextvars.ContextVar("claimx_fast_patterns", default=False)
_MIN_FAST = 300        # characters: a shorter pattern stays with regex
# searches of a literal-led pattern on re before it moves to regex: re is ~10 µs a sentence
# slower on the slowest rule, compiling it on regex ~10 ms, so this many searches cost about that
_SEARCHES_ON_RE = 1000
# ASCII characters the engines read differently (file, group, record and unit separators: \s in re only)
_ASCII_ODD = ("\x1c", "\x1d", "\x1e", "\x1f")


_UNSET = object()


class Pattern:
    """One pattern, compiled by `re` (when it can stand in for `regex`) and by `regex`, each the
    first time it is needed."""

    __slots__ = ("source", "flags", "_fast", "_full", "_searches")

    def __init__(self, source: str, flags: int = 0):
        self.source = source
        self.flags = int(flags)
        self._fast = _UNSET      # the re version, or None where re cannot stand in
        self._full = None        # the regex version
        self._searches = 0       # searches left on re for a literal-led pattern (-1: no limit)

    def _re(self):
        fast = self._fast
        if fast is _UNSET:
            fast = self._fast = _re_version(self.source, self.flags)
            self._searches = _SEARCHES_ON_RE if fast is not None and literal_led(self.source) else -1
        return fast

    def _regex(self) -> regex.Pattern:
        full = self._full
        if full is None:
            full = self._full = regex.compile(self.source, self.flags)
        return full

    def get(self):
        """The compiled pattern to match with at a given position now: `re`'s while reading a
        plain text, else `regex`'s. Hot loops take it once and call it directly."""
        if _FAST.get():
            fast = self._fast
            if fast is _UNSET:
                fast = self._re()
            if fast is not None:
                return fast
        full = self._full
        return full if full is not None else self._regex()

    def scanner(self):
        """The compiled pattern to search with now: as `get()`, except for a pattern that starts
        with a literal word (see `literal_led`): after its first searches on `re` it moves to
        `regex`, which searches it faster but costs more to compile (a feed that uses it a few
        times does not pay that; one that uses it all the time soon earns it back)."""
        if _FAST.get():
            fast = self._fast
            if fast is _UNSET:
                fast = self._re()
            if fast is not None:
                left = self._searches
                if left < 0:
                    return fast
                if left > 0:
                    self._searches = left - 1
                    return fast
        full = self._full
        return full if full is not None else self._regex()

    def match(self, *args, **kwargs):
        return self.get().match(*args, **kwargs)

    def fullmatch(self, *args, **kwargs):
        return self.get().fullmatch(*args, **kwargs)

    def search(self, *args, **kwargs):
        return self.scanner().search(*args, **kwargs)

    def finditer(self, *args, **kwargs):
        return self.scanner().finditer(*args, **kwargs)

    def findall(self, *args, **kwargs):
        return self.scanner().findall(*args, **kwargs)

    def sub(self, *args, **kwargs):
        return self.scanner().sub(*args, **kwargs)

    def split(self, *args, **kwargs):
        return self.scanner().split(*args, **kwargs)

    def overlapped(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator:
        """Every match, one per start position where one starts, overlaps allowed (as regex's
        `finditer(..., overlapped=True)`: after a match the search goes on one character after
        its start)."""
        p = self.scanner()
        endpos = len(text) if endpos is None else endpos
        if p is self._full:
            return p.finditer(text, pos, endpos, overlapped=True)
        return _overlapped(p, text, pos, endpos)

    def __repr__(self) -> str:
        return f"Pattern({self.source[:60]!r}{'...' if len(self.source) > 60 else ''})"


def _overlapped(p: re.Pattern, text: str, pos: int, endpos: int) -> Iterator[re.Match]:
    search = p.search
    while True:
        m = search(text, pos, endpos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


@functools.lru_cache(maxsize=None)
def compiled(source: str, flags: int = 0) -> Pattern:
    """The `Pattern` of a source (cached: the same source and flags give the same object)."""
    return Pattern(source, flags)


# what may stand before a pattern's first element: word boundaries, group openings, look-behinds
_LEAD = re.compile(r"(?:\\b|\^|\(\?:|\(\?P<\w+>|\(\?<[!=](?:[^()\\]|\\.)*\)|\s+(?=.)|#[^\n]*\n)*")


def literal_led(source: str) -> bool:
    """Does a match start with a literal word ("killed", "(?:shot|shooting)")? `regex` searches
    for such a pattern by skipping to where its first word can start; `re` tries every position
    (under IGNORECASE it has nothing to skip by), several times slower on a long text."""
    m = _LEAD.match(source)
    return source[m.end():m.end() + 1].isalpha()


def _re_version(source: str, flags: int) -> re.Pattern | None:
    if len(source) < _MIN_FAST or flags & ~_SHARED_FLAGS or not all(map(_plain, set(source))):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "possible nested set" and the like: re would read it another way
        try:
            return re.compile(source, flags)
        except (re.error, Warning, ValueError, TypeError, OverflowError):
            return None


@contextlib.contextmanager
def reading(text: str) -> Iterator[None]:
    """Patterns use `re` inside this block when `text` has no character the engines read apart."""
    token = _FAST.set(plain(text))
    try:
        yield
    finally:
        _FAST.reset(token)


def plain(text: str) -> bool:
    """Do both engines read every character of `text` alike?"""
    if text.isascii():
        return not any(ch in text for ch in _ASCII_ODD)
    known = _KNOWN
    for ch in set(text):
        ok = known.get(ch)
        if ok is None:
            ok = _plain(ch)
        if not ok:
            return False
    return True


_KNOWN: dict[str, bool] = {}
# what a pattern may ask of a character: its classes, and which ASCII letter it is case-insensitively
_PROBES = (r"\w", r"\s", r"\d", r"(?i)[a-z]", r"(?i)(?:" + "|".join(f"({c})" for c in "abcdefghijklmnopqrstuvwxyz") + ")")


@functools.cache
def _probes() -> tuple[tuple[re.Pattern, regex.Pattern], ...]:
    return tuple((re.compile(p), regex.compile(p)) for p in _PROBES)


def _plain(ch: str) -> bool:
    """Do both engines read this character alike, by every probe, and alike beside its upper-
    and lower-case forms; and so every character its case forms are made of ("İ" lower-cases to
    "i" + U+0307)? Remembered."""
    ok = _KNOWN.get(ch)
    if ok is None:
        ok = _KNOWN[ch] = all(_agrees(c) for c in _case_closure(ch))
    return ok


def _case_closure(ch: str) -> set[str]:
    """The character and every character its case forms, and theirs, are made of."""
    seen, todo = {ch}, [ch]
    while todo:
        c = todo.pop()
        for form in (c.lower(), c.upper(), c.casefold()):
            for x in form:
                if x not in seen:
                    seen.add(x)
                    todo.append(x)
    return seen


def _agrees(ch: str) -> bool:
    """Both engines, on one character: the same answer to every probe, and the same answer to
    whether it matches each of its single-character case forms case-insensitively."""
    if ch.isascii():
        return ch not in _ASCII_ODD
    for fast, full in _probes():
        a, b = fast.fullmatch(ch), full.fullmatch(ch)
        if (a is None) != (b is None) or (a is not None and a.lastindex != b.lastindex):
            return False
    for other in {ch.lower(), ch.upper(), ch.casefold()} - {ch}:
        if len(other) == 1 and (re.fullmatch(re.escape(ch), other, re.IGNORECASE) is None) != (
                regex.fullmatch(regex.escape(ch), other, regex.IGNORECASE) is None):
            return False
    return True
