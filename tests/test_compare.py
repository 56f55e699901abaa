"""claimx.compare: counts as people read them, intervals, spread and disagreement, dates and places
of the grouping key, grouping across articles (with its accuracy on fixtures/compare), tables."""
from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

import claimx
from claimx.compare import (Day, compare_claims, comparison, dateline, days_apart, display, incident_words,
                            interval, sentence_places, source_key, spread, text_dates, vague_phrase)
from claimx.compare_inputs import load
from claimx.models import Claim, Count, Mention, Source, Victims

from conftest import CORPUS, FIXTURES, needs_shared

COMPARE = FIXTURES / "compare"
ARTICLES = COMPARE / "articles"
MAKIIVKA = CORPUS / "dev" / "makiivka-moscowtimes.txt"


def claim(category="killed", count=("63", 63, 63, 63, "exact"), source="Defence Ministry", doc="a.txt",
          event="E1", hedged=False, sentence="", n=1, kind=None, side=None, meta=None, part_of=None) -> Claim:
    src = Source(source, source, "said", kind, side) if source else None
    return Claim(doc, f"{doc}#{n}", category, Count(*count), Victims(None), src, hedged, event,
                 (Mention(n * 10, n * 10 + 2, count[0], 1, sentence),), part_of=part_of, doc_meta=meta)


# ------------------------------------------------------------------------------------------------
# display strings, one per qualifier

DISPLAY_CASES = [
    # id, count (text, value, low, high, qualifier), display
    ("exact", ("63", 63, 63, 63, "exact"), "63"),
    ("exact-thousands", ("1,200", 1200, 1200, 1200, "exact"), "1,200"),
    ("approx", ("about 400", 400, 400, 400, "approx"), "~400"),
    ("at-least", ("at least four", 4, 4, None, "at_least"), "≥4"),
    ("at-most", ("up to 50", 50, None, 50, "at_most"), "≤50"),
    ("range", ("between 20 and 30", None, 20, 30, "range"), "20–30"),
    ("vague-bounded", ("as much as several hundred", None, 300, 999, "vague"), "300–999 (several hundred)"),
    ("vague-plain", ("dozens", None, 24, 119, "vague"), "24–119 (dozens)"),
    ("vague-capital", ("Hundreds", None, 200, 999, "vague"), "200–999 (hundreds)"),
    ("unquantified", ("many", None, None, None, "unquantified"), "unquantified"),
    ("range-open-high", ("100+", None, 100, None, "range"), "≥100"),
]


@pytest.mark.parametrize("count,expected", [c[1:] for c in DISPLAY_CASES], ids=[c[0] for c in DISPLAY_CASES])
def test_display(count, expected):
    assert display(Count(*count)) == expected


@pytest.mark.parametrize("text,expected", [
    ("as much as several hundred", "several hundred"), ("could be as high as several hundred", "could be as high as several hundred"),
    ("up to several dozen", "several dozen"), ("Thousands", "thousands"), ("possibly hundreds", "hundreds"),
])
def test_vague_phrase(text, expected):
    assert vague_phrase(text) == expected


# ------------------------------------------------------------------------------------------------
# intervals, spread, disagreement

INTERVAL_CASES = [
    ("exact", ("5", 5, 5, 5, "exact"), (5, 5)),
    ("approx-10pc", ("about 400", 400, 400, 400, "approx"), (360, 440)),
    ("at-least-open", ("at least 4", 4, 4, None, "at_least"), (4, math.inf)),
    ("at-most-from-0", ("up to 50", 50, None, 50, "at_most"), (0, 50)),
    ("range", ("20-30", None, 20, 30, "range"), (20, 30)),
    ("vague", ("dozens", None, 24, 119, "vague"), (24, 119)),
    ("unquantified", ("many", None, None, None, "unquantified"), None),
]


@pytest.mark.parametrize("count,expected", [c[1:] for c in INTERVAL_CASES], ids=[c[0] for c in INTERVAL_CASES])
def test_interval(count, expected):
    got = interval(Count(*count))
    assert got == (pytest.approx(expected) if expected else None)


