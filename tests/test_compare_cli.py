"""`claimx compare` on the command line: typer's runner and real processes; inputs told apart by
content, stdout data only, exit codes like `extract`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimx.cli import app

from conftest import FIXTURES, ROOT

BARRACKS = FIXTURES / "compare" / "barracks-strike.txt"
ARTICLES = FIXTURES / "compare" / "articles"
P1 = ARTICLES / "p1-pokrovets-wire.txt"
DUMP = ARTICLES / "dump.jsonl"
HTML = ARTICLES / "p3-pokrovets-monitors.html"


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def run(*args, input=None):
    result = _runner().invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result


def events(result) -> list[dict]:
    return json.loads(result.stdout)["events"]


def test_default_is_json_when_not_a_terminal():
    r = run("compare", BARRACKS)
    assert r.exit_code == 0 and r.stderr == ""
    evs = events(r)
    assert [e["label"] for e in evs] == ["Horlivka strike", "strike"]
    assert evs[0]["spread"]["killed"]["disagreement"] is True


def test_claims_on_stdin_equal_articles():
    extracted = run("extract", "-f", "jsonl", BARRACKS)
    assert run("compare", "-", input=extracted.stdout).stdout == run("compare", BARRACKS).stdout
    as_array = run("extract", "-f", "json", BARRACKS)
    assert run("compare", "-", input=as_array.stdout).stdout == run("compare", BARRACKS).stdout


def test_article_text_and_html_and_dump_on_stdin():
    r = run("compare", "-", input=BARRACKS.read_text(encoding="utf-8"))
    assert events(r)[0]["docs"] == ["-"]
    r = run("compare", "-", input=HTML.read_bytes())
    (ev,) = events(r)
    assert ev["rows"][0]["source"].startswith("UN Human Rights")
    docs = json.loads(r.stdout)["documents"]
    assert docs[0]["date"] == "2025-10-05" and docs[0]["url"].startswith("https://")
    r = run("compare", "-", input=DUMP.read_text(encoding="utf-8"))
    assert {d for e in events(r) for d in e["docs"]} == {"-#p2", "-#l2"}


def test_articles_across_files_group_and_per_document_keeps_them_apart():
    grouped = events(run("compare", P1, DUMP, HTML))
    assert [e["docs"] for e in grouped][0] == [str(P1), f"{DUMP}#p2", str(HTML)]
    apart = events(run("compare", "--per-document", P1, DUMP, HTML))
    assert all(len(e["docs"]) == 1 for e in apart) and len(apart) > len(grouped)


def test_a_bad_input_is_reported_and_the_others_compared(tmp_path):
    bad = tmp_path / "bad.jsonl"
    good_claim = run("extract", "-f", "jsonl", BARRACKS).stdout.splitlines()[0]
    bad.write_text(good_claim + "\n{\"neither\": 1}\nnot json\n", encoding="utf-8")
    r = run("compare", bad, tmp_path / "missing.txt", BARRACKS)
    assert r.exit_code == 1
    assert "missing.txt: no such file" in r.stderr
    assert f"{bad}:2: neither a claim record" in r.stderr
    assert f"{bad}:3: not JSON" in r.stderr
    evs = events(r)
    assert evs and all(line.startswith("claimx: error: ") for line in r.stderr.splitlines())


@pytest.mark.parametrize("field,value,message", [
    (("count", "value"), {"n": 9}, "count.value: expected an integer or null, got an object"),
    (("count", "low"), "  ", "count.low: expected an integer or null, got a string"),
    (("count", "high"), -4, "count.high: expected a count (0 or more), got -4"),
    (("category",), ["killed"], "category: expected one of killed, wounded"),
    (("mentions",), [], "mentions: expected at least one mention"),
    (("source",), "police", "source: expected an object or null, got a string"),
    (("doc_meta",), {"date": {"y": 2024}}, "doc_meta.date: expected a string or null, got an object"),
])
def test_a_claim_record_with_a_value_of_the_wrong_type_is_reported_not_a_crash(tmp_path, field, value, message):
    """A record edited by hand or written by another tool: its line is an error naming the field,
    the records around it are still compared."""
    claims = run("extract", "-f", "jsonl", BARRACKS).stdout.splitlines()
    bad = json.loads(claims[0])
    target = bad
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join([json.dumps(bad), *claims[1:]]) + "\n", encoding="utf-8")
    r = run("compare", path)
    assert r.exit_code == 1
    assert f"{path}:1: not a usable claim record" in r.stderr and message in r.stderr, r.stderr
    assert events(r), "the other records are compared"


def test_usage_errors_exit_2(tmp_path):
    assert run("compare", "-f", "pdf", BARRACKS).exit_code == 2
    assert run("compare").exit_code == 2
    bad_sources = tmp_path / "s.toml"
    bad_sources.write_text("this is not toml = = =", encoding="utf-8")
    r = run("compare", "--sources", bad_sources, BARRACKS)
    assert r.exit_code == 2 and "claimx: error:" in r.stderr


@pytest.mark.parametrize("fmt,start", [("markdown", "### I1: Horlivka strike"), ("csv", "event,source,category"),
                                       ("html", "<!DOCTYPE html>"), ("table", "I1  Horlivka strike"),
                                       ("jsonl", '{"id": "I1"')])
def test_formats(fmt, start):
    r = run("compare", "-f", fmt, BARRACKS)
    assert r.exit_code == 0 and r.stdout.lstrip().startswith(start), r.stdout[:200]


def test_out_file_takes_its_format_from_the_suffix(tmp_path):
    out = tmp_path / "report.html"
    r = run("compare", "--out", out, BARRACKS)
    assert r.exit_code == 0 and r.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = run("compare", "-o", tmp_path / "no-such-dir" / "x.json", BARRACKS)
    assert r.exit_code == 1 and "cannot write" in r.stderr


def test_no_claims():
    r = run("compare", "-", input="The council approved the budget on Tuesday.\n")
    assert r.exit_code == 0 and json.loads(r.stdout) == {"events": [], "documents": []}
    r = run("compare", "-f", "table", "-", input="The council approved the budget on Tuesday.\n")
    assert r.stdout == "" and "no claims found" in r.stderr


def _proc(args, input=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "claimx", *map(str, args)], input=input, capture_output=True,
                          cwd=ROOT, env=env, timeout=120)


def test_real_pipe_extract_into_compare_equals_compare():
    """`claimx extract a.txt | claimx compare -` equals `claimx compare a.txt` (real processes)."""
    rel = BARRACKS.relative_to(ROOT)
    ex = _proc(["extract", rel])
    assert ex.returncode == 0
    piped = _proc(["compare", "-"], input=ex.stdout)
    direct = _proc(["compare", rel])
    assert piped.returncode == direct.returncode == 0
    assert piped.stderr == direct.stderr == b""
    assert piped.stdout == direct.stdout
    assert json.loads(direct.stdout)["events"][0]["docs"] == [str(rel)]


def test_help_states_the_default_and_docs_link_the_format():
    r = run("compare", "--help")
    assert r.exit_code == 0 and "table on a terminal" in r.stdout and "json" in r.stdout
    for doc in ("README.md", "docs/schema.md"):
        assert "compare.md" in (ROOT / doc).read_text(encoding="utf-8"), doc
