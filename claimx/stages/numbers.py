"""Stage: quantity phrases.

Finds every phrase in a piece of text that states an amount of something, with its qualifier:
"63", "at least four", "about 1.2 million", "between 20 and 30", "several hundred", "dozens",
"many". Each becomes a `Quantity` (value, low, high, qualifier, exact character span). Whether
it counts people, and which people, is decided by the next stage (casualties); phrases that are
plainly not counts of anything (times, dates, years, ages, money, percentages, measurements,
identifiers such as "platform 1") are dropped here.

Like Duckling, a bare number is only a latent candidate: it is never emitted as a claim on its own.
Forms the grammar sees are numbers but cannot read ("10k", "1,5 million", "3½") go to quantulum3,
lazily, one short phrase at a time (see `odd_number`).
"""
from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass

import regex

from ..patterns import compiled
from ..rules import alternation, lexicon, nonperson_nouns, person_nouns, word_trie
from ..settings import SETTINGS


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: int | None
    low: int | None
    high: int | None
    qualifier: str
    kind: str            # "number", "range", "vague", "unquantified"
    weak: bool = False   # "one", "several", "many": needs a strong trigger to become a claim
    rule: str = "number"


# --------------------------------------------------------------------------------------------
# the grammar, built once from the lexicon

@functools.cache
def _grammar() -> dict:
    lx = lexicon()
    nums = lx["numbers"]
    vague = lx["vague"]
    quals = lx["qualifiers"]
    words = {**nums["units"], **nums["tens"]}
    scale_words = nums["scales"]
    qual_map: dict[str, str] = {}
    for q in ("exact", "approx", "at_most", "at_least"):   # later wins on a shared phrase
        for p in quals[q]:
            qual_map[" ".join(p.lower().split())] = q

    NUMTOK = alternation([*words, *scale_words, "dozen"])
    # digits: 4,031 / 4 031 / 4031 / 2.5 ; at most max_digits digits, never part of a longer run
    maxd = SETTINGS.max_digits
    DIGITS = rf"""
        (?<![\w.,/\#$€£¥₹@:'’])(?<![A-Za-z]-)
        (?:\d{{1,3}}(?:,\d{{3}})+(?!,?\d)
          |\d{{1,3}}(?:[\u00a0\u202f\u2009\x20]\d{{3}})+(?![\d,])
          |\d{{1,3}},\d{{1,2}}(?=[\s-]+{alternation(nums['digit_scales'])}\b)
          |\d{{1,{maxd}}}(?!\d|,\d))
        (?:\.\d{{1,6}}(?!\d))?
    """
    # a scale after digits: "1.2 million", "16 thousand", "1.5 lakh", "10k"
    DSCALE = rf"""(?:[\s\-]+{alternation(nums['digit_scales'])}\b|{alternation(nums['digit_suffixes'])}(?![\w])|(?![^\W\d_]))"""
    WORDNUM = rf"""
        (?<![\w\-])
        (?:(?:an?|one)\s+(?={alternation(['hundred', 'thousand', 'million', 'billion', 'dozen'])}\b)
           |(?={alternation(words)}\b))
        {NUMTOK}(?:(?:\s+and\s+|\s*-\s*|\s+){NUMTOK}){{0,8}}
        (?![\w])
    """
    HALF = r"(?<![\w-])half\s+a\s+(?:million|billion|dozen)\b"
    CORE = rf"(?:{DIGITS}{DSCALE}|{HALF}|{WORDNUM})"

    OF_UNITS = alternation(vague["of_units"])
    FEW = rf"{alternation(vague['few_words'])}\s+{alternation(vague['singular_units'])}(?![\w])"
    PLURAL = rf"(?<![\w-]){alternation(vague['plural_units'])}(?![\w-])"
    ALONE = rf"(?<![\w-]){alternation(vague['alone'])}(?![\w-])"
    UNQ = r"""(?<![\w-])(?:many|numerous|countless|scores\s+more|dozens\s+more
            |an?\s+(?:significant|large|great|considerable|huge|high|substantial|big|unknown|undisclosed
                      |unspecified|undetermined|untold|growing|sizeable|sizable)\s+number
            |an?\s+number)(?![\w-])"""

    QUAL = rf"(?<![\w-]){alternation(qual_map)}\s+"
    SUF = alternation([*quals["suffix_at_least"], *quals["suffix_approx"]])
    QTY = rf"""
        (?P<qual>{QUAL})?
        (?:
            (?P<range>
                # "between 20 and 30", "from 20 to 30", "20-30", "20 to 30", "20 or 30": one copy
                # of the number grammar for each end (each copy costs start-up time to compile)
                (?:(?P<between>between\s+)|(?P<from>from\s+))?
                (?P<a>{CORE})
                (?(between)\s+and\s+|(?(from)\s+to\s+|(?:\s*[-–—]\s*|\s+to\s+|\s+or\s+)))
                (?P<b>{CORE})
            )
          | (?P<vague>{OF_UNITS}|{FEW}|{PLURAL}|{ALONE})
          | (?P<num>{CORE})
          | (?P<unq>{UNQ})
        )
        (?P<suf>\s*{SUF}(?![\w]))?
    """
    # spelled fractions and other forms for quantulum3: "one and a half thousand", "1 1/2 million"
    ODD = rf"""(?<![\w.,])(?:(?:an?|{alternation(words)}|\d{{1,3}})[\s-]+and[\s-]+a[\s-]+half[\s-]+{alternation(scale_words)}
              |\d{{1,3}}\s+\d/\d\s+{alternation(scale_words)}|\d{{1,3}}[½¼¾]\s*{alternation(scale_words)}
              |half[\s-]+a?[\s-]*dozen|a\s+dozen\s+and\s+a\s+half)(?![\w])"""
    flags = regex.IGNORECASE | regex.VERBOSE
    anchor_words = [*words, *scale_words, "dozen", *vague["plural_units"], *vague["of_units"], "several", "few",
                    "handful", "couple", "many", "numerous", "countless", "number", "half", "scores"]
    # anchors are found in lower-cased text with the standard library's re (a prefix tree of words)
    ANCHOR = r"\d|(?<![\w-])(?:" + word_trie(sorted({" ".join(w.lower().split()) for w in anchor_words})) + r")(?![\w])"
    # the words before an anchor that may start a phrase with it: qualifiers, "between", "a", ...
    lead = set(qual_map) | {"between", "from", "a", "an", "one", "half"} | {
        f"{q} {article}" for q in qual_map for article in ("a", "an")}     # "at least a dozen"
    return {
        "anchor": re.compile(ANCHOR),
        "lead": frozenset(lead),
        # anchors that can themselves be part of a qualifier ("as many as", "a number of"): every
        # word start before them is tried
        "slow_anchors": frozenset({"many", "number", "few", "several", "couple", "handful", "half"}),
        "odd_probe": compiled(r"half|[½¼¾⅓⅔]|\d/\d", regex.IGNORECASE),
        "qty": compiled(QTY, flags),
        "odd": compiled(ODD, flags),
        "words": words,
        "scales": scale_words,
        "digit_scales": {**nums["digit_scales"], **nums["digit_suffixes"]},
        "qual_map": qual_map,
        "vague": vague,
        "quals": quals,
        "months": frozenset(m.lower() for m in lx["context"]["months"]),
        "currency": frozenset(lx["context"]["currency_before"]),
        "currency_symbols": tuple(c for c in lx["context"]["currency_before"] if not c.isalpha()),
        "unit_after": re.compile(
            r"\s*(?:" + "|".join(re.escape(u) for u in sorted(lx["context"]["unit_after"], key=len, reverse=True))
            + r")(?![A-Za-z])", re.IGNORECASE),
        "label_before": frozenset(lx["context"]["label_before"]),
        "age_left": re.compile(
            r"\b(?:aged?|ages|age\s+of|ages\s+of)\s+(?:between\s+|from\s+)?(?:[\d\w]+\s*(?:,|and|to|or|-|–)\s*)*$",
            re.IGNORECASE),
    }


