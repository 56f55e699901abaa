"""Stage: events within a document (placeholder)."""
from __future__ import annotations


def assign(text, sentences, candidates):
    for c in candidates:
        c.event = "E1"
    return candidates
