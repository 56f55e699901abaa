"""Batch inputs read by every command: HTML pages and JSONL article dumps through `claimx extract`."""
from __future__ import annotations

from typer.testing import CliRunner

from claimx.cli import app

from conftest import FIXTURES, check_records, parse_jsonl

BATCH_FIXTURES = FIXTURES / "batch"
DUMP_BAD_LINE = b'this line is not JSON\n'


def _runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


# ------------------------------------------------------------------------------------------------
# `claimx extract` reads the same inputs (one reader for every command)

def test_extract_reads_html_and_dumps_with_doc_meta():
    page, dump = BATCH_FIXTURES / "page.html", BATCH_FIXTURES / "dump.jsonl"
    result = _runner().invoke(app, ["extract", "-f", "jsonl", str(page), str(dump)], catch_exceptions=False)
    assert result.exit_code == 0 and result.stderr == ""
    records = check_records(parse_jsonl(result.stdout))
    assert {r["doc"] for r in records} == {str(page), f"{dump}#a1", f"{dump}#a3"}
    assert {r["doc_meta"]["url"] for r in records if "doc_meta" in r} == {
        "https://news.example.org/2024/03/02/vell-strike", "https://news.example.org/a1"}


def test_extract_reports_a_bad_dump_line_and_keeps_the_others(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_bytes((BATCH_FIXTURES / "dump.jsonl").read_bytes() + DUMP_BAD_LINE)
    result = _runner().invoke(app, ["extract", "-f", "jsonl", str(dump)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == f"claimx: error: {dump}:4: not JSON (Expecting value)\n"
    assert {r["doc"] for r in parse_jsonl(result.stdout)} == {f"{dump}#a1", f"{dump}#a3"}