# --------------------------------------------------------------------------------------------
# reading one match

_TOKEN = re.compile(r"[a-z]+")


def _words_value(text: str, g: dict) -> tuple[int | None, int]:
    """Value of a spelled-out number and how many characters of it form one valid number."""
    total = current = 0
    seen_any = False
    last_kind = None
    valid_end = 0
    for m in _TOKEN.finditer(text.lower()):
        w = m.group()
        if w == "and":
            if last_kind != "scale":
                break
            continue
        if w in ("a", "an"):
            if seen_any:
                break
            current = 1
            last_kind = "a"
            continue
        if w in g["words"]:
            v = g["words"][w]
            if last_kind in ("unit", "teen") or (last_kind == "tens" and v >= 10):
                break
            if last_kind == "tens" and current % 10:
                break
            current += v
            last_kind = "tens" if v >= 20 else ("teen" if v >= 10 else "unit")
        elif w == "dozen":
            current = max(current, 1) * 12
            last_kind = "scale"
        elif w in g["scales"]:
            s = g["scales"][w]
            if s == 100:
                if current >= 100:
                    break
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * s
                current = 0
            last_kind = "scale"
        else:
            break
        seen_any = True
        valid_end = m.end()
    if not seen_any:
        return None, 0
    return total + current, valid_end