def _rows(*figures):
    """Rows of one category from (source, count) pairs, through the real table builder."""
    claims = [claim(count=c, source=s, n=i) for i, (s, c) in enumerate(figures, 1)]
    (table,) = compare_claims(claims)
    return table.rows


EXACT = lambda n: (str(n), n, n, n, "exact")  # noqa: E731
ABOUT = lambda n: (f"about {n}", n, n, n, "approx")  # noqa: E731

SPREAD_CASES = [
    # id, figures [(source, count)], (low, high, ratio, disagreement)
    ("makiivka", [("MoD", EXACT(63)), ("AFU", ABOUT(400)), ("Girkin", ("several hundred", None, 300, 999, "vague"))],
     (63, 999, 15.86, True)),
    ("agree", [("A", EXACT(10)), ("B", EXACT(10))], (10, 10, 1.0, False)),
    ("exact-differ", [("A", EXACT(10)), ("B", EXACT(11))], (10, 11, 1.1, True)),
    ("approx-covers-rounding", [("A", EXACT(63)), ("B", ABOUT(60))], (60, 63, 1.05, False)),
    ("approx-edge-in", [("A", EXACT(90)), ("B", ABOUT(100))], (90, 100, 1.11, False)),
    ("approx-edge-out", [("A", EXACT(89)), ("B", ABOUT(100))], (89, 100, 1.12, True)),
    ("approx-upper-edge", [("A", EXACT(110)), ("B", ABOUT(100))], (100, 110, 1.1, False)),
    ("two-approx-overlap", [("A", ABOUT(100)), ("B", ABOUT(120))], (100, 120, 1.2, False)),
    ("two-approx-apart", [("A", ABOUT(100)), ("B", ABOUT(130))], (100, 130, 1.3, True)),
    ("at-least-open-above", [("A", ("at least 25", 25, 25, None, "at_least")), ("B", EXACT(63))], (25, 63, 2.52, False)),
    ("at-least-above-exact", [("A", ("at least 4", 4, 4, None, "at_least")), ("B", EXACT(3))], (3, 3, 1.33, True)),
    ("at-most-open-below", [("A", ("up to 50", 50, None, 50, "at_most")), ("B", EXACT(3))], (3, 50, 16.67, False)),
    ("at-most-below", [("A", ("up to 50", 50, None, 50, "at_most")), ("B", EXACT(63))], (63, 63, 1.26, True)),
    ("range-overlap", [("A", ("20-30", None, 20, 30, "range")), ("B", EXACT(25))], (20, 30, 1.2, False)),
    ("range-apart", [("A", ("20-30", None, 20, 30, "range")), ("B", EXACT(31))], (20, 31, 1.03, True)),
    ("unquantified-left-out", [("A", EXACT(5)), ("B", ("many", None, None, None, "unquantified"))], (5, 5, 1.0, False)),
    ("only-unquantified", [("A", ("many", None, None, None, "unquantified"))], (None, None, None, False)),
    ("same-source-revision", [("A", EXACT(63)), ("A", EXACT(89))], (63, 89, 1.41, False)),
    ("own-voice-vs-source", [(None, EXACT(12)), ("Police", EXACT(20))], (12, 20, 1.67, True)),
]


@pytest.mark.parametrize("figures,expected", [c[1:] for c in SPREAD_CASES], ids=[c[0] for c in SPREAD_CASES])
def test_spread(figures, expected):
    s = spread(_rows(*figures))
    assert (s.low, s.high, s.ratio, s.disagreement) == expected


