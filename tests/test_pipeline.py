"""Invariants of every extraction: offsets, ids, merging, determinism."""
from __future__ import annotations

import pytest

import claimx
from claimx.models import Claim


def test_mentions_slice_the_text(example_text: str) -> None:
    claims = claimx.extract(example_text, "example.txt")
    assert claims
    for c in claims:
        for m in c.mentions:
            assert example_text[m.start:m.end] == m.text
            assert example_text.count("\n", 0, m.start) + 1 == m.line
            assert m.text in m.sentence or " ".join(m.text.split()) in m.sentence


def test_ids_are_ordinals_of_the_document(example_text: str) -> None:
    claims = claimx.extract(example_text, "news/example.txt")
    assert [c.id for c in claims] == [f"news/example.txt#{n}" for n in range(1, len(claims) + 1)]
    assert all(c.doc == "news/example.txt" for c in claims)


def test_same_input_same_output(example_text: str) -> None:
    a = [c.to_dict() for c in claimx.extract(example_text)]
    b = [c.to_dict() for c in claimx.extract(example_text)]
    assert a == b


def test_empty_and_blank_input() -> None:
    assert claimx.extract("") == []
    assert claimx.extract("\n\n   \n") == []


def test_repeated_claim_is_one_record_with_every_mention() -> None:
    text = ("12 killed in market blast — police\n\n"
            "At least twelve... no: 12 people were killed when a bomb went off in the market, police said. "
            "Police said the 12 dead included two children.")
    claims = [c for c in claimx.extract(text) if c.count.value == 12 and c.category == "killed"]
    assert len(claims) == 1
    assert len(claims[0].mentions) >= 2


def test_a_long_document_repeating_one_count_from_several_sources_keeps_one_claim_per_source() -> None:
    said = ["police said", "the army said", "the health ministry said", "the governor said"]
    text = "\n\n".join(f"Two people were killed in Velmora on day {i}, {said[i % 4]}." for i in range(300))
    claims = claimx.extract(text)
    assert [(c.source.name, len(c.mentions)) for c in claims] == [
        ("police", 75), ("army", 75), ("health ministry", 75), ("governor", 75)]


def test_headline_and_body_sources_contained_in_each_other_merge() -> None:
    text = ("63 soldiers killed in strike — Defense Ministry\n\n"
            "A total of 63 soldiers were killed, the Russian Defense Ministry said.")
    claims = claimx.extract(text)
    assert len(claims) == 1
    assert claims[0].source.name == "Russian Defence Ministry"


def test_breakdown_and_revision_links() -> None:
    text = ("The death toll rose to 89 from 63, the health ministry said. "
            "The blast killed 40 people, including 12 children.")
    claims = {c.count.value: c for c in claimx.extract(text)}
    assert claims[89].revises == claims[63].id
    assert claims[12].part_of == claims[40].id


@pytest.mark.parametrize("text,victims", [
    ("A drone strike on the market killed at least 14 people and wounded 30 others.", ["people", "others"]),
    ("Police said the blast killed 4 civilians!", ["civilians"]),
    ("Gunmen killed 2 U.S. soldiers.", ["U.S. soldiers"]),
], ids=["full-stop", "exclamation", "dotted-abbreviation"])
def test_victims_leave_out_the_sentence_end(text, victims) -> None:
    assert [c.victims.text for c in claimx.extract(text)] == victims


@pytest.mark.parametrize("text,victims", [
    ("Gunmen shot three men early Sunday morning outside a bar.", "men"),
    ("The fire killed two others last summer in the same street.", "others"),
    ("The quake has killed 40 people so far.", "people"),
    ("57 people (up from 41 on Monday) have died in the floods.", "people"),
    ("Three pupils at the Sunday school were killed.", "pupils at the Sunday school"),
    ("Twelve members of the National Directorate of Security (NDS) were killed.",
     "members of the National Directorate of Security (NDS)"),
], ids=["time", "last-summer", "so-far", "parenthesis-with-a-number", "day-after-the", "acronym-in-brackets"])
def test_victims_stop_before_a_time_or_an_aside_with_a_number(text, victims) -> None:
    assert claimx.extract(text)[0].victims.text == victims