_DIGITS_AND_SCALE = re.compile(r"([\d,.\u00a0\u202f\u2009 ]+?)\s*-?\s*([a-z]+)?$")
_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")
_SEPARATORS = re.compile(r"[,\u00a0\u202f\u2009 ]")
_LETTER = re.compile(r"[a-z]")
_WORD_END = re.compile(r"[a-z]{4,}$")


def _core_value(text: str, g: dict) -> int | None:
    t = text.strip()
    low = t.lower()
    if low.startswith("half"):
        unit = low.split()[-1]
        return {"million": 500_000, "billion": 500_000_000, "dozen": 6}.get(unit)
    m = _DIGITS_AND_SCALE.match(low)
    if m and m.group(1)[0].isdigit():
        digits = m.group(1).strip()
        if _DECIMAL_COMMA.fullmatch(digits):      # decimal comma before a scale: "1,5 million"
            digits = digits.replace(",", ".")
        digits = _SEPARATORS.sub("", digits)
        if m.group(2) and m.group(2) not in g["digit_scales"]:
            return None
        scale = g["digit_scales"][m.group(2)] if m.group(2) else 1
        if len(digits.split(".")[0]) > SETTINGS.max_digits:
            return None
        if "." in digits:
            f = float(digits) * scale
            if f != int(f):
                return None          # "2.5 people" is not a count
            return int(f)
        return int(digits) * scale
    value, _ = _words_value(t, g)
    return value


def _vague_bounds(text: str, g: dict) -> tuple[int, int]:
    t = " ".join(text.lower().split())
    v = g["vague"]
    if t in v["of_units"]:
        unit = v["of_units"][t]
        return 2 * unit, 10 * unit - 1
    if t in v["plural_units"]:
        unit = v["plural_units"][t]
        return 2 * unit, 10 * unit - 1
    for few, (lo_f, hi_f) in v["few_words"].items():
        if t.startswith(few + " "):
            unit = v["singular_units"][t[len(few) + 1:]]
            hi = hi_f * unit - 1 if few == "several" else hi_f * unit
            return lo_f * unit, hi
    lo, hi = v["alone"][t]
    return lo, hi


def _read_match(m: regex.Match, g: dict) -> Quantity | None:
    qual_text = (m.group("qual") or "").strip()
    qual = g["qual_map"].get(" ".join(qual_text.lower().split())) if qual_text else None
    suf = (m.group("suf") or "").strip().lower()
    start, end = m.span()
    if m.group("range"):
        a, b = _core_value(m.group("a"), g), _core_value(m.group("b"), g)
        if a is None or b is None:
            return None
        # "900,000 to 1.1 million" and "20 to 30 thousand": a scale on the upper end only
        if a < b / 1000 and _LETTER.search(m.group("b").lower().split()[-1]) and not _WORD_END.search(
                m.group("a").lower()):
            scale = _core_value("1 " + m.group("b").lower().split()[-1], g)
            if scale and a * scale < b * 10:
                a = a * scale
        if not a < b:
            return None
        return Quantity(start, end, m.group(), None, a, b, "range", "range")
    if m.group("vague"):
        lo, hi = _vague_bounds(m.group("vague"), g)
        weak = m.group("vague").lower().strip() in g["vague"]["alone"]
        return Quantity(start, end, m.group(), None, lo, hi, "vague", "vague", weak=weak)
    if m.group("unq"):
        return Quantity(start, end, m.group(), None, None, None, "unquantified", "unquantified", weak=True)
    core = m.group("num")
    value = _core_value(core, g)
    if core[:1].isalpha() and not core.lower().startswith("half"):
        # a spelled number followed by words that do not continue it ("two and three"): keep its head
        v, used = _words_value(core, g)
        if v is None or used == 0:
            return None
        if used < len(core.rstrip()):
            value, end, suf = v, m.start("num") + used, ""
    if value is None:
        return None
    qualifier = qual or "exact"
    if suf in ("+", "-plus", "plus", "or more", "and more", "or above"):
        qualifier = "at_least"
    elif suf in ("or so", "-odd", "odd"):
        qualifier = "approx"
    text = m.string[start:end]
    low = high = value
    if qualifier == "at_least":
        high = None
    elif qualifier == "at_most":
        low = None
    weak = value == 1 and not qual
    return Quantity(start, end, text, value, low, high, qualifier, "number", weak=weak)