def test_own_voice_of_two_articles_can_disagree_but_one_article_revising_itself_does_not():
    a = claim(count=EXACT(12), source=None, doc="a.txt", sentence="KYIV, Oct. 3 (Wire) - In Pokrovets a strike killed 12.")
    b = claim(count=EXACT(20), source=None, doc="b.txt", sentence="KYIV, Oct. 3 (Wire) - In Pokrovets a strike killed 20.")
    (t,) = compare_claims([a, b])
    assert t.spread["killed"].disagreement
    a2 = claim(count=EXACT(20), source=None, doc="a.txt", n=2)
    (t,) = compare_claims([a, a2])
    assert not t.spread["killed"].disagreement


def test_breakdown_is_kept_marked_and_left_out_of_the_spread():
    total = claim(category="wounded", count=EXACT(27), n=1)
    part = claim(category="wounded", count=EXACT(6), n=2, part_of="a.txt#1")
    (t,) = compare_claims([total, part])
    assert [(r.value, r.breakdown) for r in t.rows] == [(27, False), (6, True)]
    assert (t.spread["wounded"].low, t.spread["wounded"].ratio) == (27, 1.0)


# ------------------------------------------------------------------------------------------------
# sources

@pytest.mark.parametrize("a,b,merged", [
    ("Girkin", "Igor Girkin", True),
    ("Defence Ministry", "Defence Ministry of Norland", True),
    ("the ministry", "Health Ministry", True),
    ("Defence Ministry", "Russian Defence Ministry|Ukrainian Defence Ministry", False),  # ambiguous: two wider names
    ("police", "Red Cross", False),
])
def test_source_names_merge_within_an_event(a, b, merged):
    names = [a, *b.split("|")]
    claims = [claim(source=n, count=EXACT(10 + i), n=i) for i, n in enumerate(names, 1)]
    (t,) = compare_claims(claims)
    assert (len({r.source for r in t.rows}) == len(names) - 1) is merged


def test_source_key():
    assert source_key("the Russian Defense Ministry's") == source_key("Russian Defense Ministry")


# ------------------------------------------------------------------------------------------------
# dates and places of the grouping key

@pytest.mark.parametrize("sentence,place,day", [
    ("KYIV, Oct. 7 (Wire) - Nine people were killed.", "Kyiv", Day(10, 7)),
    ("DNIPROVKA, Ukraine, Aug. 9 (Wire) - Seventeen people were killed.", "Dniprovka", Day(8, 9)),
    ("VELYKA RUDNIA, April 2 (Desk) - At least 41 soldiers were killed.", "Velyka Rudnia", Day(4, 2)),
    ("LONDON (Reuters) — Two people died.", "London", None),
    ("Police said 12 people were killed in Kyiv.", None, None),
])
def test_dateline(sentence, place, day):
    assert dateline(sentence) == (place, day)


@pytest.mark.parametrize("sentence,anchor,expected", [
    ("The strike on Oct. 3 killed 14.", Day(10, 5, 2025), [(Day(10, 3, 2025), "text")]),
    ("The blast on 3 October 2024 killed 14.", None, [(Day(10, 3, 2024), "text")]),
    ("It was reported on 2025-10-03 that 14 died.", None, [(Day(10, 3, 2025), "text")]),
    ("The collapse on Thursday killed 23.", Day(10, 4, 2025), [(Day(10, 2, 2025), "weekday")]),
    ("Thursday's collapse killed 23.", Day(10, 4, 2025), [(Day(10, 2, 2025), "weekday")]),
    ("The collapse on Thursday killed 23.", None, []),          # no anchor, no date
    ("Dec. 30 attack killed 5.", Day(1, 2, 2025), [(Day(12, 30, 2024), "text")]),  # the year before
    ("KYIV, Oct. 7 (Wire) - Nine were killed.", None, []),     # the dateline is the document's date
])
def test_text_dates(sentence, anchor, expected):
    assert text_dates(sentence, anchor) == expected


def test_days_apart_without_a_year_goes_the_short_way_round():
    assert days_apart(Day(12, 30), Day(1, 2)) == 3
    assert days_apart(Day(10, 3, 2025), Day(10, 5, 2025)) == 2


