"""Stage: lines, paragraphs and sentences, with offsets into the original text.

- A line break ends a sentence, except a soft wrap (a line that does not end a sentence followed
  by one that starts in lower case).
- Sentence ends: `.`, `!`, `?` (and closing quotes or brackets after them) followed by space and
  an upper-case letter, digit or opening quote; abbreviations and initials do not end a sentence.
- Link lines on scraped pages ("Read more: ...", "Related: ...") are not part of the article:
  they get no sentences, so their figures are never claims.
- A sentence over `max_sentence_chars` is cut into pieces at white space, so that no rule ever
  sees an unbounded stretch of text (a 5 MB line without a full stop stays linear).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from ..patterns import compiled
from ..settings import SETTINGS


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    para: int          # index of the paragraph (block of lines) it belongs to
    heading: bool      # a title-like line: no closing punctuation, short, on a line of its own

    def text(self, doc: str) -> str:
        return doc[self.start:self.end]


# words a full stop follows without ending a sentence (shared with the victims phrase)
ABBREVIATIONS = frozenset("""
mr mrs ms dr gov sen rep gen lt col sgt capt maj cpl pvt adm cmdr st jr sr prof rev mt no nos vs etc
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
inc corp co ltd dept univ est approx fig ft pt ave blvd rd hon messrs mme mlle gens lieut brig insp supt det
""".split())

_LINK_LINE = compiled(
    r"^\W{0,3}(?:read\s+more|related(?:\s+(?:stories|articles|coverage|news))?|also\s+read|read\s+also|see\s+also"
    r"|more\s+from|most\s+read|trending(?:\s+now)?|recommended|watch|listen|recommended\s+for\s+you|popular|"
    r"more\s+stories|you\s+may\s+also\s+like|further\s+reading)\b\s*[:|\-–—]",
    regex.IGNORECASE)
_LINK_HEAD = compiled(
    r"^\W{0,3}(?:read\s+more|related(?:\s+\w+)?|also\s+read|see\s+also|more\s+from\s+.{0,40}|most\s+read|"
    r"trending(?:\s+now)?|recommended(?:\s+for\s+you)?|more\s+stories|popular(?:\s+now)?|you\s+may\s+also\s+like)\W{0,3}$",
    regex.IGNORECASE)
_BULLET = compiled(r"^\s*(?:[•·▪►\-*–]|\d{1,2}[.)])\s+")

# a candidate sentence end: terminal punctuation, closing quotes/brackets, white space, a new start
_END = compiled(r"""[.!?]+["”’'»)\]]*(?=\s+["“‘'«(\[]?[\p{Lu}\d])""")
_WORD_BEFORE = compiled(r"([\w.'’-]+)$")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PLAIN_GAPS = frozenset(" \t\n\r\"“”(«")     # characters that can never be part of a word before a dot


def _is_abbreviation(text: str, dot: int) -> bool:
    """Does the period at `dot` end an abbreviation or an initial rather than a sentence?"""
    if text[dot] != ".":
        return False
    lo = max(0, dot - 30)
    j = dot
    while j > lo and text[j - 1] in _ASCII_LETTERS:
        j -= 1
    if j < dot and (j == lo or text[j - 1] in _PLAIN_GAPS):
        # the common case, a plain word after a space: what _WORD_BEFORE would find, found faster
        core = text[j:dot].lower()
        return len(core) == 1 or core in ABBREVIATIONS
    m = _WORD_BEFORE.search(text, lo, dot)
    if not m:
        return False
    word = m.group(1)
    core = word.rstrip(".").lower()
    if len(core) == 1 and core.isalpha():          # an initial: "J. Smith", "U.S."
        return True
    if "." in word.strip("."):                     # "U.S.", "a.m.", "e.g."
        return True
    return core in ABBREVIATIONS


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    s = start
    for m in _END.finditer(text, start, end):
        if _is_abbreviation(text, m.start()):
            continue
        e = m.end()
        if e > s:
            out.append((s, e))
        s = e
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        out.append((s, end))
    return [(a, b) for a, b in (_strip(text, a, b) for a, b in out) if b > a]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _cut_long(a: int, b: int, text: str) -> list[tuple[int, int]]:
    limit = SETTINGS.max_sentence_chars
    if b - a <= limit:
        return [(a, b)]
    out = []
    while b - a > limit:
        cut = text.rfind(" ", a + limit // 2, a + limit)
        if cut <= a:
            cut = a + limit
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


def segment(text: str, around: list[int] | None = None, context: int = 4) -> list[Sentence]:
    """The sentences of a document, in order.

    With `around` (sorted offsets of the words that matter, such as casualty words), only the
    paragraphs that hold one are split into sentences, with the `context` paragraphs before each
    (where a source or a quote that reaches them is named), the one after it and the first few of
    the document (its headline): on a long text with few such words most paragraphs are never
    split. Paragraph numbers stay those of the whole document."""
    # lines with their offsets
    lines: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl == -1:
            nl = n
        lines.append((pos, nl))
        pos = nl + 1
    # blocks: runs of non-blank lines, split where a line ends a sentence (news puts one paragraph a line)
    blocks: list[tuple[int, int, bool]] = []   # start, end, single_line
    cur: list[tuple[int, int]] = []
    in_links = False

    def flush():
        if cur:
            blocks.append((cur[0][0], cur[-1][1], len(cur) == 1))
            cur.clear()

    for a, b in lines:
        line = text[a:b]
        stripped = line.strip()
        if not stripped:
            flush()
            in_links = False
            continue
        if _LINK_LINE.match(stripped) or _LINK_HEAD.match(stripped):
            flush()
            in_links = bool(_LINK_HEAD.match(stripped))
            continue
        if in_links and _BULLET.match(line):
            continue
        in_links = False
        if cur:
            prev = text[cur[-1][0]:cur[-1][1]].rstrip()
            soft_wrap = prev and prev[-1] not in ".!?:;\"”’'" and stripped[0].islower() and not _BULLET.match(line)
            if not soft_wrap:
                flush()
        cur.append((a, b))
    flush()

    wanted = None
    if around is not None:
        wanted = set(range(min(len(blocks), context)))
        i = 0
        for para, (a, b, _) in enumerate(blocks):
            while i < len(around) and around[i] < a:
                i += 1
            if i < len(around) and around[i] < b:
                wanted.update(range(max(0, para - context), min(len(blocks), para + 2)))
    sentences: list[Sentence] = []
    for para, (a, b, single) in enumerate(blocks):
        if wanted is not None and para not in wanted:
            continue
        a, b = _strip(text, a, b)
        block = text[a:b]
        heading = single and "\n" not in block and len(block) < 250 and block[-1:] not in ".!?\"”'’" \
            and len(block.split()) >= 3
        pieces = [p for sa, sb in _split_block(text, a, b) for p in _cut_long(sa, sb, text)]
        if around is not None and len(pieces) > _MANY_PIECES:
            pieces = _near_hits(pieces, around)
        for ca, cb in pieces:
            sentences.append(Sentence(len(sentences), ca, cb, para, heading))
    return sentences


# A paragraph of more pieces than this is no paragraph (a page flattened onto one line): only
# the pieces with a casualty word, the two before them and the one after are read
_MANY_PIECES = 40


def _near_hits(pieces: list[tuple[int, int]], around: list[int]) -> list[tuple[int, int]]:
    keep: set[int] = set()
    for i, (a, b) in enumerate(pieces):
        j = bisect.bisect_left(around, a)
        if j < len(around) and around[j] < b:
            keep.update((i - 2, i - 1, i, i + 1))
    return [p for i, p in enumerate(pieces) if i in keep]


class LineIndex:
    """1-based line numbers for offsets, by binary search over newline positions."""

    def __init__(self, text: str):
        nl, i = [], text.find("\n")
        while i >= 0:
            nl.append(i)
            i = text.find("\n", i + 1)
        self._nl = nl

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._nl, offset) + 1
