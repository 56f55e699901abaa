"""Stage: who said it.

For every candidate count, find the party the text says states it, or nobody (the article's own
voice). Cue words and the words that end a name are data (`rules/attribution.toml`).

1. Cues in a sentence: "X said (that) ...", "..., X said", '"...," said X', "according to X",
   "per X", "citing X", "X's figures show", "figures from X", a participle continuing a sentence
   whose subject is the source ("..., saying its fighters had killed 40", "with the UN reporting
   85 deaths"), and a headline or bulletin dash ("63 killed — Defence Ministry").
2. Which cue covers a count: the nearest cue before it in the sentence, else a postposed cue after
   it in the same clause; "citing X" hands the figure to X; a figure someone "counted" inside
   another speaker's statement stays that speaker's; a count inside a quotation whose own sentence
   names nobody takes the quote's speaker, even when the quote closes sentences later.
3. Pronouns and definite phrases ("he", "it", "the ministry", "the group") point back to the
   nearest fitting source named before; "I" and "we" inside a quote are its speaker.
4. The source's canonical name comes from the registry (aliases, kind, side) or, failing that, its
   text without determiners, asides, places ("in Kabul") and documents ("'s bulletin").
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

import regex

from ..models import Source
from ..patterns import compiled
from ..rules import alternation, load, person_nouns, word_trie
from ..settings import SETTINGS
from .casualties import Candidate, lower_same_length
from .segment import Sentence


class _Shifted:
    """A match found in a slice of the text, read as if found in the whole text."""

    __slots__ = ("_m", "_lo", "_text")

    def __init__(self, m, lo: int, text: str):
        self._m, self._lo, self._text = m, lo, text

    def start(self) -> int:
        return self._m.start() + self._lo

    def end(self) -> int:
        return self._m.end() + self._lo

    def group(self) -> str:
        return self._text[self.start():self.end()]


@dataclass
class Cue:
    start: int            # where the cue phrase starts (source or cue word, whichever first)
    end: int              # where it ends
    word: str             # the cue word as written ("said", "according to", "—")
    src: str              # the source as written
    src_start: int
    kind: str             # subject | inverted | prep | citing | participle | dash | figures
    postposed: bool       # may attribute a count before it in the sentence
    alias: str | None = None
    sentence: int = -1
    observation: bool = False   # "counted", "recorded": a record, not a statement


@dataclass
class Ref:
    """A source named in the document, for pronouns and definite phrases to point back to."""
    name: str
    person: bool
    org: bool
    plural: bool
    sentence: int
    source: Source


class Tok(NamedTuple):
    """A word or punctuation mark of a sentence (a tuple: sentences have many and are read often)."""

    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()


_ABBREV = frozenset("dr mr mrs ms gen col lt sgt capt maj gov sen rep st jr sr prof rev no gens brig adm cpl pvt "
                    "insp supt det jan feb mar apr jun jul aug sep sept oct nov dec".split())
_TOKEN = compiled(r"\([^()\n]{1,60}\)|[\w](?:[\w'’&\-]|\.(?=\w))*\.?|[^\w\s]")
_PUNCT = frozenset(",;:\"“”‘’«»—–[]!?()-|•·")
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"


def _tokens(text: str, a: int, b: int) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text, a, b):
        t = m.group()
        if len(t) > 1 and t.endswith(".") and "." not in t[:-1] and t[:-1].lower() not in _ABBREV:
            out.append(Tok(m.start(), m.end() - 1, t[:-1]))
            out.append(Tok(m.end() - 1, m.end(), "."))
        else:
            out.append(Tok(m.start(), m.end(), t))
    return out


@functools.cache
def _data() -> dict:
    d = load("attribution.toml")
    cues, names = d["cues"], d["names"]
    verbs = sorted(set(cues["verbs"]), key=len, reverse=True)
    trailing = sorted(names["trailing"], key=len, reverse=True)
    words = lambda xs: r"(?<![\w'’-])(?:" + word_trie(sorted({x.lower() for x in xs})) + r")(?![\w'’-])"
    return {
        # scans of lower-cased text with the standard library's re: several times faster than a
        # case-insensitive alternation
        "verb_fast": re.compile(words(verbs)),
        "prep_probe": re.compile(words(cues["preps"])),
        "figures_probe": re.compile(r"figures|data|statistic|estimate|tall(?:y|ies)|count|record|bulletin|report|statement|numbers|toll"),
        "participle_probe": re.compile(words(cues["participles"])),
        "verb": compiled(r"(?<![\w'’-])(?:" + "|".join(map(regex.escape, verbs)) + r")(?![\w'’-])",
                              regex.IGNORECASE),
        "verbs": frozenset(v.lower() for v in verbs),
        "inverted": frozenset(cues["inverted_verbs"]),
        "observation": frozenset(cues["observation_verbs"]),
        "noun_like": frozenset(cues["noun_like"]),
        "object_verbs": frozenset(cues["object_verbs"]),
        "object_after": compiled(r"\s*:|\s+(?:" + "|".join(regex.escape(w) for w in cues["object_words"]) + r")\b",
                                      regex.IGNORECASE),
        "participle": compiled(r"(?:,|\s(?:and|while))\s*(?P<w>" + "|".join(cues["participles"]) + r")(?![\w'’-])",
                                    regex.IGNORECASE),
        "with_participle": compiled(r"\bwith\s+(?P<src>(?:[\w'’.\-]+|\([^()]{1,40}\))(?:\s+(?:[\w'’.\-]+|\([^()]{1,40}\))){0,7}?)\s+(?P<w>"
                                         + "|".join(cues["participles"]) + r")\b", regex.IGNORECASE),
        # a subject never starts with one ("according to court documents": "documents" is no verb)
        "prep_starts": tuple(p.lower() + " " for p in cues["preps"]),
        "prep": compiled(r"(?<![\w'’-])(?P<p>" + alternation(cues["preps"])[3:-1] + r")\s+", regex.IGNORECASE),
        # "the ministry's figures show", "the agency's 9 a.m. bulletin listed"
        "figures": compiled(
            r"['’]s?\s+(?:[\w.:]+\s+){0,2}?(?:" + "|".join(cues["figures_nouns"]) + r")\s+(?:"
            + "|".join(cues["figures_verbs"]) + r")\b", regex.IGNORECASE),
        # "the US's estimate of the number of civilians killed"
        "estimate_of": compiled(r"['’]s?\s+(?:\w+\s+)?(?:estimate|estimates|figure|figures|count|tally|toll|tallies)"
                                     r"\s+of\b", regex.IGNORECASE),
        # "Kyrgyz health ministry figures show"
        "figures_compound": compiled(
            r"\s+(?:figures|data|statistics|estimates|tally|count|records)\s+(?:" + "|".join(cues["figures_verbs"])
            + r")\b", regex.IGNORECASE),
        "trailing": compiled(r"(?:\s+(?:" + "|".join(r"\s+".join(map(regex.escape, t.split())) for t in trailing)
                                  + r"))+\s*$", regex.IGNORECASE),
        "boundary": frozenset(names["boundary_words"]),
        "partial": frozenset(names["partial_scope"]),
        "passive": frozenset(names["passive"]),
        "pron_person": frozenset(names["pronouns_person"]),
        "pron_group": frozenset(names["pronouns_group"]),
        "pron_thing": frozenset(names["pronouns_thing"]),
        "anaphors": frozenset(names["anaphors"]),
        "titles": frozenset(names["person_titles"]),
        "orgs": frozenset(names["org_words"]),
        "generic": frozenset(names["generic"]),
        "dash_words": frozenset(names["dash_words"]),
        "documents": frozenset(names["documents"]),
        "not_sources": frozenset(names["not_sources"]),
        "not_source_heads": frozenset(names["not_source_heads"]),
    }


# --------------------------------------------------------------------------------------------
# source phrases

_DETERMINER_START = frozenset("a an the one two three four several some many its his her their our this these those".split())


def _looks_like_source(text: str, strict: bool = False) -> bool:
    """A plausible name: a capitalised word, an acronym, a generic source word, a pronoun, or a
    determiner phrase ("a site foreman"). `strict` (for verbs that are also nouns) wants more."""
    d = _data()
    words = text.split()
    if not words or len(words) > 14:
        return False
    low = [w.lower().strip("'’.,") for w in words]
    if len(low) == 1 and low[0] in d["not_sources"]:
        return False
    if low[-1] in d["not_source_heads"] or (len(low) > 2 and "of" in low and low[low.index("of") - 1] in d["not_source_heads"]):
        return False
    if _anaphor_kind(text) is not None:
        return True
    has_generic = any(w in d["generic"] or w in d["titles"] or w in d["orgs"] or w.rstrip("s") in d["generic"]
                      for w in low)
    caps = [w for w in words[1:] if w[:1].isupper()] + ([words[0]] if words[0][:1].isupper() and
                                                       low[0] not in _DETERMINER_START else [])
    if strict:
        return has_generic or len(caps) >= 2 or (len(caps) == 1 and len(words) == 1 and words[0].isupper())
    if has_generic or caps:
        return True
    return low[0] in _DETERMINER_START and len(words) <= 6 and words[-1].isalpha()


def _boundary(t: Tok) -> bool:
    d = _data()
    return t.text in _PUNCT or t.low in d["boundary"] or t.low in d["verbs"]


def _strip_trailing(text: str, lo: int, p: int) -> int:
    """End of the subject before a cue verb at p: drop "on Monday", "also", "in a statement"."""
    m = _data()["trailing"].search(text, lo, p)
    return m.start() if m else p


def _subject_before(text: str, lo: int, p: int) -> tuple[int, int, str | None] | None:
    """The noun phrase that ends just before position p (the subject of a cue verb at p), and the
    aside next to it ("Igor Girkin, a former intelligence officer, said")."""
    lo = max(lo, p - 200)       # a subject is never longer than this: no rescans of a long sentence
    end = _strip_trailing(text, lo, p)
    toks = _tokens(text, lo, end)
    i = len(toks) - 1
    if i < 0:
        return None
    if toks[i].text == ",":
        # "X, a spokesman for Y, said" / "X, who ..., said": read past the aside
        j = i - 1
        while j >= 0 and toks[j].text not in (",", "\"", "“", "”", ";", ":", "—", "–"):
            j -= 1
        if j < 0 or toks[j].text != ",":
            return None
        aside = text[toks[j].end:toks[i].start].strip()
        k = j - 1
        while k >= 0 and not _boundary(toks[k]):
            k -= 1
        # "A military blogger who often criticises the command, Ivo Starek, said": skip the relative clause
        if k >= 0 and toks[k].low in ("who", "which"):
            k -= 1
            while k >= 0 and not _boundary(toks[k]):
                k -= 1
            rel = next(n for n in range(k + 1, j) if toks[n].low in ("who", "which"))
            head = toks[k + 1:rel]
        else:
            head = toks[k + 1:j]
        if not head or len(head) > 12:
            return None
        if not aside or aside.split()[0].lower() in ("who", "which", "whose", "whom", "where", "that") or \
                not compiled(r"[^\W\d_]").search(aside):
            aside = None
        hs, he = head[0].start, head[-1].end
        # "The town's hospital director, Dr. Olena Marchuk, said": the name is the aside
        if aside and _is_title_phrase(text[hs:he]) and _is_proper_name(aside):
            a = toks[j].end + (len(text[toks[j].end:toks[i].start]) - len(text[toks[j].end:toks[i].start].lstrip()))
            return a, a + len(aside), text[hs:he]
        return hs, he, aside
    j = i
    while j >= 0 and not _boundary(toks[j]):
        j -= 1
    words = toks[j + 1:i + 1]
    # "Two residents who fled to the capital told Reuters": the subject is before "who"
    if j >= 0 and toks[j].low in ("who", "which"):
        k = j - 1
        while k >= 0 and not _boundary(toks[k]):
            k -= 1
        words = toks[k + 1:j]
    if not words or len(words) > 14:
        return None
    # "Sharif Hotak, a member of the provincial council said": the name before the comma
    if words[0].low in ("a", "an") and j >= 1 and toks[j].text == "," and _is_title_phrase_any(
            text[words[0].start:words[-1].end]):
        k = j - 1
        name = []
        while k >= 0 and toks[k].text[:1].isupper() and not _boundary(toks[k]):
            name.insert(0, toks[k])
            k -= 1
        if 1 <= len(name) <= 4 and (k < 0 or _boundary(toks[k])):
            return name[0].start, name[-1].end, text[words[0].start:words[-1].end]
    return words[0].start, words[-1].end, None


_NP_STOP = frozenset("said says told saying adding speaking who which that had has have was were is are would will "
                     "could may might did does do in on at during after before when while as show shows showed shown "
                     "indicate indicates indicated suggest suggests put puts".split())


def _np_after(text: str, a: int, b: int, max_words: int = 12) -> tuple[int, int, bool] | None:
    """The noun phrase that starts at a (the source after "said", "according to"), and whether it
    ends the clause (is followed by punctuation or the end of the sentence)."""
    toks = _tokens(text, a, b)
    out: list[Tok] = []
    ends_clause = True
    for n, t in enumerate(toks):
        w = t.text
        lw = t.low
        if w in _PUNCT or w == "." or w[:1].isdigit():
            break
        if lw == "and" and out and out[-1].text[:1].isupper() and n + 1 < len(toks) and toks[n + 1].text[:1].isupper():
            out.append(t)
            continue
        if lw in ("in", "on", "at", "from") and out and len(out) < 8 and _continues_name(toks, n):
            out.append(t)
            continue
        if lw in _data()["boundary"] or lw in _NP_STOP:
            ends_clause = lw in ("in", "on", "at", "during", "after", "before", "when", "while", "as", "who", "which",
                                 "speaking", "adding", "saying")
            break
        out.append(t)
        if len(out) >= max_words:
            break
    while out and out[-1].low in ("of", "for", "the", "a", "an", "and"):
        out.pop()
    if not out:
        return None
    return out[0].start, out[-1].end, ends_clause


def _continues_name(toks: list[Tok], n: int) -> bool:
    """'a senior official in the defense ministry': a preposition inside a source's name."""
    nxt = toks[n + 1:n + 4]
    words = [t for t in nxt if t.low not in ("the", "a", "an")]
    if not words:
        return False
    w = words[0]
    if compiled(_DAY).fullmatch(w.low) or w.low in ("a", "x", "telegram", "twitter", "facebook", "tv"):
        return False
    if any(t.low in _data()["orgs"] for t in words[:3]):
        return True
    return w.text[:1].isupper()


