"""`claimx eval` and the matching it implements (docs/schema.md, "How predictions are matched")."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from claimx.cli import app
from claimx.evaluate import name_key, score, source_fits


def pred(doc, category, value, low=None, high=None, qualifier="exact", source=None, event="E1"):
    low = value if low is None and qualifier not in ("at_most", "range", "vague", "unquantified") else low
    high = value if high is None and qualifier not in ("at_least", "range", "vague", "unquantified") else high
    return {"doc": doc, "category": category, "count": {"text": str(value), "value": value, "low": low, "high": high,
                                                        "qualifier": qualifier},
            "source": {"text": source, "name": source, "cue": "said"} if source else None, "event": event,
            "hedged": False, "mentions": [{"sentence": "s"}]}


def gold(doc, category, value, source=None, **kw):
    return {"doc": doc, "category": category, "value": value, "low": value, "high": value, "qualifier": "exact",
            "source": source, "event": "E1", **kw}


@pytest.mark.parametrize("pred_name,aliases,ok", [
    ("Russian Defence Ministry", ["Russian Defence Ministry"], True),
    ("the Russian Defence Ministry", ["Russian Defence Ministry"], True),       # a leading article does not count
    ("Russia's Defence Ministry", ["Russia Defence Ministry"], True),           # nor a possessive
    ("Russian Defence Ministry", ["Defence Ministry"], True),                   # the alias inside a longer name
    ("Defence Ministry", ["Russian Defence Ministry"], True),                   # a 2+ word name inside the alias
    ("ministry", ["Russian Defence Ministry"], False),                          # one word is not enough
    ("officials at the regional health department in the capital", ["officials"], False),  # a clause, not a name
    ("police", None, False),                                                    # a source where gold has none
])
def test_source_matching(pred_name, aliases, ok) -> None:
    assert source_fits({"name": pred_name, "text": pred_name}, aliases) is ok


def test_no_source_matches_only_no_source() -> None:
    assert source_fits(None, None)
    assert not source_fits(None, ["police"])


def test_name_key_normalises() -> None:
    assert name_key("The Ministry’s Office") == ("ministry", "office")
    assert name_key("al-Shabaab") == ("al", "shabaab")


def test_counts_sources_optional_lines_and_dedupe() -> None:
    g = [gold("a.txt", "killed", 63, ["Defence Ministry"]), gold("a.txt", "wounded", 5, optional=True),
         gold("a.txt", "killed", 400, ["Armed Forces"]), {"doc": "b.txt", "none": True}]
    p = [pred("news/a.txt", "killed", 63, source="Russian Defence Ministry"),
         pred("news/a.txt", "killed", 63, source="the Russian Defence Ministry"),  # a repeat counts once
         pred("news/a.txt", "wounded", 5),                                          # optional: neither tp nor fp
         pred("news/a.txt", "killed", 400, source="Girkin"),                        # right count, wrong source
         pred("b.txt", "killed", 1)]                                                 # a no-claim document
    r = score(g, p).to_dict()
    assert r["count"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "tp": 2, "fp": 1, "fn": 0}
    assert r["full"]["tp"] == 1 and r["full"]["fn"] == 1
    assert r["attribution_accuracy"] == 0.5
    assert r["by_category"]["killed"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "tp": 2, "fp": 1, "fn": 0}


def test_vague_gold_needs_equal_bounds() -> None:
    g = [{"doc": "a.txt", "category": "killed", "value": None, "low": 300, "high": 999, "qualifier": "vague",
          "source": None}]
    assert score(g, [pred("a.txt", "killed", None, 300, 999, "vague")]).count.tp == 1
    assert score(g, [pred("a.txt", "killed", None, 200, 999, "vague")]).count.tp == 0


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_cli_scores_articles_and_lists_errors(tmp_path) -> None:
    art = tmp_path / "blast.txt"
    art.write_text("Seventeen people were killed, police said. Another 4 were wounded.\n", encoding="utf-8")
    g = write(tmp_path / "gold.jsonl", [gold("blast.txt", "killed", 17, ["police"]),
                                        gold("blast.txt", "missing", 9, None)])
    result = CliRunner().invoke(app, ["eval", "--gold", g, str(art), "-f", "json", "--errors"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["count"]["tp"] == 1 and report["count"]["fn"] == 1 and report["count"]["fp"] == 1
    kinds = sorted(e["kind"] for e in report["errors"])
    assert kinds == ["false", "miss"]


def test_cli_scores_a_prediction_file(tmp_path) -> None:
    g = write(tmp_path / "gold.jsonl", [gold("a.txt", "killed", 3)])
    p = write(tmp_path / "pred.jsonl", [pred("a.txt", "killed", 3)])
    result = CliRunner().invoke(app, ["eval", "--gold", g, "--pred", p, "-f", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "scope,name,precision,recall,f1,tp,fp,fn"
    assert lines[1] == "all,count,1.0,1.0,1.0,1,0,0"


@pytest.mark.parametrize("args,message", [
    (["--gold", "GOLD"], "either articles"),
    (["--gold", "GOLD", "--pred", "PRED", "x.txt"], "either articles"),
    (["--gold", "missing.jsonl", "--pred", "PRED"], "no such file"),
])
def test_cli_usage_errors(tmp_path, args, message) -> None:
    g = write(tmp_path / "gold.jsonl", [gold("a.txt", "killed", 3)])
    p = write(tmp_path / "pred.jsonl", [])
    args = [g if a == "GOLD" else p if a == "PRED" else a for a in args]
    result = CliRunner().invoke(app, ["eval", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_bad_gold_line_is_a_usage_error(tmp_path) -> None:
    g = tmp_path / "gold.jsonl"
    g.write_text('{"doc": "a.txt", "category": "exploded", "value": 3}\n', encoding="utf-8")
    p = write(tmp_path / "pred.jsonl", [])
    result = CliRunner().invoke(app, ["eval", "--gold", str(g), "--pred", p])
    assert result.exit_code == 2
    assert "unknown category" in result.stderr


@pytest.mark.parametrize("line,message", [
    ({"doc": "a.txt", "category": "killed", "value": "3"}, "line 1: value: expected an integer or null, got a string"),
    ({"doc": "a.txt", "category": "killed", "value": 3, "source": "police"},
     "line 1: source (a list of names): expected an array or null, got a string"),
    ({"doc": "a.txt", "category": "killed", "value": 3, "optional": "yes"},
     "line 1: optional: expected true or false or null, got a string"),
    (["a.txt", "killed", 3], "line 1: a gold line is a JSON object, not an array"),
])
def test_cli_gold_line_of_the_wrong_shape_is_a_usage_error_not_a_crash(tmp_path, line, message) -> None:
    g = tmp_path / "gold.jsonl"
    g.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--gold", str(g), "--pred", write(tmp_path / "pred.jsonl", [])])
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_cli_prediction_of_the_wrong_shape_is_a_usage_error_not_a_crash(tmp_path) -> None:
    bad = pred("a.txt", "killed", 3)
    bad["count"]["value"] = {"n": 3}
    result = CliRunner().invoke(app, ["eval", "--gold", write(tmp_path / "gold.jsonl", [gold("a.txt", "killed", 3)]),
                                      "--pred", write(tmp_path / "pred.jsonl", [bad])])
    assert result.exit_code == 2
    assert "prediction 1: not a claimx/claim@1 record (count.value: expected an integer or null" in result.stderr


def test_a_missed_gold_line_with_null_evidence_is_listed(tmp_path) -> None:
    g = write(tmp_path / "gold.jsonl", [gold("a.txt", "killed", 3, evidence=None)])
    result = CliRunner().invoke(app, ["eval", "--gold", g, "--pred", write(tmp_path / "pred.jsonl", []), "--errors",
                                      "-f", "table"])
    assert result.exit_code == 0 and "MISSED killed 3" in result.stdout
