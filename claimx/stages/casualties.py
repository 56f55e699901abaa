"""Stage: casualty counts.

Takes the quantity phrases of a sentence and decides which of them count people killed,
wounded, missing or captured, by the rules in `rules/casualty.toml`. Each quantity is masked in
the sentence (same length, so offsets stay put) and every rule is a pattern over that masked
sentence; the named group `c` says which count a match labels. When several rules label one
count the lowest priority number wins; `@prev` rules (breakdowns, revisions, coordinations) take
the category of the nearest count before them in the sentence.

The output is one `Candidate` per labelled count (a mention of a claim); attribution, events and
merging into claims happen in later stages.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

import regex

from ..patterns import Pattern, compiled, reading
from ..rules import alternation, automaton, lexicon, load, nonperson_nouns, person_nouns
from .numbers import Quantity, find_quantities
from .segment import ABBREVIATIONS, Sentence

MASK = "\ue000"
_LONG = 600      # a sentence longer than this is scanned in windows around its counts
_REACH = 260     # how far before a count a rule's match may start (a toll phrase and its gap)
_NAME = re.compile(r"\{([A-Z][A-Z_]*)\}")    # over our own rule sources: no engine question
_FLAGS = regex.IGNORECASE


@dataclass(frozen=True)
class Rule:
    id: str
    priority: int
    category: str
    source: str                     # the pattern with its grammar pieces expanded
    needs: tuple[str, ...]
    person: bool = False
    min_value: int | None = None
    count: str | None = None        # "indefinite" | "unquantified" | None (a masked quantity)
    link: str | None = None         # "revises"
    check: str | None = None
    prev_sentence: bool = False     # "@prev" may find its head in the sentence before
    block: bool = False             # a match that fails its checks makes the count no claim
    anchored: bool = False          # the pattern starts with a count: tried at each count only
    min_counts: int = 0             # how many counts a sentence needs for the rule to apply
    needs_at: str | None = None     # "before"/"after": a `needs` word must come before/after a count
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    order: int = 0

    @property
    def pattern(self) -> Pattern:
        """The compiled pattern, compiled the first time a sentence needs this rule (start-up
        compiles only what the first texts use)."""
        return compiled(self.source, _FLAGS)


@dataclass
class Candidate:
    """One mention of a casualty count, before attribution and merging."""

    q: Quantity
    sentence: Sentence
    category: str
    rule: str
    victims: str | None
    victims_type: str
    hedged: bool
    span: tuple[int, int]                 # the text the rule matched (offsets into the document)
    trigger: tuple[int, int] | None = None
    head: int | None = None               # index (in the document's candidates) of the count it depends on
    link: str | None = None               # "part_of" or "revises" when head is set
    source: object = None                 # filled by attribution
    event: str | None = None              # filled by events
    extra: dict = field(default_factory=dict)


def expand(pattern: str, grammar: dict[str, str], depth: int = 0) -> str:
    """Replace {NAME} by its grammar piece, recursively (quantifiers such as {0,5} are left alone)."""
    if depth > 12:
        raise ValueError(f"grammar pieces nest too deep in {pattern[:60]!r}")

    def sub(m: regex.Match) -> str:
        name = m.group(1)
        if name not in grammar:
            raise KeyError(f"unknown grammar piece {{{name}}}")
        return "(?:" + expand(grammar[name], grammar, depth + 1) + ")"

    return _NAME.sub(sub, pattern)


@functools.cache
def _compiled() -> tuple[tuple[Rule, ...], tuple[tuple[str, str], ...], Pattern]:
    data = load("casualty.toml")
    grammar = dict(data["grammar"])
    grammar["COUNT"] = MASK + "+"
    rules = []
    for order, r in enumerate(data["rule"]):
        rules.append(Rule(
            id=r["id"], priority=int(r.get("priority", 50)), category=r["category"],
            source=expand(r["pattern"], grammar),
            needs=tuple(n.lower() for n in r.get("needs", ())), person=bool(r.get("person")),
            min_value=r.get("min_value"), count=r.get("count"), link=r.get("link"), check=r.get("check"),
            prev_sentence=bool(r.get("prev_sentence")), block=bool(r.get("block")),
            anchored=r["pattern"].startswith(("(?P<c>{COUNT})", "{COUNT}")) and r.get("count") is None,
            min_counts=int(r.get("min_counts", 2 if r["category"] == "@prev" and not r.get("prev_sentence") else 1)),
            needs_at=_needs_at(r),
            examples=tuple(r.get("examples", ())), counter=tuple(r.get("counter", ())), order=order))
    trig = data["triggers"]
    classes = tuple((cat, expand(trig[cat], grammar)) for cat in trig["order"])
    hedges = lexicon()["hedges"]["words"]
    words = sorted(set(hedges) | {w[:1].upper() + w[1:] for w in hedges if w != "may"}, key=len, reverse=True)
    hedge = compiled(r"(?<![\w'’])(?:" + "|".join(r"\s+".join(map(regex.escape, w.split())) for w in words)
                     + r")(?![\w'’])")
    return tuple(rules), classes, hedge


@functools.cache
def _needs_automaton():
    words = sorted({n for r in rules() for n in r.needs})
    return words, automaton(words)


def _needs_present(low: str) -> set[str]:
    """Which of the rules' `needs` words occur in a lower-cased sentence (anywhere, as `in`
    finds them): one pass for all rules."""
    words, automaton = _needs_automaton()
    return {words[i] for i, _, _ in automaton.find_matches_as_indexes(low, overlapping=True)}


def _needs_at(r: dict) -> str | None:
    where = r.get("needs_at")
    if where not in (None, "before", "after"):
        raise ValueError(f"rule {r['id']}: needs_at must be \"before\" or \"after\", not {where!r}")
    if where and (not r.get("needs") or r.get("count") is not None):
        raise ValueError(f"rule {r['id']}: needs_at needs `needs` and a numeric count")
    return where


def _needs_in_place(rule: Rule, low: str, first_end: int, last_start: int) -> bool:
    """Does one of the rule's words stand where the rule needs it: before the last count ("killed
    12") or after the first one ("12 were killed")? (Offsets relative to the sentence.)"""
    if rule.needs_at == "before":
        return any(0 <= low.find(n) < last_start for n in rule.needs)
    return any(low.rfind(n) >= first_end for n in rule.needs)


