"""Hardening: whatever lands in a folder, claimx must not crash, hang or corrupt its output.

- property tests (hypothesis) over `claimx.extract` and the CLI: random text built to reach the
  extractor (casualty words, numbers, qualifiers and quotes mixed with arbitrary unicode, control
  characters, very long lines, no punctuation) and random bytes; no exception escapes and every
  mention's offsets slice the original text to that mention's `text`;
- adversarial inputs (a megabyte of digits, "at least at least ...", 100,000 commas, a line of
  megabytes without a full stop, deeply nested quotes and brackets) each finish, run in a
  subprocess under a generous hang guard: tests assert behaviour, never a wall-clock figure
  (`make bench` reports the times).
"""
from __future__ import annotations

import copy
import functools
import io
import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimx
from claimx.cli import app

from conftest import FIXTURES, check_records

HANG_GUARD = 120  # seconds: a pattern that backtracks catastrophically would take far longer

VOCAB = ["killed", "were killed", "wounded", "injured", "dead", "died", "missing", "captured", "hostage",
         "shot", "death toll", "rose to", "at least", "about", "up to", "between", "and", "or", "more than",
         "dozens", "several hundred", "a dozen", "one", "two", "seventeen", "twenty-three", "a hundred and",
         "12", "4,031", "1.2 million", "20-30", "150+", "people", "soldiers", "civilians", "including",
         "children", "of them", "police said", "said", "according to", "the ministry", "he said", '"', "“",
         "”", "(", ")", ",", ".", ";", ":", "—", "-", "\n", "\n\n", " ", "a man was shot and killed",
         "Read more:", "KYIV, Oct. 7 (Wire) -", "'s", "the", "of the dead", "up from", "from"]

text_pieces = st.one_of(
    st.sampled_from(VOCAB),
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=4),
    st.integers(min_value=0, max_value=10 ** 25).map(str),
)
texts = st.lists(text_pieces, max_size=80).map(" ".join)


def assert_sound(text: str, claims) -> None:
    records = [c.to_dict() for c in claims]
    check_records(records, text)
    for r in records:
        c = r["count"]
        assert r["category"] in ("killed", "wounded", "casualties", "missing", "captured")
        if c["low"] is not None and c["high"] is not None:
            assert c["low"] <= c["high"]
        json.dumps(r, ensure_ascii=False).encode("utf-8")   # always valid UTF-8


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_extract_never_crashes_and_offsets_hold(text: str) -> None:
    assert_sound(text, claimx.extract(text, "fuzz.txt"))


@pytest.mark.parametrize("text", [
    "The ministry,, said 12 people were killed.",
    "Officials , , said 12 people were killed.",
    "The ministry, ,said 12 people were killed.",
])
def test_a_doubled_comma_before_a_cue_is_read_past(text: str) -> None:
    """A typo in one sentence must not cost the document its claims (it crashed the attribution
    of the whole document once: an empty aside between two commas)."""
    claims = claimx.extract(text, "typo.txt")
    assert_sound(text, claims)
    assert [c.count.value for c in claims] == [12]


# sentences of the fixtures, without their markup: real claim forms to damage
_MARKUP = re.compile(r"\[([^\[\]|]+)\|\w+(?:\|[^\[\]]+)?\]|\{([^{}]+)\}")
FIXTURE_SENTENCES = [
    _MARKUP.sub(lambda m: m.group(1) or m.group(2), line.partition(": ")[2]).replace("\\n", "\n")
    for name in ("extraction.txt", "attribution.txt")
    for line in (FIXTURES / "cases" / name).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")]
PUNCT = list(",,;:.\"“”'’()-–— \n")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIXTURE_SENTENCES), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(PUNCT + [""])),
                                                   max_size=8))
def test_claim_sentences_with_punctuation_typos(sentence: str, edits) -> None:
    """Claim sentences with punctuation doubled, dropped or moved (the typos of hurried news copy)."""
    text = sentence
    for where, ch in edits:
        i = int(where * len(text))
        text = text[:i] + ch + text[i + (ch == ""):]   # "" deletes the character there
    assert_sound(text, claimx.extract(text, "typo.txt"))


ODD_VALUES = [None, 0, -1, 10 ** 30, 1.5, "", "  ", "2024-02-30", [], {}, {"a": 1}, True, "İED MİNE ſtrike"]


@functools.cache
def _fixture_claims() -> list[dict]:
    text = (FIXTURES / "compare" / "barracks-strike.txt").read_text(encoding="utf-8")
    return [c.to_dict() for c in claimx.extract(text, "barracks.txt")]


