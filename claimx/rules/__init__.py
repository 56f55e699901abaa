"""Rules as data: the TOML files beside this module, loaded and compiled once per process.

- `lexicon.toml`   word lists: number words, qualifiers, hedges, nouns that are (not) people;
- `casualty.toml`  the casualty rules: each an id, a pattern over named pieces of grammar, the
                   category it gives, and examples that must fire and counter-examples that must not;
- `attribution.toml` attribution cues and the words that end a source's name;
- `sources.toml`   the source registry (canonical names, aliases, kind, side).

Nothing is read at import time: the first call to each loader reads and caches its file.
"""
from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any, Iterable

import regex

DATA_FILES = ("lexicon.toml", "casualty.toml", "attribution.toml", "sources.toml")


def _read(name: str) -> bytes:
    return Path(__file__).with_name(name).read_bytes()


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed TOML data file `name` (cached)."""
    return tomllib.loads(_read(name).decode("utf-8"))


@functools.cache
def rules_hash() -> str:
    """A digest of every rule and registry file: batch runs redo their work when it changes."""
    import hashlib

    h = hashlib.sha256()
    for name in DATA_FILES:
        try:
            h.update(name.encode() + b"\0" + _read(name))
        except FileNotFoundError:
            continue
    return h.hexdigest()[:16]


def phrase(p: str) -> str:
    """A literal phrase as a pattern: words escaped, any run of spaces matches any white space."""
    return r"\s+".join(regex.escape(w) for w in p.split())


def alternation(phrases: Iterable[str]) -> str:
    """A non-capturing alternation of literal phrases, longest first (so the longest wins)."""
    uniq = sorted(set(phrases), key=lambda s: (-len(s), s))
    return "(?:" + "|".join(phrase(p) for p in uniq) + ")"


def _prefix_tree(words: Iterable[str]) -> dict:
    """The words as nested dicts, one level per character; "" marks where a word ends."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def automaton(words: Iterable[str]):
    """One Aho-Corasick automaton (ahocorasick-rs, compiled) over literal words, to find them in
    lower-cased text at a few hundred MB/s: an order of magnitude faster than an alternation of
    the same words, and nothing to compile. Its matches are (word index, start, end), in characters."""
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(list(words), matchkind=ahocorasick_rs.MatchKind.Standard)


def word_trie(words: Iterable[str]) -> str:
    """An alternation of whole words as a prefix tree that keeps every word ("say" and "says"):
    a word that continues into a longer one makes the continuation optional."""
    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(_prefix_tree(words))


def lexicon() -> dict[str, Any]:
    return load("lexicon.toml")


@functools.cache
def person_nouns() -> dict[str, str]:
    """noun (lower case) -> victim type, from the lexicon."""
    out: dict[str, str] = {}
    for kind, words in lexicon()["nouns"]["person"].items():
        for w in words:
            out.setdefault(w.lower(), kind)
    return out


@functools.cache
def nonperson_nouns() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon()["nouns"]["nonperson"])
