"""`claimx batch`: folders in, OUTDIR/claims.jsonl out; incremental, deterministic, one bad file
an error record. Faults (kills, disk full, dead workers, concurrent runs) are in
test_batch_faults.py. Every claim record read back is validated against claim@1."""
from __future__ import annotations

import codecs
import fcntl
import hashlib
import json
import os
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import claimx
from claimx.batch import BatchOptions, LockedError, run_batch
from claimx.cli import app

from conftest import EXAMPLE, FIXTURES, check_records, parse_jsonl

BATCH_FIXTURES = FIXTURES / "batch"
SHORT = "Seventeen people were killed and 40 were injured in the attack, police said.\n"
LATIN = "José Muñoz said 12 people were killed at the café on Tuesday, police said.\n"
DUMP_BAD_LINE = b'this line is not JSON\n'


def make_tree(root: Path) -> Path:
    """A folder as a newsroom drops it: good text, markdown, a latin-1 file, a binary file, bytes
    that cannot be decoded, an empty file, an HTML page, a JSONL dump with a bad line, a file in a
    sub-folder, and files claimx does not read."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.txt").write_bytes(EXAMPLE.read_bytes())
    (root / "notes.md").write_text("# Notes\n\n" + SHORT, encoding="utf-8")
    (root / "latin.txt").write_bytes(LATIN.encode("latin-1"))
    (root / "binary.txt").write_bytes(b"Two people were killed.\x00\x01\x02\x03 binary")
    (root / "undecodable.txt").write_bytes(codecs.BOM_UTF8 + b"Two people were killed \xff\xfe\xfd.\n")
    (root / "empty.txt").write_bytes(b"")
    (root / "page.html").write_bytes((BATCH_FIXTURES / "page.html").read_bytes())
    (root / "dump.jsonl").write_bytes((BATCH_FIXTURES / "dump.jsonl").read_bytes() + DUMP_BAD_LINE)
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "README").write_text("not an input: no suffix claimx reads\n")
    (root / ".hidden.txt").write_text(SHORT)
    sub = root / "sub"
    sub.mkdir(exist_ok=True)
    (sub / "deeper.txt").write_text("Three soldiers were wounded, the army said.\n", encoding="utf-8")
    return root


# the inputs of make_tree, by name, with a recursive walk
TREE_INPUTS = ["binary.txt", "dump.jsonl", "empty.txt", "good.txt", "latin.txt", "notes.md", "page.html",
               "sub/deeper.txt", "undecodable.txt"]


def _runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def cli(*args, env: dict | None = None):
    result = _runner().invoke(app, ["batch", *map(str, args)], env=env, catch_exceptions=False)
    assert "Traceback" not in result.stderr
    assert result.stdout == "", "batch writes its data to OUTDIR, never to stdout"
    return result


def claims_of(out: Path) -> list[dict]:
    records = check_records(parse_jsonl((out / "claims.jsonl").read_text(encoding="utf-8")))
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), "duplicate claims"
    return records


def errors_of(out: Path) -> list[dict]:
    return parse_jsonl((out / "errors.jsonl").read_text(encoding="utf-8"))


def runs_of(out: Path) -> list[dict]:
    return parse_jsonl((out / "runs.jsonl").read_text(encoding="utf-8"))


def age(folder: Path, seconds: int = 60) -> None:
    """Make every file look modified a while ago, so a rerun may trust their signatures."""
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            os.utime(p, ns=(st.st_atime_ns - seconds * 10**9, st.st_mtime_ns - seconds * 10**9))


def lib(inputs, out, **options):
    return run_batch([str(i) for i in inputs], str(out), BatchOptions(**options))


def expected_claims(path: Path, rel: str) -> list[dict]:
    """What `claimx.extract` gives for a text file named `rel`, as batch writes it."""
    data = path.read_bytes()
    text = claimx.read(str(path)).text
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    return [dict(c.to_dict(), content_hash=digest) for c in claimx.extract(text, rel)]


# ------------------------------------------------------------------------------------------------
# a folder of mixed inputs

@pytest.fixture
def tree(tmp_path) -> Path:
    return make_tree(tmp_path / "in")


def test_mixed_folder(tree, tmp_path):
    out = tmp_path / "out"
    result = cli(tree, "--out", out, "--recursive", "-j", "1")
    assert result.exit_code == 1  # some inputs failed; the others' claims are kept
    records = claims_of(out)
    docs = sorted({r["doc"] for r in records})
    assert docs == ["dump.jsonl#a1", "dump.jsonl#a3", "good.txt", "latin.txt", "notes.md", "page.html",
                    "sub/deeper.txt"]
    assert [r["doc"] for r in records] == sorted(r["doc"] for r in records)  # sorted by name, then record order
    assert [r for r in records if r["doc"] == "good.txt"] == expected_claims(tree / "good.txt", "good.txt")
    assert [r for r in records if r["doc"] == "notes.md"] == expected_claims(tree / "notes.md", "notes.md")
    # HTML: article text, page metadata
    page = [r for r in records if r["doc"] == "page.html"]
    assert {r["count"]["value"] for r in page} >= {12, 30}
    assert page[0]["doc_meta"] == {"title": "Strike on Vell kills 12", "date": "2024-03-02",
                                   "url": "https://news.example.org/2024/03/02/vell-strike"}
    # JSONL dump: one document per article, named dump.jsonl#<id>, with its metadata
    a1 = [r for r in records if r["doc"] == "dump.jsonl#a1"]
    assert [(r["category"], r["count"]["value"]) for r in a1] == [("killed", 40), ("missing", 15)]
    assert a1[0]["doc_meta"] == {"title": "Ferry capsizes off Orra", "date": "2024-05-01",
                                 "url": "https://news.example.org/a1"}
    assert "doc_meta" not in [r for r in records if r["doc"] == "dump.jsonl#a3"][0]
    assert len({r["content_hash"] for r in records if r["doc"].startswith("dump.jsonl#")}) == 2
    # latin-1: decoded with a warning, still read
    assert [r["count"]["value"] for r in records if r["doc"] == "latin.txt"] == [12]
    assert "claimx: warning: latin.txt: not UTF-8; decoded as cp1252" in result.stderr
    # errors: one record per failed input (or dump line), sorted by name
    assert errors_of(out) == [
        {"path": "binary.txt", "kind": "binary", "message": "binary file (contains NUL bytes), not text"},
        {"path": "dump.jsonl:4", "kind": "format", "message": "not JSON (Expecting value)"},
        {"path": "undecodable.txt", "kind": "encoding",
         "message": "not valid utf-8-sig text after its byte-order mark (invalid start byte)"},
    ]
    lines = result.stderr.splitlines()
    assert "claimx: error: binary.txt: binary file (contains NUL bytes), not text" in lines
    assert lines[-1].startswith(f"claimx: batch: 9 inputs (9 new, 0 changed, 0 unchanged), 3 failed; "
                                f"{len(records)} claims in {out}/claims.jsonl; ")
    (run,) = runs_of(out)
    assert run["claimx"] == claimx.__version__ and run["status"] == "failed"
    assert {k: run[k] for k in ("seen", "new", "changed", "skipped", "failed", "deleted", "claims", "jobs")} == {
        "seen": 9, "new": 9, "changed": 0, "skipped": 0, "failed": 3, "deleted": 0, "claims": len(records), "jobs": 1}
    assert run["seconds"] >= 0 and run["rules"] == claimx.rules.rules_hash()


def test_not_recursive_reads_the_top_folder_only(tree, tmp_path):
    summary = lib([tree], tmp_path / "out")
    assert summary.seen == len(TREE_INPUTS) - 1
    assert "sub/deeper.txt" not in {r["doc"] for r in claims_of(tmp_path / "out")}


def test_empty_folder(tmp_path):
    (tmp_path / "in").mkdir()
    result = cli(tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert (tmp_path / "out" / "claims.jsonl").read_bytes() == b""
    assert (tmp_path / "out" / "errors.jsonl").read_bytes() == b""
    assert "0 inputs" in result.stderr


def test_quiet_prints_errors_only(tree, tmp_path):
    result = cli(tree, "-o", tmp_path / "out", "-r", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "claimx: error: binary.txt: binary file (contains NUL bytes), not text",
        "claimx: error: dump.jsonl:4: not JSON (Expecting value)",
        "claimx: error: undecodable.txt: not valid utf-8-sig text after its byte-order mark (invalid start byte)",
    ]


def test_all_good_exits_0(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SHORT)
    result = cli(tmp_path / "in", "-o", tmp_path / "out", "--quiet")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [r["doc"] for r in claims_of(tmp_path / "out")] == ["a.txt", "a.txt"]


# ------------------------------------------------------------------------------------------------
# incremental runs

def test_rerun_does_no_work(tree, tmp_path):
    out = tmp_path / "out"
    first = lib([tree], out, recursive=True)
    before = {n: (out / n).read_bytes() for n in ("claims.jsonl", "errors.jsonl")}
    mtime = (out / "claims.jsonl").stat().st_mtime_ns
    again = lib([tree], out, recursive=True)  # files just written: re-hashed, not extracted
    assert (again.extracted, again.new, again.changed, again.skipped) == (0, 0, 0, 9)
    assert again.failed == first.failed == 3 and again.claims == first.claims
    assert not again.rewritten and (out / "claims.jsonl").stat().st_mtime_ns == mtime
    age(tree)
    lib([tree], out, recursive=True)  # records the aged signatures
    third = lib([tree], out, recursive=True)  # now trusted: nothing is even read
    assert (third.jobs, third.extracted, third.skipped, third.rewritten) == (0, 0, 9, False)
    assert {n: (out / n).read_bytes() for n in before} == before
    assert third.errors == first.errors
    assert [r["extracted"] for r in runs_of(out)] == [9, 0, 0, 0]


def test_changed_and_deleted_files(tree, tmp_path):
    out = tmp_path / "out"
    lib([tree], out, recursive=True)
    age(tree)
    (tree / "notes.md").write_text("Four people were killed, officials said.\n")  # same size or not: hashed
    (tree / "latin.txt").unlink()
    (tree / "new.txt").write_text(SHORT)
    (tree / "binary.txt").write_text("Now it is text: 2 people were wounded, police said.\n")
    summary = lib([tree], out, recursive=True)
    assert (summary.new, summary.changed, summary.deleted, summary.extracted) == (1, 2, 1, 3)
    records = claims_of(out)
    docs = {r["doc"] for r in records}
    assert "latin.txt" not in docs and "new.txt" in docs and "binary.txt" in docs
    assert [r["count"]["value"] for r in records if r["doc"] == "notes.md"] == [4]
    assert [e["path"] for e in errors_of(out)] == ["dump.jsonl:4", "undecodable.txt"]
    fresh = tmp_path / "fresh"
    lib([tree], fresh, recursive=True)
    assert (out / "claims.jsonl").read_bytes() == (fresh / "claims.jsonl").read_bytes()
    assert (out / "errors.jsonl").read_bytes() == (fresh / "errors.jsonl").read_bytes()
    # no stale shard is left behind
    shards = sorted(os.listdir(out / ".claimx" / "shards"))
    assert shards == sorted(os.listdir(fresh / ".claimx" / "shards"))


def test_dump_append_extracts_only_the_new_articles(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    dump = folder / "feed.jsonl"
    dump.write_bytes((BATCH_FIXTURES / "dump.jsonl").read_bytes())
    out = tmp_path / "out"
    assert lib([folder], out).extracted == 3
    with open(dump, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a4", "text": "Nine people were killed in the blast, police said."}) + "\n")
    summary = lib([folder], out)
    assert (summary.changed, summary.extracted, summary.reused) == (1, 1, 3)
    records = claims_of(out)
    assert [r["doc"] for r in records] == ["feed.jsonl#a1", "feed.jsonl#a1", "feed.jsonl#a3", "feed.jsonl#a4"]
    fresh = tmp_path / "fresh"
    lib([folder], fresh)
    assert (out / "claims.jsonl").read_bytes() == (fresh / "claims.jsonl").read_bytes()
    # an article edited in place is extracted again, the others are not
    lines = dump.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("At least 40", "At least 41")
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = lib([folder], out)
    assert (summary.extracted, summary.reused) == (1, 3)
    assert [r["count"]["value"] for r in claims_of(out) if r["doc"] == "feed.jsonl#a1"] == [41, 15]


@pytest.mark.parametrize("change", ["sources-file", "rules", "version"])
def test_engine_change_redoes_everything(tree, tmp_path, monkeypatch, change):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "Coast Guard of Orra"\naliases = ["coast guard"]\n')
    out = tmp_path / "out"
    first = lib([tree], out, sources=(str(sources),))
    assert [r["source"]["name"] for r in claims_of(out) if r["doc"] == "dump.jsonl#a1"] == ["Coast Guard of Orra"] * 2
    if change == "sources-file":
        sources.write_text('[[source]]\nname = "Orra Coast Guard"\naliases = ["coast guard"]\n')
    elif change == "rules":
        monkeypatch.setattr("claimx.rules.rules_hash", lambda: "0123456789abcdef")
    else:
        monkeypatch.setattr("claimx.batch.__version__", "99.0")
    summary = lib([tree], out, sources=(str(sources),))
    assert summary.redo == "claimx or its rules changed"
    assert summary.extracted == first.extracted and summary.skipped == 0
    if change == "sources-file":
        assert [r["source"]["name"] for r in claims_of(out) if r["doc"] == "dump.jsonl#a1"] == ["Orra Coast Guard"] * 2
    assert lib([tree], out, sources=(str(sources),)).extracted == 0


def test_force_redoes_everything(tree, tmp_path):
    out = tmp_path / "out"
    first = lib([tree], out)
    summary = lib([tree], out, force=True)
    assert summary.redo == "forced" and summary.extracted == first.extracted and summary.skipped == 0
    result = cli(tree, "-o", out, "--force")
    assert "(all redone: forced)" in result.stderr


def test_state_file_that_cannot_be_used_means_starting_afresh(tree, tmp_path):
    out = tmp_path / "out"
    lib([tree], out)
    before = (out / "claims.jsonl").read_bytes()
    (out / ".claimx" / "state.json").write_text("{not json")
    summary = lib([tree], out)
    assert any("cannot use the state file" in w for w in summary.warnings)
    assert summary.extracted == 0  # the shards are found by content hash all the same
    assert (out / "claims.jsonl").read_bytes() == before


@pytest.mark.parametrize("aged", [False, True], ids=["found-when-read", "found-when-merged"])
def test_a_shard_cut_short_is_read_again(tree, tmp_path, aged):
    if aged:  # the signatures are trusted: the shard is found bad only when the output is merged
        age(tree)
    out = tmp_path / "out"
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "Coast Guard of Orra"\naliases = ["coast guard"]\n')
    lib([tree], out, sources=(str(sources),))
    before = (out / "claims.jsonl").read_bytes()
    state = json.loads((out / ".claimx" / "state.json").read_text())
    for name in ("good.txt", "dump.jsonl"):
        shard = out / ".claimx" / "shards" / state["inputs"][name]["shard"]
        shard.write_bytes(shard.read_bytes()[:100])  # what a machine crash can leave
    (out / "claims.jsonl").unlink()
    summary = lib([tree], out, sources=(str(sources),))
    assert summary.extracted == 4  # good.txt and the three articles of dump.jsonl
    assert summary.seen == summary.new + summary.changed + summary.skipped == 8
    assert (out / "claims.jsonl").read_bytes() == before  # also the sources file's names


# ------------------------------------------------------------------------------------------------
# parallel runs are deterministic

def test_jobs_2_equals_jobs_1_byte_for_byte(tmp_path):
    folder = make_tree(tmp_path / "in")
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(12):
        (folder / f"copy-{i:02}.txt").write_text(text.replace("41", str(100 + i)), encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = cli(folder, "-o", one, "-r", "-j", "1")
    r2 = cli(folder, "-o", two, "-r", "--jobs", "2")
    assert r1.exit_code == r2.exit_code == 1
    for name in ("claims.jsonl", "errors.jsonl"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    assert runs_of(two)[0]["jobs"] == 2
    assert len(claims_of(two)) > 100


# ------------------------------------------------------------------------------------------------
# what is an input

def test_output_folder_inside_the_input_tree_is_never_read(tree):
    out = tree / "claimx-out"
    for _ in range(2):
        lib([tree], out, recursive=True)
    records = claims_of(out)
    assert not any(r["doc"].startswith("claimx-out") for r in records)
    assert lib([tree], out, recursive=True).seen == len(TREE_INPUTS)
    # also when the output folder is named in a glob pattern, or is the input folder itself
    assert lib([f"{tree}/*"], out).seen == len(TREE_INPUTS)  # the pattern matches sub/: walked
    same = tmp = tree / "sub"
    lib([same], tmp)
    assert lib([same], tmp).seen == 1


def test_files_globs_and_several_folders(tmp_path):
    for name in ("a/x.txt", "a/y.md", "b/x.txt", "b/skip.txt", "b/deep/z.txt"):
        p = tmp_path / "in" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(SHORT)
    root = tmp_path / "in"
    out = tmp_path / "out"
    # two folders: names relative to the folder that holds both
    lib([root / "a", root / "b"], out, exclude=("skip.*",))
    assert sorted({r["doc"] for r in claims_of(out)}) == ["a/x.txt", "a/y.md", "b/x.txt"]
    # one folder: names relative to it; a relative-path pattern
    lib([root / "b"], out, recursive=True, exclude=("deep/*",))
    assert sorted({r["doc"] for r in claims_of(out)}) == ["skip.txt", "x.txt"]
    # files and a glob pattern
    lib([root / "a" / "x.txt", f"{root}/b/*.txt"], out)
    assert sorted({r["doc"] for r in claims_of(out)}) == ["a/x.txt", "b/skip.txt", "b/x.txt"]
    lib([f"{root}/**/*.txt"], out)
    assert sorted({r["doc"] for r in claims_of(out)}) == ["a/x.txt", "b/deep/z.txt", "b/skip.txt", "b/x.txt"]
    # --include replaces the default suffixes
    (root / "a" / "feed.log").write_text(SHORT)
    lib([root / "a"], out, include=("*.log",))
    assert sorted({r["doc"] for r in claims_of(out)}) == ["feed.log"]


def test_a_file_named_on_the_command_line_is_read_whatever_its_suffix(tmp_path):
    (tmp_path / "wire.dat").write_text(SHORT)
    summary = lib([tmp_path / "wire.dat"], tmp_path / "out")
    assert summary.seen == 1 and [r["doc"] for r in claims_of(tmp_path / "out")] == ["wire.dat"] * 2


@pytest.mark.parametrize("args,message", [
    (["{tmp}/missing", "-o", "{tmp}/out"], "missing: no such file or folder"),
    (["{tmp}/in", "-o", "{tmp}/in/a.txt"], "exists and is not a folder"),
    (["{tmp}/in", "-o", "{tmp}/out", "--sources", "{tmp}/nope.toml"], "nope.toml: no such sources file"),
    (["{tmp}/in", "-o", "{tmp}/out", "--sources", "{tmp}/bad.toml"], "bad.toml: not a valid TOML sources file"),
], ids=["missing-input", "out-is-a-file", "missing-sources", "bad-sources"])
def test_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SHORT)
    (tmp_path / "bad.toml").write_text("[[source]\nname=")
    result = cli(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert result.stderr.startswith("claimx: error: ") and message in result.stderr
    assert not (tmp_path / "out" / "claims.jsonl").exists()


def test_glob_that_matches_nothing_warns(tmp_path):
    result = cli(f"{tmp_path}/*.txt", "-o", tmp_path / "out")
    assert result.exit_code == 0 and "matches no file" in result.stderr


# ------------------------------------------------------------------------------------------------
# hardening: limits, links, names

def test_over_the_size_limit_is_an_error_record(tree, tmp_path):
    out = tmp_path / "out"
    result = cli(tree, "-o", out, "--max-bytes", "1000")
    assert result.exit_code == 1
    errors = {e["path"]: e for e in errors_of(out)}
    assert errors["good.txt"]["kind"] == "too_large"
    assert "over the limit of 1000 (--max-bytes)" in errors["good.txt"]["message"]
    assert "notes.md" in {r["doc"] for r in claims_of(out)}  # the run went on


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_symbolic_links(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(SHORT)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("Five people were killed, police said.\n")
    (root / "inside-link.txt").symlink_to(root / "a.txt")
    (root / "outside-link.txt").symlink_to(outside / "secret.txt")
    (root / "outside-dir").symlink_to(outside, target_is_directory=True)
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    out = tmp_path / "out"
    summary = lib([root], out, recursive=True)
    assert sorted({r["doc"] for r in claims_of(out)}) == ["a.txt", "inside-link.txt"]
    assert [(e["path"], e["kind"]) for e in summary.errors] == [
        ("dangling.txt", "missing"), ("loop1.txt", "symlink_loop"), ("loop2.txt", "symlink_loop"),
        ("outside-dir", "outside"), ("outside-link.txt", "outside"), ("sub/up", "symlink_loop")]
    assert "use --follow-links" in summary.errors[3]["message"]
    followed = lib([root], out, recursive=True, follow_links=True)
    assert sorted({r["doc"] for r in claims_of(out)}) == ["a.txt", "inside-link.txt", "outside-dir/secret.txt",
                                                          "outside-link.txt"]
    assert [e["kind"] for e in followed.errors] == ["missing", "symlink_loop", "symlink_loop", "symlink_loop"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_and_folder(tmp_path):
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "a.txt").write_text(SHORT)
    (root / "b.txt").write_text(SHORT)
    (root / "b.txt").chmod(0)
    (root / "locked").chmod(0)
    try:
        summary = lib([root], tmp_path / "out", recursive=True)
    finally:
        (root / "b.txt").chmod(0o644)
        (root / "locked").chmod(0o755)
    assert [(e["path"], e["kind"]) for e in summary.errors] == [("b.txt", "unreadable"), ("locked", "unreadable")]
    assert {r["doc"] for r in claims_of(tmp_path / "out")} == {"a.txt"}


def test_unreadable_file_and_folder_simulated(tmp_path, monkeypatch):
    """The same as above where the tests run as root: the OS refusals are simulated."""
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "locked/c.txt"):
        (root / name).write_text(SHORT)
    real_scandir, real_open = os.scandir, open

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def refusing_open(path, *args, **kwargs):
        if os.fspath(path).endswith("b.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr("claimx.reader.open", refusing_open, raising=False)
    summary = lib([root], tmp_path / "out", recursive=True)
    assert summary.errors == [
        {"path": "b.txt", "kind": "unreadable", "message": "permission denied"},
        {"path": "locked", "kind": "unreadable", "message": "cannot list this folder: permission denied"}]
    assert {r["doc"] for r in claims_of(tmp_path / "out")} == {"a.txt"}


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_file_name_that_is_not_utf8(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(str(folder)) + b"/caf\xe9.txt", "wb") as fh:
        fh.write(SHORT.encode())
    lib([folder], tmp_path / "out")
    assert {r["doc"] for r in claims_of(tmp_path / "out")} == {"caf\ufffd.txt"}


def test_dump_line_with_an_unpaired_surrogate(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.jsonl").write_text('{"id": "x", "text": "Two people were killed \\ud800 in the raid, police said."}\n'
                                    '{"id": "y", "text": "Three people were killed, police said."}\n')
    summary = lib([folder], tmp_path / "out")
    assert [(e["path"], e["kind"]) for e in summary.errors] == [("d.jsonl#x", "encoding")]
    assert {r["doc"] for r in claims_of(tmp_path / "out")} == {"d.jsonl#y"}


# ------------------------------------------------------------------------------------------------
# the lock

def test_a_held_lock_gives_exit_75(tree, tmp_path):
    out = tmp_path / "out"
    lib([tree], out)
    fd = os.open(out / ".claimx" / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = cli(tree, "-o", out)
        assert result.exit_code == 75
        assert result.stderr.startswith(f"claimx: error: {out}: another claimx batch run is writing here")
        assert "not waiting (use --wait SECONDS)" in result.stderr
        with pytest.raises(LockedError):
            lib([tree], out, wait=0.2)
        threading.Timer(0.3, lambda: fcntl.flock(fd, fcntl.LOCK_UN)).start()
        assert cli(tree, "-o", out, "--wait", "30").exit_code == 1  # waited, then ran
    finally:
        os.close(fd)
    assert len(runs_of(out)) == 2  # the refused runs wrote nothing


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


def test_a_dump_line_whose_title_date_or_url_is_not_a_string_keeps_its_claims_without_them(tmp_path):
    """doc_meta carries strings only (schema.md): a number for a date, a list for a title are left
    out with a warning, so every record printed stays readable by `compare` and `eval`."""
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "x1", "text": "Police said 12 people were killed in Velmora on Monday.",
                                "date": 20240101, "title": ["Velmora"], "url": "https://example.org/x1"}) + "\n",
                    encoding="utf-8")
    result = _runner().invoke(app, ["extract", "-f", "jsonl", str(dump)], catch_exceptions=False)
    assert result.exit_code == 0
    (record,) = check_records(parse_jsonl(result.stdout))
    assert record["doc_meta"] == {"url": "https://example.org/x1"}
    assert record["mentions"][0]["line"] == 1, "the list is not written into the text as a title"
    assert result.stderr.splitlines() == [
        f'claimx: warning: {dump}#x1: "title" is an array, not a string; left out',
        f'claimx: warning: {dump}#x1: "date" is a number, not a string; left out']
    piped = _runner().invoke(app, ["compare", "-", "-f", "json"], input=result.stdout, catch_exceptions=False)
    assert piped.exit_code == 0 and json.loads(piped.stdout)["events"]


# ------------------------------------------------------------------------------------------------
# the docs say what the code does

DOCS = Path(__file__).resolve().parent.parent / "docs" / "batch.md"


def _doc_table(heading: str) -> list[list[str]]:
    section = DOCS.read_text(encoding="utf-8").split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # without the header and its rule


def test_docs_list_every_option():
    import typer.main

    command = typer.main.get_command(app).commands["batch"]
    flags = {opt for p in command.params if p.param_type_name == "option" and p.name != "help" for opt in p.opts}
    documented = {flag.split()[0].strip("`") for row in _doc_table("Options") for flag in row[0].split(", ")}
    assert documented == flags


def test_docs_list_every_error_kind():
    from claimx.batch import CONTENT_ERRORS, ERROR_KINDS

    rows = _doc_table("Errors")
    assert [row[0].strip("`") for row in rows] == list(ERROR_KINDS)
    assert {row[0].strip("`") for row in rows if row[2].startswith("no")} == CONTENT_ERRORS