# --------------------------------------------------------------------------------------------
# context filters: what is a number but not a count

_WORDS_BEFORE = re.compile(r"(?:[\w.'’-]+\s+){1,4}$")
_WORD_STARTS = re.compile(r"(?<![\w.'’-])[\w.'’-]")
_WORD_TOKENS = re.compile(r"[\w.'’-]+")


def _lower(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else text.translate({c: c + 32 for c in range(65, 91)})
_PREV_WORD = re.compile(r"([\w$€£¥₹#.'’\-]+)[\s\u00a0]*$")
_HYPHEN_WORD = re.compile(r"-[^\W\d]")
_CLOCK_AFTER = re.compile(r"[:.]\d\d\b")
_CLOCK_BEFORE = re.compile(r"\d[:]$")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_DASH_DIGIT = re.compile(r"-\d")
_DIGIT_DASH = re.compile(r"\d-$")
_NEXT_WORD = re.compile(r"[\s\u00a0]+([\w'’]+)")


def _not_a_count(text: str, q: Quantity, g: dict, lo: int = 0, hi: int | None = None) -> bool:
    """Is this number plainly not a count of anything? Context is read within [lo, hi) only."""
    hi = len(text) if hi is None else hi
    s, e = q.start, q.end
    before = text[max(lo, s - 12):s]
    after = text[e:min(hi, e + 14)]
    m = _PREV_WORD.search(text, max(lo, s - 40), s)
    prev = m.group(1) if m else ""
    prev_l = prev.lower()
    m = _NEXT_WORD.match(text, e, min(hi, e + 40))
    nxt = m.group(1) if m else ""
    nxt_l = nxt.lower()
    # money
    if before.rstrip().endswith(g["currency_symbols"]) or prev_l in g["currency"]:
        return True
    # a compound adjective: "25-year-old", "120-strong", "two-week", "1,600-km"
    if _HYPHEN_WORD.match(after) and q.kind != "range":
        return True
    # times: 6:42, 10:15, 7 p.m.
    if _CLOCK_AFTER.match(after) or _CLOCK_BEFORE.search(before):
        return True
    # percentages, clock words, measures
    if q.kind in ("number", "range") and g["unit_after"].match(after):
        return True
    # dates: "March 14", "14 May", "10–14 May" (month names are capitalised; "may" is a verb)
    if q.kind in ("number", "range"):
        if prev.rstrip(".").lower() in g["months"] and prev[:1].isupper():
            return True
        if nxt_l in g["months"] and nxt[:1].isupper():
            return True
    # identifiers: "platform 1", "No. 9", "Flight 17"
    if q.kind in ("number", "range") and not q.text[:1].isalpha() and prev_l in g["label_before"]:
        return True
    # ages: "aged 16", "ages 13, 17 and 19"
    if g["age_left"].search(text, max(lo, s - 40), s):
        return True
    # an age after a name, with a singular verb no count of several takes: "Kalone Mcgee, 26 was shot"
    if q.kind == "number" and (q.value or 0) > 1 and nxt_l in ("was", "is", "has") and before.rstrip().endswith(","):
        return True
    # years: 1900-2099 written as four bare digits, unless people are counted right after
    if q.kind == "number" and q.qualifier in ("exact", "approx") and _YEAR.fullmatch(q.text.strip()):
        if nxt_l not in person_nouns() and nxt_l not in _CASUALTY_NOUNS:
            return True
    # phone numbers and codes: 312-747-8380
    if _DASH_DIGIT.match(after) or _DIGIT_DASH.search(before):
        return True
    # "one" that is not a count: "no one", "one another", "the one who"
    if q.text.lower() == "one":
        if prev_l in ("no", "any", "every", "each", "which", "the", "this", "that", "someone", "anyone") or \
                nxt_l in ("another", "by", "or", "way", "thing", "hand", "side", "time", "day"):
            return True
    # "a further", "another" etc are qualifiers only before a number; nothing else to check
    # a unit noun right after: "4 tanks", "2 missiles" are counts, but not of people
    if nxt_l in nonperson_nouns() and q.kind != "unquantified":
        return True
    return False


_CASUALTY_NOUNS = frozenset(
    "dead killed deaths died wounded injured casualties fatalities bodies missing hostages captives".split())


# --------------------------------------------------------------------------------------------
# quantulum3: only for forms the grammar sees are numbers but cannot read

@functools.cache
def _quantulum_parser():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser  # its import warns about an optional classifier; keep it off stderr
    return parser


@functools.lru_cache(maxsize=4096)
def odd_number(phrase: str) -> int | None:
    """Read a short number phrase the grammar could not ("10k", "1,5 million") with quantulum3."""
    if len(phrase) > 40:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = _quantulum_parser().parse(phrase)
    except Exception:   # quantulum3 has crashed on odd input before; a phrase we cannot read is no count
        return None
    for q in found:
        if q.unit.name in ("dimensionless", "dozen", "score") and q.value and q.value > 0:
            value = q.value * (12 if q.unit.name == "dozen" else 20 if q.unit.name == "score" else 1)
            if value == int(value) and value < 10 ** SETTINGS.max_digits:
                return int(value)
    return None


# --------------------------------------------------------------------------------------------

def has_anchor(text: str, start: int = 0, end: int | None = None) -> bool:
    """Is there anything in text[start:end] the number grammar could read?"""
    return _grammar()["anchor"].search(_lower(text[start:len(text) if end is None else end])) is not None


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every count-like quantity phrase in text[start:end], in order, with offsets into `text`.

    The full grammar runs only around anchors (digits, number words, amount words) found by one
    cheap scan: a window from a little before the anchor (where a qualifier may stand) onwards."""
    g = _grammar()
    end = len(text) if end is None else end
    out: list[Quantity] = []
    odd: list[Quantity] = []
    if g["odd_probe"].search(text, start, end):
        # unusual number forms first ("one and a half thousand"), read by quantulum3
        for m in g["odd"].finditer(text, start, end):
            value = odd_number(m.group())
            if value is None:
                continue
            q = Quantity(m.start(), m.end(), m.group(), value, value, value, "exact", "number", rule="number.quantulum3")
            if not _not_a_count(text, q, g, start, end):
                odd.append(q)
    out.extend(odd)
    done = start
    qty = g["qty"].get()
    low = _lower(text[start:end])
    for a in g["anchor"].finditer(low):
        p = a.start() + start
        if p < done:
            continue
        # a qualifier ("at least", "a total of", "between") may start up to four words before the anchor
        w = _WORDS_BEFORE.search(text, max(done, p - 40), p)
        starts = []
        if w:
            spans = [(x.start(), x.end()) for x in _WORD_TOKENS.finditer(text, w.start(), p)]
            if a.group() in g["slow_anchors"]:
                starts = [x for x, _ in spans]
            else:
                words = [text[x:y].lower() for x, y in spans]
                starts = [spans[k][0] for k in range(len(words)) if " ".join(words[k:]) in g["lead"]][:1]
        limit = min(end, a.end() + start + 96)
        for s0 in (*starts, p):
            m = qty.match(text, s0, limit)
            if m is None or m.end() <= p:
                continue
            done = m.end()
            q = _read_match(m, g)
            if q is not None and q.text.strip() and not any(o.start < q.end and q.start < o.end for o in odd) \
                    and not _not_a_count(text, q, g, start, end):
                out.append(q)
            break
    out.sort(key=lambda q: q.start)
    return out
