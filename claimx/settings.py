"""All defaults in one place (dateparser-style settings object)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # inputs
    max_bytes: int = 64 * 1024 * 1024        # a larger input is an error record, not a hang
    # numbers: a run of more digits than this is an identifier, never a count
    max_digits: int = 15
    # context windows (characters) the rules look at around a count
    left_window: int = 160
    right_window: int = 200
    # a sentence longer than this is cut into pieces for the grammar (linear time on huge lines)
    max_sentence_chars: int = 2000
    # attribution: how many sentences back a pronoun or "the ministry" may point
    lookback_sentences: int = 4


SETTINGS = Settings()