PLACE_CASES = [
    # id, sentence, [(name, level)]
    ("town-of", "A missile hit a bus depot in the town of Pokrovets in the Kharkiv region.",
     [("Pokrovets", "local"), ("Kharkiv", "region")]),
    ("alternate-spelling", "A strike near Kharkov killed six.", [("Kharkov", "city")]),
    ("dateline-and-body", "KHERSON, Oct. 3 (Wire) - Shelling of a district of Kherson killed two.",
     [("Kherson", "city"), ("Kherson", "city")]),
    ("demonym-not-place", "A Ukrainian attack on a school in Russian-occupied eastern Ukraine killed 63.",
     [("Ukraine", "country")]),
    ("org-not-place", "The Defence Ministry of Norland said on Tuesday 41 died on Telegram.", []),
    ("bare-big-city", "Two died when Odesa was hit.", [("Odesa", "city")]),
    ("sentence-start-not-bare", "Most of those killed were soldiers.", []),
    ("title-case-headline", "Shooting Leaves At Least 8 Wounded In Quiet Neighborhood", []),
    ("title-case-known-place", "63 Russian Soldiers Killed in Ukrainian Missile Strike on Makiivka", [("Makiivka", "city")]),
    ("center-of", "Most of those killed in the coal-mining center of Makiivka were drafted.", [("Makiivka", "city")]),
    ("generic", "Two were shot on the West Side.", []),
]


@pytest.mark.parametrize("sentence,expected", [c[1:] for c in PLACE_CASES], ids=[c[0] for c in PLACE_CASES])
def test_sentence_places(sentence, expected):
    assert [(p.name, p.level) for p in sentence_places(sentence)] == expected


def test_alternate_spellings_are_one_place_and_towns_know_their_region():
    (a,), (b,) = sentence_places("in Kharkov"), sentence_places("in Kharkiv")
    assert a.id == b.id
    town = sentence_places("a strike in Makiivka")[0]
    region = sentence_places("in the Donetsk region")[0]
    assert town.region == region.region == "UA.05"


@pytest.mark.parametrize("sentence,words", [
    ("A missile strike on a bus depot killed 14.", ["strike", "bus", "depot"]),
    ("The ferry capsized on the lake.", ["ferry", "capsize"]),
    ("Police said 12 were killed.", []),
])
def test_incident_words(sentence, words):
    assert incident_words(sentence) == words


# ------------------------------------------------------------------------------------------------
# grouping across articles

def _fixture_claims(per_document=False):
    claims = []
    for p in sorted(ARTICLES.iterdir()):
        got = load(str(p))
        assert not got.errors, got.errors
        claims += [c.with_(doc=c.doc.rsplit("/", 1)[-1]) for c in got.claims]
    return claims


def _true_incident(c: Claim, truth: dict) -> str:
    for o in truth["overrides"]:
        if o["doc"] == c.doc and o["sentence_contains"] in c.first.sentence:
            return o["incident"]
    return truth["docs"][c.doc]