def _is_title_phrase(text: str) -> bool:
    words = [w.lower().strip(".,") for w in text.split()]
    return bool(words) and words[-1] in _data()["titles"]


def _is_title_phrase_any(text: str) -> bool:
    words = [w.lower().strip(".,") for w in text.split()]
    return any(w in _data()["titles"] for w in words)


_PARTICLE = compiled(r"(?:al|el|ad|as|ash|bin|ibn|abu|de|da|del|della|van|von|der|den|du|le|la|di)(?:[-’']\p{Lu}.*)?$")


def _is_proper_name(text: str) -> bool:
    words = [w for w in text.split() if w.lower().rstrip(".") not in _TITLE_ABBREV]
    if len(words) == 1 and (words[0].lower() in person_nouns() or words[0].lower() in _data()["generic"]):
        return False        # "Rescuers", "Officials": a common noun at the start of a sentence
    return 1 <= len(words) <= 5 and all(w[:1].isupper() or _PARTICLE.match(w) for w in words) and \
        any(w[:1].isupper() for w in words)


_TITLE_ABBREV = frozenset("dr mr mrs ms gen col lt sgt capt maj gov sen rep prof rev brig adm cpl insp supt det".split())


# --------------------------------------------------------------------------------------------
# cues of one sentence

def find_cues(text: str, s: Sentence) -> list[Cue]:
    d = _data()
    lo, hi = s.start, s.end
    cues: list[Cue] = []
    low = lower_same_length(text[lo:hi])

    for m in d["verb_fast"].finditer(low):
        m = _Shifted(m, lo, text)
        w = m.group().lower()
        before = text[max(lo, m.start() - 24):m.start()]
        prev_words = before.lower().split()
        prev = prev_words[-1].strip("\"“”,") if prev_words else ""
        if prev in d["passive"]:
            continue        # "were reported killed", "an estimated 400"
        after = text[m.end():hi]
        if w in d["object_verbs"] and not d["object_after"].match(after):
            continue
        if w.startswith("claim") and compiled(r"\s+(?:the\s+lives|\S+\s+lives|responsibility|credit|the\s+attack)", regex.I).match(after):
            continue
        if w.startswith("admit") and compiled(r"\s+\d").match(after):
            continue        # "the hospital had admitted 38 patients"
        # inverted: '"...," said X' and ", said X, a local youth leader"
        pre = text[lo:m.start()].rstrip()
        if w in d["inverted"] and pre.endswith(tuple(",\"”’'")) and compiled(r"\s+(?:[\p{Lu}\d]|(?:a|an|the|one)\s)").match(after):
            np_ = _np_after(text, m.end(), hi)
            phrase = text[np_[0]:np_[1]] if np_ else ""
            if np_ and np_[2] and (pre.endswith(tuple("\"”’'")) or _np_ends_sentence(text, np_[1], hi)) \
                    and (_is_proper_name(phrase) or _looks_like_source(phrase, strict=True)):
                alias = None
                am = compiled(r",\s+((?:a|an|the)\s+[^,.;]{2,80}?)(?:,|\.|$)").match(text[np_[1]:hi])
                if am:
                    alias = am.group(1)
                cues.append(Cue(m.start(), np_[1], m.group(), text[np_[0]:np_[1]], np_[0], "inverted", True,
                                alias, s.index, w in d["observation"]))
                continue
        sub = _subject_before(text, lo, m.start())
        if sub is None:
            continue
        a, b, alias = sub
        src = text[a:b]
        if not _looks_like_source(src, strict=w in d["noun_like"]):
            continue
        if src.lower().startswith(d["prep_starts"]):
            continue        # "according to court documents": the preposition names the source
        # "in what police said was an unrelated case": the cue covers only part of the sentence
        pw = text[max(lo, a - 12):a].lower().split()
        if pw and pw[-1] in d["partial"]:
            continue
        tail = text[m.end():hi]
        ends_sentence = not compiled(r"\b(?:that)\b|\d").search(tail[:80].lower()) and not _has_count_after(text, m.end(), hi)
        postposed = text[lo:a].rstrip().endswith(tuple(",\"”’'—–")) or ends_sentence
        cues.append(Cue(a, m.end(), m.group(), src, a, "subject", postposed, alias, s.index, w in d["observation"]))

    for m in (d["prep"].finditer(text, lo, hi) if d["prep_probe"].search(low) else ()):
        p = m.group("p").lower()
        if p == "per" and not compiled(
                r"(?:the\s+)?[\p{Lu}]|(?:the\s+)?(?:regional|state|local|provincial|national|city|health|district)\b"
                ).match(text, m.end(), hi):
            continue
        np_ = _np_after(text, m.end(), hi)
        if not np_:
            continue
        src = text[np_[0]:np_[1]]
        if not _looks_like_source(src):
            continue
        kind = "citing" if p in ("citing", "quoting", "as cited by") else "prep"
        postposed = text[lo:m.start()].rstrip().endswith((",", "(", "—", "–")) or _np_ends_sentence(text, np_[1], hi)
        cues.append(Cue(m.start(), np_[1], m.group("p"), src, np_[0], kind, postposed, None, s.index))

    for pattern in ((d["figures"], d["figures_compound"], d["estimate_of"]) if d["figures_probe"].search(low) else ()):
        for m in pattern.finditer(text, lo, hi):
            if any(c.start <= m.start() < c.end for c in cues):
                continue
            sub = _subject_before(text, lo, m.start())
            if sub is None:
                continue
            a, b, alias = sub
            if _looks_like_source(text[a:b], strict=True):
                cues.append(Cue(a, m.end(), m.group().strip(" '’s"), text[a:b], a, "figures", False, alias, s.index))

    has_participle = d["participle_probe"].search(low)
    for m in (d["with_participle"].finditer(text, lo, hi) if has_participle and "with " in low else ()):
        src = m.group("src")
        if _looks_like_source(src):
            cues.append(Cue(m.start("src"), m.end(), m.group("w"), src, m.start("src"), "participle", False, None,
                            s.index))
    for m in (d["participle"].finditer(text, lo, hi) if has_participle else ()):
        if any(c.kind == "participle" and c.start <= m.start("w") < c.end for c in cues):
            continue
        subj = _sentence_subject(text, s, [c for c in cues if c.start < m.start()])
        if subj:
            a, b = subj
            cues.append(Cue(m.start("w"), m.end(), m.group("w"), text[a:b], a, "participle", False, None, s.index))

    dash = compiled(r"(?:^|\s)(?:[—–]|--|-)\s*(?P<src>[^—–\n]{2,90})$").search(text[lo:hi].rstrip(" .")) \
        if ("—" in low or "–" in low or " -" in low) else None
    if dash:
        src = dash.group("src").split(",")[0].strip()
        words = src.split()
        low = [w.lower() for w in words]
        if words and len(words) <= 8 and (any(w in d["dash_words"] for w in low) or
                                          (words[0][:1].isupper() and s.heading)) and not compiled(r"\d").search(src) \
                and not _is_site_name(src):
            a = lo + dash.start("src")
            cues.append(Cue(lo + dash.start(), a + len(src), "—", src, a, "dash", True, None, s.index))
    cues.sort(key=lambda c: c.start)
    return cues


