"""Patterns on two engines (claimx.patterns): the standard library's re stands in for regex only
where both read the pattern and the text alike, so what claimx finds never depends on which
engine ran."""
from __future__ import annotations

import re
import unicodedata

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import claimx
from claimx.patterns import compiled, plain, reading
from claimx.stages import casualties, numbers

LONG = r"(?<![\w'’-])(?P<n>\d+|" + "|".join(f"word{i}" for i in range(40)) + r")\s+(?:people|civilians)\b\s*(?P<v>\w+)?"


@pytest.mark.parametrize("text", [
    "Two people were killed on Monday, police said.",
    "Zwölf Menschen — “at least 12” — died in Bogotá, Łódź and Kraków; €5,000\u00a0paid.",
    "Σεισμός: 3 νεκροί",
])
def test_texts_both_engines_read_alike_are_plain(text):
    assert plain(text)


@pytest.mark.parametrize("text", [
    unicodedata.normalize("NFD", "12 people were killed in Bogotá"),  # e + combining acute
    "an area of 40 km² where 3 died",                                 # superscript two: \w in re only
    "Diyarbakır: 3 killed",                                           # dotless i
    "İSTANBUL: 3 killed",                                             # lower-cases to i + U+0307
    "3 killed\x1c",                                                   # a separator: \s in re only
])
def test_texts_the_engines_read_apart_are_not_plain(text):
    assert not plain(text)


def test_a_long_pattern_uses_re_only_while_reading_a_plain_text():
    p = compiled(LONG, regex.IGNORECASE)
    assert isinstance(p.get(), regex.Pattern)              # outside the pipeline: regex
    with reading("3 people were killed"):
        assert isinstance(p.get(), re.Pattern)
    with reading(unicodedata.normalize("NFD", "3 people were killed in Bogotá")):
        assert isinstance(p.get(), regex.Pattern)
    assert isinstance(p.get(), regex.Pattern)              # the block is left: back to regex


def test_a_pattern_that_starts_with_a_word_moves_its_searches_to_regex_after_a_while(monkeypatch):
    from claimx import patterns

    monkeypatch.setattr(patterns, "_SEARCHES_ON_RE", 3)
    p = patterns.Pattern(r"\b(?:killed|" + "|".join(f"slain{i}" for i in range(40)) + r")\s+(?P<n>\d+)",
                         regex.IGNORECASE)
    with reading("killed 3 people"):
        engines = [type(p.scanner()) for _ in range(5)]
        assert engines == [re.Pattern] * 3 + [regex.Pattern] * 2   # regex skips to where the word can start
        assert isinstance(p.get(), re.Pattern)                      # matching at a position stays on re
        assert p.search("they killed 3 people").span("n") == (12, 13)
        assert p.match("they killed 3 people", 5).group("n") == "3"


@pytest.mark.parametrize("source", [
    r"\bkilled\b",                                          # short: regex compiles it in no time
    r"(?<=\p{Lu}\w+)\s+" + LONG,                            # a Unicode property: regex only
    LONG + r"(?:km²)?",                                     # a character the engines read apart
    LONG + r"|(?P<n>x)",                                    # a group name used twice: regex only
])
def test_patterns_re_cannot_read_alike_stay_with_regex(source):
    with reading("3 people were killed"):
        assert isinstance(compiled(source, regex.IGNORECASE).get(), regex.Pattern)


_ALPHABET = st.sampled_from(list("ab wordpeople12 3,.’-") + ["word7 ", "people ", "civilians ", "WORD12", "é",
                                                             "\u0301", "²", "ı", "\ue000", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join), st.integers(0, 5), st.integers(0, 5))
def test_overlapped_matches_are_the_same_on_either_engine(text, lo, cut):
    p = compiled(LONG, regex.IGNORECASE)
    hi = max(lo, len(text) - cut)
    want = [(m.span(), m.groupdict()) for m in p.overlapped(text, lo, hi)]
    with reading(text):
        got = [(m.span(), m.groupdict()) for m in p.overlapped(text, lo, hi)]
    assert got == want
    assert [m.span() for m in regex.compile(LONG, regex.I).finditer(text, lo, hi, overlapped=True)] == \
        [span for span, _ in want]


def test_the_rules_and_the_number_grammar_have_an_re_version():
    rules = casualties.rules()
    with reading("3 people were killed"):
        fast = [r for r in rules if isinstance(r.pattern.get(), re.Pattern)]
        assert isinstance(numbers._grammar()["qty"].get(), re.Pattern)
    # what costs to compile (the long rules) compiles on re
    assert sum(len(r.source) for r in fast) > 0.8 * sum(len(r.source) for r in rules)


_SENTENCE_WORDS = st.sampled_from([
    casualties.MASK * 2, "people", "were", "killed", "wounded", "including", "children", "and", "the", "police",
    "said", ",", ".", "at", "least", "soldiers", "died", "in", "attack", "Bogotá", "é", "\u0301", "²", "’s",
    "injuring", "others", "toll", "rose", "to", "of", "dead"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_SENTENCE_WORDS, min_size=1, max_size=25).map(" ".join))
def test_every_casualty_rule_and_the_number_grammar_find_the_same_on_either_engine(sentence):
    qty = numbers._grammar()["qty"]

    def found():
        out = []
        for rule in casualties.rules():
            out.append([(m.span(), m.groupdict()) for m in rule.pattern.overlapped(sentence)])
        out.append([m.span() for m in (qty.match(sentence, i) for i in range(len(sentence))) if m])
        return out

    want = found()
    with reading(sentence):
        assert found() == want


def test_decomposed_text_reads_like_composed_text():
    composed = ("At least 12 Bogotá residents were killed and 4 Québécois tourists were wounded on Tuesday, "
                "José Muñoz, the mayor, said.")
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed

    def summary(text):
        return [(c.category, c.count.value, unicodedata.normalize("NFC", c.victims.text),
                 unicodedata.normalize("NFC", c.source.name)) for c in claimx.extract(text)]

    assert summary(decomposed) == summary(composed) == [
        ("killed", 12, "Bogotá residents", "José Muñoz"), ("wounded", 4, "Québécois tourists", "José Muñoz")]


_CLAUSE_WORDS = st.sampled_from(["in", "near", "the", "city", "of", "region", "Kharkiv", "Velmora", "Port", "al-Qaim",
                                 "village", "said", "people", "at", "de", "Sousa", "on", "Monday", "its", "town", ","])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CLAUSE_WORDS, max_size=14).map(" ".join))
def test_places_are_read_the_same_without_the_head_of_branch_where_it_cannot_match(clause):
    from claimx.stages import events

    d = events._data()
    want = [m.span("p") for m in d["place"].finditer(clause)]
    if d["head_of"].search(clause) is None:
        assert [m.span("p") for m in d["place_prep"].finditer(clause)] == want