def rules() -> tuple[Rule, ...]:
    return _compiled()[0]


def compile_rules() -> None:
    """Compile every rule as a plain text will use it (an anchored rule matches at its counts,
    the others search), instead of when a sentence first needs it."""
    with reading(""):
        for rule in rules():
            rule.pattern.get() if rule.anchored else rule.pattern.scanner()


_FALLBACK = tuple((cat, compiled(p, regex.IGNORECASE)) for cat, p in (
    ("casualties", r"(?:killed|dead)\s+(?:or|and)\s+(?:wounded|injured)|casualt|losses"),
    ("wounded", r"injur|wound"),
    ("missing", r"missing"),
    ("captured", r"hostage|captive|prisoner|abduct|kidnap"),
    ("killed", r"dead|death|kill|fatal|toll|bodies|victim|deceased"),
))


def classify(trigger: str) -> str | None:
    """The category a trigger word or toll noun implies."""
    t = " ".join(trigger.split())
    known = _trigger_words().get(t.lower())
    return known if known is not None else classify_by_pattern(t)


@functools.cache
def _trigger_words() -> dict[str, str]:
    return {" ".join(k.lower().split()): v for k, v in load("casualty.toml").get("trigger_words", {}).items()}


@functools.lru_cache(maxsize=4096)
def classify_by_pattern(t: str) -> str | None:
    """classify() by the [triggers] patterns alone, tried in their order."""
    for cat, source in _compiled()[1]:
        if compiled(source, _FLAGS).fullmatch(t):
            return cat
    # a longer toll phrase ("number of Kyrgyz troops killed or wounded"): its category word
    for cat, pat in _FALLBACK:
        if pat.search(t):
            return cat
    return None


@functools.cache
def _prefilter():
    """One automaton over every casualty word: text without one is never read."""
    return automaton(sorted({w.lower() for w in load("casualty.toml")["prefilter"]["words"]}))


@functools.cache
def _indefinite_probe() -> Pattern:
    return compiled(load("casualty.toml")["prefilter"]["indefinite"], regex.IGNORECASE)