_SITE = compiled(r"\.(?:com|org|net|co|tv|info|news)\b|\b(?:News|Times|Post|Tribune|Herald|Journal|Gazette|"
                      r"Chronicle|Daily|Weekly|Online|TV|Radio|Channel|Network|Media|Press|Reuters|AFP|AP|BBC|CNN)\b")


def _is_site_name(src: str) -> bool:
    """"Shooting leaves 2 dead - WALB.com", "... – BBC News": the page's publisher after a headline
    dash, not a party that states the figure."""
    return bool(_SITE.search(src))


def _np_ends_sentence(text: str, pos: int, hi: int) -> bool:
    rest = text[pos:hi]
    return bool(compiled(r"\s*(?:[.!?\"”’']*\s*$|,|\()").match(rest)) or \
        bool(compiled(r"\s+(?:(?:late\s+|early\s+)?on\s+\w+|in\s+a\s+(?:\w+\s+)?statement|on\s+(?:X|Telegram|Twitter))").match(rest))


_COUNTISH = compiled(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|scores)\b",
                          regex.IGNORECASE)


def _has_count_after(text: str, a: int, b: int) -> bool:
    return bool(_COUNTISH.search(text, a, min(b, a + 120)))


_VERBISH = compiled(r"(?:ed|es)$|^(?:is|was|were|are|has|had|have|will|would|could|said|says|told|made|gave|put|"
                         r"took|sent|led|won|lost|hit|went|came|saw|left|kept|held|set|did|does|do)$")


