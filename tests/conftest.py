"""Shared test helpers: where the shared corpora are, and a check that every record a test sees is
valid against the claim@1 JSON Schema and against the text it came from (each mention's
`start:end` slices the text to its `text`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXAMPLE = FIXTURES / "example-article.txt"
SHARED = ROOT.parent / "shared"
SHARED_CORPUS = CORPUS = SHARED / "corpus"

needs_shared = pytest.mark.skipif(not CORPUS.is_dir(),
                                  reason="../shared/corpus is not beside this checkout (CI and developers have it)")


def _validator():
    from jsonschema import Draft202012Validator

    from claimx.schema import claim_schema

    schema = claim_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


_VALIDATOR = None


def check_records(records: list[dict], text: str | None = None, doc: str | None = None) -> list[dict]:
    """Assert that `records` are valid claim@1 records; with `text`, that their offsets slice it;
    with `doc`, that they name it and are numbered doc#1, doc#2, ... in order."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = _validator()
    for r in records:
        errors = sorted(_VALIDATOR.iter_errors(r), key=lambda e: list(e.path))
        assert not errors, f"{r.get('id')}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
        assert r["id"].startswith(r["doc"] + "#")
        if text is not None:
            for m in r["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"], (r["id"], m)
                assert m["line"] == text.count("\n", 0, m["start"]) + 1, (r["id"], m)
    if doc is not None:
        assert [r["doc"] for r in records] == [doc] * len(records)
        assert [r["id"] for r in records] == [f"{doc}#{i}" for i in range(1, len(records) + 1)]
    return records


def parse_jsonl(out: str) -> list[dict]:
    assert out == "" or out.endswith("\n"), "JSONL must end with a newline"
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