def lower_same_length(text: str) -> str:
    """text.lower(), or, where lower-casing changes the length (a few letters such as "İ"),
    the text with only ASCII letters lowered, so offsets stay the same."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def keyword_hits(low: str) -> list[int]:
    """Start positions of casualty words in lower-cased text, in order. A hit inside a word
    ("skills", "studies") does not count; testing that after the scan keeps the scan itself fast."""
    starts = {s for _, s, _ in _prefilter().find_matches_as_indexes(low, overlapping=True)
              if s == 0 or not low[s - 1].isalpha()}
    return sorted(starts)


def worth_reading(text: str, s: Sentence, hits: list[int] | None = None) -> bool:
    """Does this sentence have a casualty word and something to count (an amount, or "a man was
    shot")? The cheap test that keeps the grammar off most sentences."""
    if hits is not None:
        i = bisect.bisect_left(hits, s.start)
        if i == len(hits) or hits[i] >= s.end:
            return False
    elif not keyword_hits(lower_same_length(text[s.start:s.end])):
        return False
    from .numbers import has_anchor

    return has_anchor(text, s.start, s.end) or bool(_indefinite_probe().search(text, s.start, s.end))


# --------------------------------------------------------------------------------------------
# checks on a match

_WORDS = compiled(r"[^\W\d_][\w'’-]*")
_NEGATION = compiled(r"\b(?:not|never|no)\b|n['’]t\b", regex.IGNORECASE)
_GAP_LAST = frozenset("""
rose risen rises rising climbed climbs climbing jumped jumps increased increases reached reaches reach hit hits
stood stands stand was is were are at to of be been now already could may might will would possibly possible
probably likely perhaps higher high even as put puts revised further estimated set totaled totalled totals
numbered numbers approaching nearing still has had have stands remained remains soared surged grew risen
""".split())
_VERB_QUALIFIER = compiled(r"(?:topped|tops|topping|passed|passing|surpassed|exceeded|exceeds|exceeding|exceed"
                                r"|rose\s+past|crossed|top|surpass)\b", regex.IGNORECASE)
_PARTITIVE_HEAD = compiled(r"\bof\s+(?:the\s+|all\s+|its\s+|their\s+)?$", regex.IGNORECASE)
_BARE_TOLLS = frozenset({"casualties", "deaths", "fatalities", "losses"})
_NOUN_TRIGGERS = frozenset({"bodies", "corpses", "deaths", "fatalities", "casualties", "injuries"})
_DETERMINERS = compiled(r"^(?:of\s+(?:the\s+|its\s+|their\s+)?|the\s+)", regex.IGNORECASE)


def _words(text: str | None) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text or "")]


def victims_type(text: str | None) -> str:
    """The kind of victims a phrase names, by its person nouns; a two-word noun ("family members",
    "service members") is read as one."""
    nouns = person_nouns()
    words = _words(text)
    kinds = set()
    i = 0
    while i < len(words):
        pair = nouns.get(words[i] + " " + words[i + 1]) if i + 1 < len(words) else None
        if pair is not None:
            kinds.add(pair)
            i += 2
        else:
            kinds.add(nouns.get(words[i]))
            i += 1
    kinds -= {None, "unknown"}
    if not kinds:
        return "unknown"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _has_person(text: str | None) -> bool:
    words = _words(text)
    return any(w in person_nouns() for w in words)


def _valid(rule: Rule, m: regex.Match, q: Quantity) -> bool:
    v = m.groupdict().get("v")
    if v and any(w in nonperson_nouns() for w in _words(v)[:4]):
        return False
    if rule.person and not _has_person(v):
        return False
    aux = m.groupdict().get("aux")
    if aux and _NEGATION.search(aux):
        return False
    if rule.min_value is not None:
        n = q.value if q.value is not None else q.low
        if n is None or n < rule.min_value:
            return False
    if rule.check == "not_partitive" and _PARTITIVE_HEAD.search(m.string, max(0, m.start() - 12), m.start()) \
            and m.string.startswith(",", max(m.end(g) for g in ("c", "v", "pp") if m.groupdict().get(g))):
        return False        # "Of the 40 passengers, 12 died": the 40 are who was there, the 12 the dead
    if rule.check == "toll_gap":
        gap = (m.group("gap") or "").strip()
        last = _words(gap)
        bare = (m.group("t") or "").lower() in _BARE_TOLLS
        if last and not _VERB_QUALIFIER.match(q.text) and last[-1] not in _GAP_LAST:
            return False
        if not last and bare and not _VERB_QUALIFIER.match(q.text):
            return False        # "casualties – 21 people were killed": a new clause, not the toll's figure
    t = m.groupdict().get("t")
    if q.weak and t and t.lower() in _NOUN_TRIGGERS:
        return False        # "several bodies", "a few deaths": not a count of anyone
    if q.weak and q.kind == "unquantified" and q.rule == "number":
        # "many", "a number of": only as the plain subject or object of a casualty verb
        if rule.id not in ("np.verb", "verb.np") or (v and not _has_person(v)):
            return False
    return True