def _sentence_subject(text: str, s: Sentence, cues: list[Cue]) -> tuple[int, int] | None:
    """The subject of the sentence: its first subject cue's source, else its leading noun phrase
    (up to the first word that looks like a verb)."""
    for c in cues:
        if c.kind == "subject":
            return c.src_start, c.src_start + len(c.src)
    toks = _tokens(text, s.start, min(s.end, s.start + 240))
    out: list[Tok] = []
    for t in toks:
        if t.text in _PUNCT and t.text not in ("-",):
            break
        if out and t.text[:1].islower() and _VERBISH.search(t.low):
            break
        out.append(t)
        if len(out) > 14:
            return None
    while out and out[-1].low in ("of", "for", "the", "and", "al", "de", "on", "-"):
        out.pop()
    if not out or not _looks_like_source(text[out[0].start:out[-1].end]):
        return None
    return out[0].start, out[-1].end


# --------------------------------------------------------------------------------------------
# quotations

def quote_spans(text: str, sentences: list[Sentence]) -> list[tuple[int, int]]:
    """Spans of quoted speech. Straight quotes pair up within a paragraph; an unclosed one runs to
    the end of its paragraph (a quote that goes on in the next one), and a paragraph that opens with
    a closing quote continues the one before."""
    spans: list[tuple[int, int]] = []
    paras: dict[int, list[Sentence]] = {}
    for s in sentences:
        paras.setdefault(s.para, []).append(s)
    for ss in paras.values():
        a, b = ss[0].start, ss[-1].end
        opened = None
        before = len(spans)     # spans found from here on lie in this paragraph
        straight = text.count('"', a, b)
        for m in compiled(r"[\"“”«»]").finditer(text, a, b):
            ch = m.group()
            pos = m.start()
            if opened is None:
                if ch in "”»" or (ch == '"' and straight % 2 == 1 and len(spans) == before and
                                  _closes(text, pos)):
                    spans.append((a, pos))
                    continue
                opened = pos
            elif ch in "“«":
                opened = pos
            else:
                spans.append((opened, pos))
                opened = None
        if opened is not None:
            spans.append((opened, b))
    return sorted(spans)