@pytest.mark.parametrize("text,kind", [
    ("Four family members were shot dead at their home.", "civilian"),
    ("Two service members were killed.", "military"),
    ("Three soldiers and two women were killed in the same street.", "military"),
])
def test_victims_type_reads_two_word_nouns_as_one(text, kind) -> None:
    assert claimx.extract(text)[0].victims.type == kind


@pytest.mark.parametrize("text, source, cue", [
    ("The coast guard issued a report on Friday: eleven fishermen were missing after the storm.",
     "The coast guard", "issued"),
    ("Three guards were wounded in the riot, according to court documents.", "court documents", "according to"),
    ("According to hospital records, nine patients died of their wounds.", "hospital records", "according to"),
])
def test_a_source_phrase_is_the_name_alone(text, source, cue) -> None:
    """Not "The coast guard issued a" (with "report" read as the verb), nor "according to court"
    (with "documents" read as the verb)."""
    [claim] = claimx.extract(text)
    assert (claim.source.text, claim.source.cue) == (source, cue)


def test_record_round_trips_through_its_dict(example_text: str) -> None:
    for c in claimx.extract(example_text):
        assert Claim.from_dict(c.to_dict()).to_dict() == c.to_dict()


def test_text_with_crlf_and_bom_offsets() -> None:
    text = "Police said 5 people were killed.\r\nResidents said 9 people were wounded.\r\n"
    for c in claimx.extract(text):
        for m in c.mentions:
            assert text[m.start:m.end] == m.text


def test_a_page_flattened_onto_one_line_keeps_the_claims_and_their_sources() -> None:
    """One 'paragraph' of hundreds of pieces is read only near its casualty words; what is
    there is found as in a normal text, with offsets into the whole line."""
    filler = "Shares of the grain exporter rose 4 percent in early trading on strong demand " * 500
    claim = "7 people were killed in the shelling of the market, police said, "
    text = filler + claim + filler + claim.replace("7", "9").replace("killed", "wounded") + filler
    assert "\n" not in text and "." not in text
    from claimx.stages import casualties, segment

    hits = casualties.keyword_hits(casualties.lower_same_length(text))
    assert len(segment.segment(text, around=hits)) < len(segment.segment(text)) / 4
    got = {(c.category, c.count.value, c.source.name if c.source else None) for c in claimx.extract(text)}
    assert got == {("killed", 7, "police"), ("wounded", 9, "police")}
    for c in claimx.extract(text):
        m = c.mentions[0]
        assert text[m.start:m.end] == m.text


@pytest.mark.parametrize("text,words", [
    ("Three soldiers were killed and 12 wounded.", ["killed", "wounded"]),
    # inside a word is no hit: "skills", "studies" (die), "outshot"
    ("Her skills were studied; the outshot team lost.", ["lost"]),
    # offsets count characters, not bytes: letters outside ASCII and an emoji before the hit
    ("Café 😀 — Zoë said 4 were injured, 2 died.", ["injured", "died"]),
    # words that contain another casualty word are one hit at their start ("deaths", "shooting")
    ("Deaths rose after the shooting.", ["deaths", "shooting"]),
    ("No casualty words at all here.", ["casualty"]),
    ("Markets rallied.", []),
])
def test_keyword_hits_are_word_starts_in_characters(text, words) -> None:
    from claimx.stages import casualties

    low = casualties.lower_same_length(text)
    hits = casualties.keyword_hits(low)
    assert hits == sorted(hits)
    assert [low[i:i + len(w)] for i, w in zip(hits, words)] == words
    assert len(hits) == len(words)