def _victims(m: regex.Match, text: str, offset: int) -> str | None:
    """The victims phrase as written in the original text (the match is over the masked sentence)."""
    parts = []
    for g in ("v", "pp"):
        if m.groupdict().get(g):
            a, b = m.span(g)
            parts.append(text[offset + a:offset + b].strip())
    text = " ".join(p for p in parts if p)
    if not text:
        return None
    text = _DETERMINERS.sub("", text).strip(" ,;:\"“”'")
    end = _victims_end().search(text)
    if end is not None:
        text = text[:end.start()].rstrip(" ,;:\"“”'")
    # the full stop of a sentence that ends with the phrase ("... and wounding 30 others."), not
    # that of an abbreviation ("two U.S." keeps its own)
    last = text.rsplit(None, 1)[-1] if text else ""
    if last.endswith((".", "!", "?")) and "." not in last[:-1] and last[:-1].lower() not in ABBREVIATIONS:
        text = text[:-1].rstrip(" ,;:\"“”'")
    return text or None


@functools.cache
def _victims_end() -> Pattern:
    """Where a victims phrase ends before its end: a time or manner word after a word that is
    not a determiner or preposition, or a parenthesis with a number ([victims] in casualty.toml)."""
    v = load("casualty.toml")["victims"]
    return compiled(r"(?<=[\w'’.)])(?<!\b(?:the|a|an|of|at|on|in|from|for|to|by|and|or))\s+(?:"
                    + alternation(v["days"]) + "|" + alternation(v["time_leads"]) + r"\s+"
                    + alternation(v["times"] + v["days"]) + "|" + alternation(v["words"])
                    + r")(?![\w'’-])|\s*\([^()]*\d[^()]*\)", regex.IGNORECASE)


# --------------------------------------------------------------------------------------------

def _masked(text: str, s: Sentence, quantities: list[Quantity]) -> str:
    parts = []
    pos = s.start
    for q in quantities:
        parts.append(text[pos:q.start])
        parts.append(MASK * (q.end - q.start))
        pos = q.end
    parts.append(text[pos:s.end])
    return "".join(parts)


def _synthetic(rule: Rule, text: str, start: int, end: int) -> Quantity:
    phrase = text[start:end]
    if rule.count == "indefinite":
        return Quantity(start, end, phrase, 1, 1, 1, "exact", "number", rule="number.indefinite")
    return Quantity(start, end, phrase, None, None, None, "unquantified", "unquantified", weak=True,
                    rule="number.unquantified")


