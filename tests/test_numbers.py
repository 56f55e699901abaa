"""The number grammar: quantity phrases, their bounds and qualifiers (schema.md's tables)."""
from __future__ import annotations

import pytest

from claimx.stages.numbers import find_quantities

CASES = [
    # text, phrase, value, low, high, qualifier
    ("63 soldiers", "63", 63, 63, 63, "exact"),
    ("4,031 people", "4,031", 4031, 4031, 4031, "exact"),
    ("4 031 people", "4 031", 4031, 4031, 4031, "exact"),
    ("1.2 million people", "1.2 million", 1_200_000, 1_200_000, 1_200_000, "exact"),
    ("2.5 thousand people", "2.5 thousand", 2500, 2500, 2500, "exact"),
    ("1,5 million people", "1,5 million", 1_500_000, 1_500_000, 1_500_000, "exact"),
    ("10k people", "10k", 10_000, 10_000, 10_000, "exact"),
    ("1.5 lakh people", "1.5 lakh", 150_000, 150_000, 150_000, "exact"),
    ("seventeen people", "seventeen", 17, 17, 17, "exact"),
    ("twenty-three miners", "twenty-three", 23, 23, 23, "exact"),
    ("a hundred and twelve people", "a hundred and twelve", 112, 112, 112, "exact"),
    ("twenty one hundred people", "twenty one hundred", 2100, 2100, 2100, "exact"),
    ("a dozen women", "a dozen", 12, 12, 12, "exact"),
    ("more than a dozen women", "more than a dozen", 12, 12, None, "at_least"),
    ("at least a hundred people", "at least a hundred", 100, 100, None, "at_least"),
    ("nearly a thousand people", "nearly a thousand", 1000, 1000, 1000, "approx"),
    ("up to a dozen people", "up to a dozen", 12, None, 12, "at_most"),
    ("two dozen bodies", "two dozen", 24, 24, 24, "exact"),
    ("half a million people", "half a million", 500_000, 500_000, 500_000, "exact"),
    ("one and a half thousand people", "one and a half thousand", 1500, 1500, 1500, "exact"),
    ("a total of 63 soldiers", "a total of 63", 63, 63, 63, "exact"),
    ("about 400 soldiers", "about 400", 400, 400, 400, "approx"),
    ("nearly 30 people", "nearly 30", 30, 30, 30, "approx"),
    ("some 250 people", "some 250", 250, 250, 250, "approx"),
    ("an estimated 350,000 people", "an estimated 350,000", 350_000, 350_000, 350_000, "approx"),
    ("100-odd people", "100-odd", 100, 100, 100, "approx"),
    ("at least four people", "at least four", 4, 4, None, "at_least"),
    ("more than 1,200 people", "more than 1,200", 1200, 1200, None, "at_least"),
    ("no fewer than 8,000 people", "no fewer than 8,000", 8000, 8000, None, "at_least"),
    ("upwards of 30 people", "upwards of 30", 30, 30, None, "at_least"),
    ("150+ people", "150+", 150, 150, None, "at_least"),
    ("20 or more people", "20 or more", 20, 20, None, "at_least"),
    ("up to 60 people", "up to 60", 60, None, 60, "at_most"),
    ("as many as 400 people", "as many as 400", 400, None, 400, "at_most"),
    ("no more than 10 people", "no more than 10", 10, None, 10, "at_most"),
    ("fewer than 100 people", "fewer than 100", 100, None, 100, "at_most"),
    ("between 20 and 30 people", "between 20 and 30", None, 20, 30, "range"),
    ("20-30 bodies", "20-30", None, 20, 30, "range"),
    ("20 to 30 people", "20 to 30", None, 20, 30, "range"),
    ("from 40 to 50 people", "from 40 to 50", None, 40, 50, "range"),
    ("900,000 to 1.1 million people", "900,000 to 1.1 million", None, 900_000, 1_100_000, "range"),
    ("two or three people", "two or three", None, 2, 3, "range"),
    ("dozens of people", "dozens", None, 24, 119, "vague"),
    ("scores of people", "scores", None, 40, 199, "vague"),
    ("hundreds of people", "hundreds", None, 200, 999, "vague"),
    ("thousands of people", "thousands", None, 2000, 9999, "vague"),
    ("tens of thousands of people", "tens of thousands", None, 20_000, 99_999, "vague"),
    ("hundreds of thousands of people", "hundreds of thousands", None, 200_000, 999_999, "vague"),
    ("several hundred men", "several hundred", None, 300, 999, "vague"),
    ("several dozen workers", "several dozen", None, 36, 119, "vague"),
    ("a few hundred people", "a few hundred", None, 200, 500, "vague"),
    ("several people", "several", None, 3, 9, "vague"),
    ("a handful of soldiers", "a handful", None, 2, 5, "vague"),
    ("as much as several hundred men", "as much as several hundred", None, 300, 999, "vague"),
    ("many others", "many", None, None, None, "unquantified"),
    ("a significant number of people", "a significant number", None, None, None, "unquantified"),
]


@pytest.mark.parametrize("text,phrase,value,low,high,qualifier", CASES, ids=[c[0] for c in CASES])
def test_quantity(text, phrase, value, low, high, qualifier) -> None:
    qs = find_quantities(text)
    assert len(qs) == 1, [q.text for q in qs]
    q = qs[0]
    assert (q.text, q.value, q.low, q.high, q.qualifier) == (phrase, value, low, high, qualifier)
    assert text[q.start:q.end] == q.text


NOT_COUNTS = ["a 25-year-old man", "a 120-strong unit", "at 6:42 p.m.", "at 7 p.m.", "on March 14", "on 14 May 2025",
              "in 2015", "the 1990s", "$25 million", "US$32 million", "40%", "11 per cent", "40 km away", "6 kg",
              "platform 1", "Flash Update No. 9", "aged 19 and 22", "call 312-747-8380", "won 3-1", "no one",
              "one another", "in his early 20s", "magnitude 6.8", "2.5 people", "the Regional 8 prison",
              "at least 25 rockets", "250 tanks", "12 times"]


@pytest.mark.parametrize("text", NOT_COUNTS)
def test_not_a_count(text) -> None:
    assert find_quantities(text) == []


def test_long_digit_runs_are_not_counts() -> None:
    # a run of digits longer than any count (an identifier, a phone number, garbage) is never read
    assert find_quantities("killed " + "9" * 5000 + " people") == []


def test_offsets_point_into_the_text() -> None:
    text = "Between 20 and 30 people died; about 400 were hurt and dozens are missing."
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text
