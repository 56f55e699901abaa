"""Runs the stages in order; no pattern lives here.

    text -> segment -> casualties -> attribution -> events -> resolve -> claims

Each stage takes what the one before produced and adds one thing; data flows one way.
"""
from __future__ import annotations

from .models import Claim
from .patterns import reading
from .stages import casualties


def run(text: str, doc: str = "-", *, registry=None) -> list[Claim]:
    hits = casualties.keyword_hits(casualties.lower_same_length(text))
    if not hits:
        return []       # no casualty word anywhere: nothing to segment or read
    # the later stages are imported when a text first needs them (a start-up on a text without
    # casualty words does not pay for them)
    from .stages import attribution, events, resolve, segment

    with reading(text):     # patterns on the faster engine where it reads this text alike
        sentences = segment.segment(text, around=hits)
        candidates = casualties.extract_candidates(text, sentences, hits)
        if not candidates:
            return []       # casualty words, but no count: nothing to attribute, place or merge
        attribution.attribute(text, sentences, candidates, registry=registry)
        events.assign(text, sentences, candidates)
        return resolve.merge(text, doc, candidates)


def prepare(registry=None, every_rule: bool = False) -> None:
    """Load the rules and compile what a short report needs (with `every_rule`, every rule), at
    once: before worker processes fork, so that they share it instead of each compiling its own.
    Compiling every rule (~0.2 s) pays off on many inputs, not on a few."""
    run("Three people were killed and five were wounded in Velmora on Monday, police said.", registry=registry)
    if every_rule:
        casualties.compile_rules()