def _closes(text: str, pos: int) -> bool:
    """Is the straight quote at pos a closing one ('...," he said')?"""
    return pos > 0 and (text[pos - 1] in ".,!?" or (pos + 1 < len(text) and text[pos + 1] in ",."))


# --------------------------------------------------------------------------------------------
# back-references

def _anaphor_kind(src: str) -> str | None:
    """'person', 'thing', 'group', 'self', 'the:<noun>' for a pronoun or definite phrase; None for a name."""
    d = _data()
    words = [w.lower() for w in src.split()]
    if len(words) == 1:
        w = words[0]
        if w in d["pron_person"]:
            return "person"
        if w in d["pron_thing"]:
            return "thing"
        if w in d["pron_group"]:
            return "group"
        if w in ("i", "we"):
            return "self"
    if 2 <= len(words) <= 3 and words[0] in ("the", "this", "that", "its", "their", "his", "her") and \
            words[-1].replace("’", "'").removesuffix("'s") in d["anaphors"]:
        if any(w[:1].isupper() for w in src.split()[1:]):
            return None
        return "the:" + words[-1].replace("’", "'").removesuffix("'s")
    return None


def _make_ref(src: Source, sentence: int) -> Ref:
    d = _data()
    name = src.name
    words = [w.lower().strip(".,()'’") for w in f"{name} {src.text}".split()]
    titled = any(w in d["titles"] for w in words)
    has_org = any(w in d["orgs"] for w in words) or any(w.strip("()").isupper() and len(w.strip("()")) > 1
                                                        for w in f"{name} {src.text}".split())
    core = [w for w in name.split() if w.lower().rstrip(".") not in _TITLE_ABBREV]
    person = src.kind == "person" or titled or (not has_org and _is_proper_name(name) and len(core) <= 4)
    org = not person and (src.kind is not None or has_org)
    plural = not person and bool(words) and words[-1].endswith("s")
    return Ref(name, person, org, plural, sentence, src)