def pairwise(claims, tables, truth) -> dict[str, float]:
    """Pairwise grouping scores over claims: accuracy (pairs put together or apart as in the truth),
    precision and recall of 'same incident'."""
    pred = {(d, e): t.id for t in tables for d, e in t.members}
    items = [(_true_incident(c, truth), pred[(c.doc, c.event)]) for c in claims]
    tp = fp = fn = tn = 0
    for (ta, pa), (tb, pb) in itertools.combinations(items, 2):
        if ta == tb:
            tp, fn = (tp + 1, fn) if pa == pb else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if pa == pb else (fp, tn + 1)
    n = tp + fp + fn + tn
    return {"accuracy": (tp + tn) / n, "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn), "pairs": n}


# Floors under the measured values (accuracy 0.948, precision 1.000, recall 0.721 at the time of
# writing); every pair missed is one the extractor split into two events of one article
# (dump.jsonl#p2 "Friday's attack", m2 "Thursday's collapse"), which compare never merges.
GROUPING_FLOOR = {"accuracy": 0.93, "precision": 0.97, "recall": 0.70}


def test_grouping_accuracy_on_fixture_set():
    truth = json.loads((COMPARE / "truth.json").read_text(encoding="utf-8"))
    claims = _fixture_claims()
    assert {c.doc for c in claims} == set(truth["docs"])
    scores = pairwise(claims, compare_claims(claims), truth)
    for k, floor in GROUPING_FLOOR.items():
        assert scores[k] >= floor, scores
    apart = pairwise(claims, compare_claims(claims, per_document=True), truth)
    assert apart["precision"] == 1.0 and apart["recall"] < scores["recall"]


def test_fixture_incidents_group_as_written():
    tables = compare_claims(_fixture_claims())
    docs = {frozenset(t.docs) for t in tables}
    assert frozenset({"p1-pokrovets-wire.txt", "dump.jsonl#p2", "p3-pokrovets-monitors.html"}) in docs
    assert frozenset({"l1-bukiru-ferry.txt", "dump.jsonl#l2"}) in docs
    assert frozenset({"h1-kharkiv-drone.txt", "h2-kharkiv-drone-toll.txt"}) in docs      # Nov: not with October
    assert frozenset({"k2-kherson-shelling.txt", "p1-pokrovets-wire.txt"}) in docs       # p1's second event
    assert frozenset({"m3-cajamarca-gas.txt"}) in docs                                    # another mine, another place
    by_doc = {t.docs: t for t in tables}
    kivu = by_doc[("dump.jsonl#l2", "l1-bukiru-ferry.txt")]
    assert kivu.spread["killed"].disagreement
    assert any("same place" in r for link in kivu.links for r in link["reasons"])


def test_revisions_of_one_source_follow_the_articles_dates():
    tables = compare_claims(_fixture_claims())
    (pok,) = [t for t in tables if "p3-pokrovets-monitors.html" in t.docs]
    lantsov = [r for r in pok.rows if r.source == "Ihor Lantsov" and r.category == "killed" and r.value in (14, 19)]
    assert [(r.value, r.revision, r.dates) for r in lantsov] == [(14, 1, ("2025-10-03",)), (19, 2, ("2025-10-04",))]


def test_vetoes_and_links_explain_themselves():
    from claimx.compare import assess, units_of

    a = claim(doc="a.txt", sentence="KYIV, Oct. 3 (Wire) - A strike on a market in Pokrovets killed 14.")
    b = claim(doc="b.txt", count=EXACT(19), sentence="KYIV, Oct. 4 (Wire) - The market strike in Pokrovets killed 19.")
    c = claim(doc="c.txt", count=EXACT(14), sentence="KYIV, Nov. 20 (Wire) - A strike on a market in Pokrovets killed 14.")
    d = claim(doc="d.txt", count=EXACT(14), sentence="KYIV, Oct. 3 (Wire) - A strike on a market in Dniprovka killed 14.")
    ua, ub, uc, ud = units_of([a, b, c, d])
    ab = assess(ua, ub)
    assert ab.veto is None and ab.score >= 4 and "same place: Pokrovets" in ab.reasons
    assert assess(ua, uc).veto.startswith("dates 48 days apart")
    assert assess(ua, ud).veto == "different places (Pokrovets / Dniprovka)"
    tables = compare_claims([a, b, c, d])
    assert [t.docs for t in tables] == [("a.txt", "b.txt"), ("c.txt",), ("d.txt",)]


def test_events_of_one_article_never_merge():
    a1 = claim(doc="a.txt", event="E1", count=EXACT(14), sentence="A strike in Pokrovets killed 14.", n=1)
    a2 = claim(doc="a.txt", event="E2", count=EXACT(19), sentence="A strike in Pokrovets killed 19.", n=2)
    b = claim(doc="b.txt", count=EXACT(14), sentence="A strike in Pokrovets killed 14 and 19.")
    assert len(compare_claims([a1, a2, b])) == 2


def test_deterministic_and_order_of_first_appearance():
    claims = _fixture_claims()
    one = json.dumps(comparison(claims), ensure_ascii=False)
    assert one == json.dumps(comparison(list(claims)), ensure_ascii=False)
    ids = [t["id"] for t in comparison(claims)["events"]]
    assert ids == [f"I{n}" for n in range(1, len(ids) + 1)]


def test_no_claims():
    assert compare_claims([]) == [] and comparison([]) == {"events": [], "documents": []}


def test_json_shape():
    result = comparison(_fixture_claims())
    ev = result["events"][0]
    assert {"id", "label", "docs", "rows", "spread", "key", "links", "events", "categories"} <= set(ev)
    assert {"source", "kind", "side", "category", "value", "low", "high", "qualifier", "display", "hedged",
            "docs"} <= set(ev["rows"][0])
    assert set(next(iter(ev["spread"].values()))) == {"low", "high", "ratio", "disagreement"}
    assert {"places", "date", "words"} <= set(ev["key"])


# ------------------------------------------------------------------------------------------------
# the seed article, and an equivalent article of our own

def _seed_expectations(tables, mod: str, mod_value: int, other: str, other_value: int, blogger: str):
    assert len(tables) == 2
    first, second = tables
    killed = {r.source: r for r in first.rows if r.category == "killed"}
    assert killed[mod].display == str(mod_value) and killed[mod].qualifier == "exact"
    assert killed[other].display == f"~{other_value}"
    assert killed[blogger].display == "300–999 (several hundred)" and killed[blogger].hedged
    assert first.spread["killed"].disagreement is True
    assert first.spread["killed"].low == mod_value and first.spread["killed"].high == 999
    assert [r.source for r in second.rows if r.category == "killed"] == [None]   # the article's own voice
    assert not second.spread["killed"].disagreement


@needs_shared
def test_seed_article_makiivka():
    if not MAKIIVKA.is_file():
        pytest.skip("../shared/corpus/dev/makiivka-moscowtimes.txt is not there")
    claims = claimx.extract(MAKIIVKA.read_text(encoding="utf-8"), MAKIIVKA.name)
    tables = compare_claims(claims)
    _seed_expectations(tables, "Russian Defence Ministry", 63, "Armed Forces of Ukraine", 400, "Igor Girkin")
    assert tables[0].spread["killed"].ratio == pytest.approx(999 / 63, abs=0.01)
    assert "Makiivka" in tables[0].label


def test_own_seed_equivalent():
    path = COMPARE / "barracks-strike.txt"
    tables = compare_claims(claimx.extract(path.read_text(encoding="utf-8"), path.name))
    _seed_expectations(tables, "Russian Defence Ministry", 52, "Ukrainian General Staff", 300, "Maksim Orlov")
    assert tables[0].label == "Horlivka strike"


@needs_shared
def test_real_single_incident_reports_are_rarely_grouped():
    """gva-semeval18: 300 real shooting reports, one incident each, mostly undated, many from the
    same cities. Every pair grouped is a false merge; 4 of about 30,000 pairs at the time of writing
    (recurring shootings in one city)."""
    texts = CORPUS / "gva-semeval18" / "texts"
    if not texts.is_dir():
        pytest.skip("../shared/corpus/gva-semeval18 is not there")
    claims = []
    for p in sorted(texts.iterdir()):
        claims += claimx.extract(p.read_text(encoding="utf-8"), p.name)
    merged_pairs = sum(len(t.docs) * (len(t.docs) - 1) // 2 for t in compare_claims(claims))
    assert merged_pairs <= 8


def test_incident_words_in_text_whose_case_forms_differ_in_length():
    """"İ" lower-cases to two characters and "ſ" matches "s" case-insensitively: a word the
    pattern finds is still classified (this once raised KeyError and stopped the comparison)."""
    assert incident_words("An İED hit the MİNE, a ſtrike hit the market") == ["blast", "mine", "strike", "market"]