def _paths(node, path=()):
    """Every place in a record where a value sits (key paths into dicts and lists)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        yield path + (k,)
        yield from _paths(v, path + (k,))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_compare_never_crashes_on_damaged_claim_records(data) -> None:
    """`claimx compare` reads claim records other tools (or people) wrote: any value of a record
    may be of the wrong type; such a line is an error, the rest is compared and rendered."""
    from claimx import compare, compare_inputs, render_compare

    records = copy.deepcopy(_fixture_claims())
    for _ in range(data.draw(st.integers(1, 6))):
        rec = data.draw(st.sampled_from(records))
        path = data.draw(st.sampled_from(list(_paths(rec))))
        target = rec
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES)))
    got = compare_inputs.load_bytes("\n".join(map(json.dumps, records)).encode(), "claims.jsonl")
    result = compare.comparison(got.claims)
    for fmt in render_compare.CompareFormat:
        if fmt is not render_compare.CompareFormat.table:
            render_compare.render(result, fmt)
    render_compare.print_tables(result, io.StringIO(), terminal=False)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_eval_never_crashes_on_damaged_gold_or_predictions(data) -> None:
    """`claimx eval` reads gold lines people write and predictions other tools write: a value of
    the wrong type is an InputError naming the line (a usage error on the command line), never a
    traceback; whatever is accepted is scored and rendered in every format."""
    from claimx import evaluate, render_eval
    from claimx.errors import InputError
    from claimx.render import Format

    preds = copy.deepcopy(_fixture_claims())
    golds = [{"doc": "barracks.txt", "category": p["category"], "value": p["count"]["value"],
              "low": p["count"]["low"], "high": p["count"]["high"], "qualifier": p["count"]["qualifier"],
              "source": [p["source"]["name"]] if p["source"] else None, "event": p["event"],
              "evidence": p["mentions"][0]["sentence"]} for p in preds]
    for _ in range(data.draw(st.integers(1, 5))):
        rec = data.draw(st.sampled_from(golds + preds))
        path = data.draw(st.sampled_from(list(_paths(rec))))
        target = rec
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES)))
    try:
        report = evaluate.score(golds, preds, origin="gold.jsonl")
    except InputError as exc:
        assert exc.reason
        return
    for fmt in Format:
        render_eval.render(report, fmt, errors=True)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_unicode(text: str) -> None:
    assert_sound(text, claimx.extract(text, "fuzz.txt"))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=200, max_size=600).map(" ".join))
def test_long_lines_without_full_stops(text: str) -> None:
    text = text.replace(".", " ").replace("\n", " ")
    assert_sound(text, claimx.extract(text, "fuzz.txt"))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_cli_on_random_bytes(data: bytes) -> None:
    """Any bytes on standard input: exit 0 (read) or 1 (refused), a message naming the input when
    refused, never a traceback, and stdout is always valid JSON lines."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["extract", "-", "-f", "jsonl"], input=data)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith("claimx: error: -: ")
    for line in result.stdout.splitlines():
        json.loads(line)


# ------------------------------------------------------------------------------------------------
# adversarial inputs, each in a subprocess under the hang guard

def _run_extract(tmp_path, name: str, text: str) -> list[dict]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "claimx", "extract", str(path), "-f", "jsonl", "--max-bytes", "0"],
                          capture_output=True, text=True, timeout=HANG_GUARD,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


ADVERSARIAL = {
    "a-megabyte-of-digits": "Police said " + "7" * 1_000_000 + " people were killed.",
    "at-least-repeated": "The attack killed " + "at least " * 120_000 + "5 people.",
    "100k-commas": "The blast killed" + "," * 100_000 + " 5 people.",
    "megabytes-without-a-full-stop": ("the council met on tuesday to discuss the budget and the mayor said that "
                                      "3 people were killed in the attack and " * 14_000),
    "nested-quotes-and-brackets": "The strike killed " + "\"(“[" * 40_000 + "5 people" + "]”)\"" * 40_000 + ".",
    "digits-and-spaces": "were killed " + "1 " * 300_000,
    "qualifier-soup": "at least about up to more than nearly between " * 25_000 + "12 killed.",
    "hyphens": "killed " + "1-" * 300_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_finishes(tmp_path, name: str) -> None:
    records = _run_extract(tmp_path, name + ".txt", ADVERSARIAL[name])
    check_records(records)


def test_a_megabyte_of_digits_is_not_a_count(tmp_path) -> None:
    # a run of digits longer than any count is an identifier or garbage, never read as a number
    assert _run_extract(tmp_path, "digits.txt", "Police said " + "9" * 1_000_000 + " people were killed.") == []