_GENERIC_HEADS = frozenset({"group", "organisation", "organization", "outlet", "channel", "statement", "bulletin",
                            "report", "passage", "text", "post", "summary", "update", "message", "tally"})


def _resolve(kind: str, refs: list[Ref], sentence: int) -> Ref | None:
    limit = SETTINGS.lookback_sentences + (6 if kind.startswith("the:") else 0)
    noun = kind[4:] if kind.startswith("the:") else None
    for r in reversed(refs):
        if sentence - r.sentence > limit:
            break
        if kind == "person" and r.person:
            return r
        if kind == "thing" and r.org and not r.person:
            return r
        if kind == "group" and (r.org or r.plural) and not r.person:
            return r
        if noun:
            if noun in _GENERIC_HEADS and r.org:
                return r
            words = [w.lower().strip(".,()") for w in r.name.split()] + \
                [w.lower().strip(".,()") for w in (r.source.text or "").split()]
            if noun in words or noun.rstrip("s") in words:
                return r
    return None


# --------------------------------------------------------------------------------------------
# choosing the cue for a count

def _clause_break(text: str, a: int, b: int) -> bool:
    """Is there a clause boundary between a and b that a postposed cue does not reach over?"""
    return bool(compiled(r";|\sbut\s").search(text[a:b]))


def _choose(text: str, cues: list[Cue], c: Candidate) -> Cue | None:
    p, e = c.q.start, c.q.end
    before = [k for k in cues if k.end <= p or (k.kind == "participle" and k.start <= p and k.end <= p)]
    citing = [k for k in cues if k.kind == "citing"]
    if before:
        k = before[-1]
        if k.observation and "(" not in text[before[0].start:k.start]:
            # "Lamothe said officers had counted 52 bodies": the figure is Lamothe's statement
            # (not so for an aside in brackets: "(the state lists 9)")
            speech = [x for x in before[:-1] if not x.observation and x.kind in ("subject", "inverted", "prep")]
            if speech:
                k = speech[-1]
        if citing and citing[-1].start < p and citing[-1] is not k and citing[-1].start >= (before[0].start - 200):
            return citing[-1]
        return k
    after = [k for k in cues if k.start >= e and k.postposed and (k.kind == "dash" or not _clause_break(text, e, k.start))]
    if after:
        if citing:
            return citing[0]
        return after[0]
    return None


# --------------------------------------------------------------------------------------------