def extract_sentence(text: str, s: Sentence, first_index: int = 0,
                     previous: list[Candidate] | None = None) -> list[Candidate]:
    """The casualty counts of one sentence. `first_index` is the document index of the first one;
    `previous` the candidates of the sentence before (for rules whose head may sit there)."""
    rules_, _, hedge = _compiled()
    low = text[s.start:s.end].lower()
    quantities = find_quantities(text, s.start, s.end)
    masked = _masked(text, s, quantities)
    by_start = {q.start - s.start: i for i, q in enumerate(quantities)}
    hits: dict[int, list[tuple[int, int, Rule, regex.Match]]] = {}
    synthetic: dict[int, Quantity] = {}
    starts = sorted(by_start)
    indefinite = _indefinite_probe().search(text, s.start, s.end) is not None
    first_end = min((q.end for q in quantities), default=0) - s.start
    last_start = max((q.start for q in quantities), default=0) - s.start
    present = _needs_present(low)
    for rule in rules_:
        if rule.needs and present.isdisjoint(rule.needs):
            continue
        if rule.count is None and len(quantities) < rule.min_counts:
            continue        # "8 men and 4 women", "up from 31": a rule about two counts needs two
        if rule.count == "indefinite" and not indefinite:
            continue
        if rule.needs_at and quantities and not _needs_in_place(rule, low, first_end, last_start):
            continue
        if rule.anchored:
            # the rule starts at its count: try it there only
            found = [m for m in (rule.pattern.match(masked, cs) for cs in starts) if m is not None]
        elif rule.count is None and len(masked) > _LONG:
            # a long stretch of text: look only around each count, so the work grows with the
            # number of counts, not with the length times the number of rules
            found = []
            for cs in starts:
                found += rule.pattern.overlapped(masked, max(0, cs - _REACH), min(len(masked), cs + _REACH))
        else:
            found = rule.pattern.overlapped(masked)
        for m in found:
            cs, ce = m.span("c")
            if rule.count is None:
                i = by_start.get(cs)
                if i is None or quantities[i].end - s.start != ce:
                    continue
                key = cs
            else:
                if MASK in m.group("c"):
                    continue
                key = cs
                synthetic.setdefault(cs, _synthetic(rule, text, s.start + cs, s.start + ce))
            hits.setdefault(key, []).append((rule.priority, rule.order, rule, m))
    all_q = {q.start - s.start: q for q in quantities}
    for k, q in synthetic.items():
        if k not in all_q and not any(o.start < q.end and q.start < o.end for o in quantities):
            all_q[k] = q
    out: list[Candidate] = []
    for key in sorted(hits):
        q = all_q.get(key)
        if q is None:
            continue
        for _, _, rule, m in sorted(hits[key], key=lambda h: (h[0], h[1])):
            if (rule.count is None) != (q.rule not in ("number.indefinite", "number.unquantified")):
                continue
            if not _valid(rule, m, q):
                if rule.block:
                    break
                continue
            head = None
            link = None
            if rule.category == "@prev":
                prev = [c for c in out if c.q.end <= q.start]
                if prev:
                    head_c = prev[-1]
                    head = first_index + out.index(head_c)
                elif rule.prev_sentence and previous:
                    head_c = previous[-1]
                    head = first_index - len(previous) + len(previous) - 1
                else:
                    continue
                category = head_c.category
                link = rule.link
            elif rule.category == "@t":
                category = classify(m.group("t"))
                if category is None:
                    continue
            else:
                category = rule.category
            victims = _victims(m, text, s.start)
            if head is not None and victims is None and rule.category == "@prev" and link != "revises":
                victims = head_c.victims
            ms, me = m.span()
            window_start = max(0, ms - 50)
            hedged = bool(hedge.search(masked, window_start, me))
            t_span = m.span("t") if m.groupdict().get("t") is not None else None
            out.append(Candidate(
                q=q, sentence=s, category=category, rule=rule.id, victims=victims,
                victims_type=victims_type(victims), hedged=hedged,
                span=(s.start + ms, s.start + me),
                trigger=(s.start + t_span[0], s.start + t_span[1]) if t_span else None,
                head=head, link=link))
            break
    return out


# a sentence that goes on about the counts of the one before: "They included two soldiers."
_FOLLOW_UP = re.compile(r"\W*(?:they|these|those|the\s+victims|the\s+dead|the\s+casualties|the\s+injured|the\s+wounded)"
                        r"\s+(?:included|include)\b", re.IGNORECASE)


def extract_candidates(text: str, sentences: list[Sentence], hits: list[int] | None = None) -> list[Candidate]:
    """The casualty counts of a document, sentence by sentence, in order. `hits` are the positions
    of casualty words (`keyword_hits`), when the caller has them already."""
    if hits is None:
        hits = keyword_hits(lower_same_length(text))
    out: list[Candidate] = []
    previous: list[Candidate] = []
    last_index = -2
    for s in sentences:
        if not worth_reading(text, s, hits) and not (
                last_index == s.index - 1 and _FOLLOW_UP.match(text, s.start, s.end)):
            continue
        found = extract_sentence(text, s, len(out), previous if last_index == s.index - 1 else None)
        if found:
            out.extend(found)
            previous, last_index = found, s.index
    return out
