"""The JSON Schema of claim@1 (claimx/schema/claim.schema.json): it is a valid draft 2020-12
schema, it agrees with the code and the docs, it rejects what the contract forbids, and every
record claimx emits on the fixtures and the shared corpora validates against it."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import claimx
from claimx import models, registry
from claimx.schema import claim_schema, claim_schema_text

from conftest import EXAMPLE, FIXTURES, ROOT, SHARED_CORPUS, check_records

SCHEMA = claim_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def test_schema_is_valid_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["additionalProperties"] is True


def test_schema_file_is_what_the_package_ships():
    path = ROOT / "claimx" / "schema" / "claim.schema.json"
    assert claim_schema_text() == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("pointer,values", [
    (("properties", "category", "enum"), models.CATEGORIES),
    (("$defs", "count", "properties", "qualifier", "enum"), models.QUALIFIERS),
    (("properties", "victims", "properties", "type", "enum"), models.VICTIM_TYPES),
    (("$defs", "source", "properties", "kind", "enum"), registry.KINDS),
    (("properties", "schema", "const"), models.SCHEMA_ID),
], ids=["categories", "qualifiers", "victim-types", "source-kinds", "schema-id"])
def test_schema_agrees_with_the_code(pointer, values):
    node = SCHEMA
    for key in pointer:
        node = node[key]
    assert (tuple(node) if isinstance(node, list) else node) == values


def test_fields_are_the_documented_ones():
    """docs/schema.md's field table names the schema's properties; those not marked optional
    (and not `rule`, which every record has but the contract does not require) are required."""
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    table = doc[doc.index("## Fields"):doc.index("## Categories")]
    documented = set(re.findall(r"^\| `([a-z_]+)[.`]", table, re.M))
    optional = set(re.findall(r"^\| `([a-z_]+)` \| [^|]*\*optional\*", table, re.M))
    assert documented == set(SCHEMA["properties"])
    assert set(SCHEMA["required"]) == documented - optional - {"rule"}


def test_documented_example_is_valid_and_true():
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"<!-- example -->\s*```json\n(.*?)```", doc, re.S).group(1))
    text = EXAMPLE.read_text(encoding="utf-8")
    check_records([example], text)
    # claimx still finds this claim in the fixture (its ordinal and rule may move with the rules)
    emitted = [c.to_dict() for c in claimx.extract(text, example["doc"])]
    assert any((r["category"], r["count"], r["source"], r["mentions"]) ==
               (example["category"], example["count"], example["source"], example["mentions"]) for r in emitted)


# ------------------------------------------------------------------------------------------------
# what the schema rejects: (id, change to a valid record, should it still be valid)

def _valid() -> dict:
    return {
        "schema": "claimx/claim@1", "doc": "a.txt", "id": "a.txt#1", "category": "killed",
        "count": {"text": "at least 4", "value": 4, "low": 4, "high": None, "qualifier": "at_least"},
        "victims": {"text": "people", "type": "civilian"},
        "source": {"text": "the police", "name": "police", "cue": "said"},
        "hedged": False, "event": "E1",
        "mentions": [{"start": 0, "end": 10, "text": "at least 4", "line": 1, "sentence": "at least 4 died"}],
        "rule": ["np.verb"],
    }


def _set(path, value):
    def change(r):
        node = r
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return change


_DELETE = object()
MUTATIONS = [
    ("valid", lambda r: None, True),
    ("extra-top-level-field", _set(("confidence",), 0.9), True),
    ("no-source", _set(("source",), None), True),
    ("no-event", _set(("event",), None), True),
    ("no-victims-text", _set(("victims", "text"), None), True),
    ("no-rule", _set(("rule",), _DELETE), True),
    ("source-kind-and-side", _set(("source", "kind"), "police"), True),
    ("part-of", _set(("part_of",), "a.txt#2"), True),
    ("missing-category", _set(("category",), _DELETE), False),
    ("missing-mentions", _set(("mentions",), _DELETE), False),
    ("missing-source-key", _set(("source",), _DELETE), False),
    ("empty-mentions", _set(("mentions",), []), False),
    ("unknown-category", _set(("category",), "arrested"), False),
    ("unknown-qualifier", _set(("count", "qualifier"), "roughly"), False),
    ("unknown-victim-type", _set(("victims", "type"), "soldiers"), False),
    ("unknown-source-kind", _set(("source", "kind"), "blogger"), False),
    ("other-schema", _set(("schema",), "claimx/claim@2"), False),
    ("id-without-ordinal", _set(("id",), "a.txt"), False),
    ("negative-value", _set(("count", "value"), -4), False),
    ("string-value", _set(("count", "value"), "4"), False),
    ("float-value", _set(("count", "value"), 4.5), False),
    ("at-least-with-high", _set(("count", "high"), 9), False),
    ("at-least-without-value", _set(("count", "value"), None), False),
    ("hedged-string", _set(("hedged",), "no"), False),
    ("event-free-text", _set(("event",), "the strike"), False),
    ("line-zero", lambda r: r["mentions"][0].update(line=0), False),
    ("source-without-name", lambda r: r["source"].pop("name"), False),
    ("rule-not-list", _set(("rule",), "np.verb"), False),
]


@pytest.mark.parametrize("change,valid", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_schema_accepts_and_rejects(change, valid):
    r = _valid()
    change(r)
    assert VALIDATOR.is_valid(r) is valid


BOUNDS = [  # (qualifier, value, low, high, valid)
    ("exact", 5, 5, 5, True), ("exact", None, 5, 5, False),
    ("approx", 400, 400, 400, True), ("approx", 400, None, None, False),
    ("at_most", 300, None, 300, True), ("at_most", 300, 0, 300, False),
    ("range", None, 20, 30, True), ("range", 25, 20, 30, False),
    ("vague", None, 300, 999, True), ("vague", None, None, None, False),
    ("unquantified", None, None, None, True), ("unquantified", None, 2, None, False),
]


@pytest.mark.parametrize("qualifier,value,low,high,valid", BOUNDS,
                         ids=[f"{b[0]}-{'ok' if b[4] else 'bad'}-{i}" for i, b in enumerate(BOUNDS)])
def test_bounds_follow_the_qualifier(qualifier, value, low, high, valid):
    r = _valid()
    r["count"].update(qualifier=qualifier, value=value, low=low, high=high)
    assert VALIDATOR.is_valid(r) is valid


# ------------------------------------------------------------------------------------------------
# every record claimx emits

def _corpus_texts() -> list[Path]:
    return sorted(p for p in SHARED_CORPUS.rglob("*.txt"))


def test_fixture_records_validate():
    for path in sorted(FIXTURES.glob("*.txt")):
        doc = claimx.read(str(path))
        records = [c.to_dict() for c in claimx.extract(doc.text, doc.doc)]
        check_records(records, doc.text, doc=str(path))


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"shared corpora not found at {SHARED_CORPUS}")
def test_shared_corpus_records_validate_and_slice_their_text():
    paths = _corpus_texts()
    assert len(paths) > 100
    total = 0
    for path in paths:
        doc = claimx.read(str(path))
        records = [c.to_dict() for c in claimx.extract(doc.text, doc.doc)]
        check_records(records, doc.text, doc=str(path))
        for r in records:  # breakdowns and revisions point at claims of the same document
            for key in ("part_of", "revises"):
                if key in r:
                    assert r[key].startswith(r["doc"] + "#") and r[key] != r["id"]
        total += len(records)
    assert total > 500


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"shared corpora not found at {SHARED_CORPUS}")
def test_copy_of_records_round_trips_through_models():
    path = SHARED_CORPUS / "dev"
    for p in sorted(path.glob("*.txt")):
        records = [c.to_dict() for c in claimx.extract_file(str(p))]
        again = [models.Claim.from_dict(copy.deepcopy(r)).to_dict() for r in records]
        assert again == records