def attribute(text: str, sentences: list[Sentence], candidates: list[Candidate], registry=None) -> list[Candidate]:
    """Fill `source` on every candidate (a Source, or None for the article's own voice)."""
    if not candidates:
        return candidates
    reg = registry if registry is not None else _LazyRegistry()
    quotes = quote_spans(text, sentences)
    last = max(c.sentence.index for c in candidates)
    by_sentence: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_sentence.setdefault(c.sentence.index, []).append(c)
    cues_by_sentence: dict[int, list[Cue]] = {}
    resolved: dict[int, Source | None] = {}
    refs: list[Ref] = []
    probe = _data()["verb"]
    lookahead = _data()["prep"]
    # only the sentences with claims, the headline and the few before each claim are read for cues:
    # what a pronoun or "the ministry" may point back to lies there
    reach = SETTINGS.lookback_sentences + 6
    window = sorted({i for k in by_sentence for i in range(max(0, k - reach), k + 1)} |
                    {s.index for s in sentences[:last + 1] if s.heading})

    def cues_of(s: Sentence) -> list[Cue]:
        if s.index not in cues_by_sentence:
            found = []
            if s.index in by_sentence or s.heading or probe.search(text, s.start, s.end) or \
                    lookahead.search(text, s.start, s.end):
                found = find_cues(text, s)
            cues_by_sentence[s.index] = found
        return cues_by_sentence[s.index]

    # Sources named before a claim matter only to a cue that points back ("he said", "the ministry
    # said", "Girkin said"): the sentences before are read for them only when such a cue comes.
    pending: list[tuple[int, bool]] = []       # (sentence, its cues already resolved) not yet in refs

    def add_refs(i: int, resolved_already: bool) -> None:
        s = sentences[i]
        cues = cues_of(s)
        if not cues and not resolved_already:
            # "The RSF denied ... . In a statement, it said": a named subject is something to point back to
            subj = _sentence_subject(text, s, [])
            if subj is not None:
                phrase = _clean(text[subj[0]:subj[1]])
                if _anaphor_kind(phrase) is None and phrase[:1].isupper() and (
                        reg.lookup(phrase) is not None or _is_proper_name(phrase) or _looks_like_source(phrase, strict=True)):
                    refs.append(_make_ref(reg.source(_name_of(phrase), "", text=phrase), s.index))
        for k in cues:
            if id(k) not in resolved:
                resolved[id(k)] = _to_source(text, k, refs, s.index, reg)
            src = resolved[id(k)]
            if src is not None and _anaphor_kind(src.name) is None:
                refs.append(_make_ref(src, s.index))

    def catch_up() -> None:
        for i, done in pending:
            add_refs(i, done)
        pending.clear()

    def resolve(k: Cue, i: int) -> Source | None:
        if id(k) not in resolved:
            if _points_back(k):
                catch_up()
            resolved[id(k)] = _to_source(text, k, refs, i, reg)
        return resolved[id(k)]

    for i in window:
        s = sentences[i]
        if i not in by_sentence:
            pending.append((i, False))
            continue
        cues = cues_of(s)
        if any(_points_back(k) for k in cues):
            catch_up()
            add_refs(i, False)
        else:
            for k in cues:
                resolve(k, i)
            pending.append((i, True))
        for c in by_sentence[i]:
            k = _choose(text, cues, c)
            if k is not None and _anaphor_kind(k.src) is not None and _in_same_quote(quotes, k.src_start, c.q.start):
                # "...they told me that 100 were killed," the official said: the quote's speaker
                k = _quote_frame(c, quotes, sentences, cues_of) or k
            if k is None:
                k = _quote_frame(c, quotes, sentences, cues_of)
            src = resolve(k, i) if k is not None else None
            if src is not None and _anaphor_kind(src.name) == "self":
                src = None
            c.source = src
            if src is not None:
                c.extra["cue_kind"] = k.kind
    return candidates


def _points_back(k: Cue) -> bool:
    """Does this cue's source need the sources named before it: a pronoun or "the ministry", a
    surname ("Girkin said"), "the agency's bulletin"?"""
    src = _clean(k.src)
    if _anaphor_kind(src) is not None:
        return True
    name = _name_of(src)
    return (name != src and _anaphor_kind(name) is not None) or (_is_proper_name(name) and len(name.split()) == 1)


def _quote_at(quotes: list[tuple[int, int]], p: int) -> tuple[int, int] | None:
    """The quotation span containing p (spans are sorted and do not overlap), by binary search."""
    i = bisect.bisect_right(quotes, (p, float("inf"))) - 1
    if i >= 0 and quotes[i][0] <= p < quotes[i][1]:
        return quotes[i]
    return None


class _LazyRegistry:
    """The default registry, loaded the first time a source needs it (many texts have none)."""

    def __getattr__(self, name: str):
        from ..registry import default_registry

        return getattr(default_registry(), name)


def _in_same_quote(quotes: list[tuple[int, int]], a: int, b: int) -> bool:
    span = _quote_at(quotes, a)
    return span is not None and span[0] <= b < span[1]


def _quote_frame(c: Candidate, quotes, sentences, cues_of) -> Cue | None:
    """The speaker of the quotation a count sits in: after the closing quote ('...," the police
    said') or before the opening one ('X said: "...')."""
    p = c.q.start
    span = _quote_at(quotes, p)
    if span is None:
        return None
    a, b = span
    for s in sentences[c.sentence.index:c.sentence.index + 15]:
        if s.end <= b:
            continue
        for k in cues_of(s):
            if k.start >= b and k.start - b <= 40 and k.kind in ("subject", "inverted"):
                return k
        break
    # the speaker before the opening quote: 'X said: "...', or several paragraphs back when the
    # quotation runs on over paragraphs that each open with a quote mark
    start = a
    for s in reversed(sentences[max(0, c.sentence.index - 16):c.sentence.index + 1]):
        if s.start > start + 1:
            continue
        for k in reversed(cues_of(s)):
            if k.end <= start + 1 and start - k.end <= 40:
                return k
        inside = _quote_at(quotes, s.start + 1) or _quote_at(quotes, s.start)
        if inside is None:
            break
        start = inside[0]
    return None


def _to_source(text: str, k: Cue, refs: list[Ref], sentence: int, reg) -> Source | None:
    src = _clean(k.src)
    if not src:
        return None
    kind = _anaphor_kind(src)
    if kind == "self":
        return Source(src, src, k.word)
    if kind is not None:
        r = _resolve(kind, refs, sentence)
        if r is None:
            return reg.source(src, k.word, text=src, context=(text, k.start))
        base = r.source
        return Source(src, base.name, k.word.lower(), base.kind, base.side)
    name = _name_of(src)
    # "Girkin said" after "Igor Girkin" was named: the same person, by the full name
    if _is_proper_name(name) and len(name.split()) == 1:
        for r in reversed(refs):
            if r.person and len(r.name.split()) > 1 and r.name.split()[-1] == name:
                return Source(src, r.source.name, k.word.lower(), r.source.kind, r.source.side)
    # "the agency's bulletin" after the agency was named: the agency
    if name != src and _anaphor_kind(name) is not None:
        r = _resolve(_anaphor_kind(name), refs, sentence)
        if r is not None:
            return Source(src, r.source.name, k.word.lower(), r.source.kind, r.source.side)
    return reg.source(_uncapitalise(name), k.word.lower(), text=src, context=(text, k.start), alias=k.alias)


def _uncapitalise(name: str) -> str:
    """"Police" at the start of a sentence is the common noun "police", not a name."""
    words = name.split()
    if words and words[0][:1].isupper() and not words[0].isupper() and all(w[:1].islower() for w in words[1:]) and all(
            w.lower() in _data()["generic"] or w.lower() in _data()["titles"] or w.lower() in _DETERMINER_START
            or w.lower() in person_nouns() for w in words):
        return name[:1].lower() + name[1:]
    return name


def _clean(src: str) -> str:
    src = src.strip(" ,;:\"“”'‘’[]—–-")
    if src.endswith(")") and "(" not in src:
        src = src[:-1]
    if src.startswith("(") and ")" not in src:
        src = src[1:]
    return " ".join(src.split())


_PLACE_TAIL = compiled(r"\s+(?:in|at|from|near|based\s+in)\s+(?:the\s+)?(?P<obj>(?:(?!\s(?:in|at|from|near)\s)[^,])"
                            r"{1,60})$", regex.IGNORECASE)
_TIME_TAIL = compiled(r"\s+(?:(?:late|early)\s+)?(?:on|last|this)\s+\w+(?:\s+(?:morning|afternoon|evening|night))?$",
                           regex.IGNORECASE)
_PARTICIPLE_TAIL = compiled(r"\s+(?:residing|speaking|based|writing|reporting|working|living|quoted|cited|who|"
                                 r"which|that)\b.*$", regex.IGNORECASE)
_PERSON_OF = compiled(r"^(?P<person>(?:(?:[\w.]+\s+){0,2}?)(?:\p{Lu}[\w'’.-]*\s+){1,3}\p{Lu}[\w'’-]*)\s+(?:from|of|at)\s+\S")


def _name_of(src: str) -> str:
    """The name inside a source phrase: without trailing places ("in Kabul"), times ("on Saturday
    evening"), participles ("based on figures ...") and document nouns ("'s bulletin", "update");
    a person named with their organisation ("doctor Ahmed Ibrahim from the main hospital") is the person."""
    d = _data()
    name = _PARTICIPLE_TAIL.sub("", src)
    for _ in range(4):
        m = _TIME_TAIL.search(name)
        if m and m.start() > 0:
            name = name[:m.start()]
            continue
        m = _PLACE_TAIL.search(name)
        if not m:
            break
        obj_words = [w.lower().strip(".,()") for w in m.group("obj").split()]
        if any(w in d["orgs"] for w in obj_words):
            break
        name = name[:m.start()]
    m = _PERSON_OF.match(name)
    if m and not any(w.lower() in d["orgs"] for w in m.group("person").split()):
        name = m.group("person")
    # "the agency's 9 a.m. bulletin" -> "the agency"; "A LASEMA update" -> "LASEMA"
    m = compiled(r"(?P<owner>.+?)['’]s?\s+(?:[\w.:]+\s+){0,3}?(?P<doc>\w+)$").match(name)
    if m and m.group("doc").lower() in d["documents"]:
        name = m.group("owner")
    else:
        words = name.split()
        if len(words) >= 2 and words[-1].lower() in d["documents"] and not _looks_generic_only(words[:-1]):
            name = " ".join(words[:-1])
    # "Russian military blogger Igor Girkin", "Governor Mykola Hrytsenko": the person's name
    words = name.split()
    for i in range(1, len(words)):
        head, tail = words[:i], words[i:]
        if head[-1].lower().rstrip(".") in _TITLE_WORDS() and tail[0].lower().rstrip(".") not in _TITLE_WORDS() \
                and 1 < len(tail) <= 4 and _is_proper_name(" ".join(tail)) \
                and not any(w.lower() in d["orgs"] for w in tail):
            name = " ".join(tail)
            break
    return name.strip() or src


@functools.cache
def _TITLE_WORDS() -> frozenset[str]:
    return frozenset(w.rstrip(".") for w in _data()["titles"]) | _TITLE_ABBREV


def _looks_generic_only(words: list[str]) -> bool:
    return all(w.lower() in ("a", "an", "the", "its", "their", "government", "official", "police", "army") for w in words)
