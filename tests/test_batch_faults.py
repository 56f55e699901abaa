"""`claimx batch` under faults: a run killed (SIGKILL) at several points and started again, two
overlapping runs, a full disk, worker processes that die, a file that vanishes mid-run.

Each scenario ends by comparing OUTDIR with a clean run over the same inputs, byte for byte.
The runs that are killed are real processes (`python -m claimx batch`) stopped at a known point by
the test hook in claimx/batch.py (CLAIMX_BATCH_PAUSE); timeouts here only guard against hangs."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import claimx.batch as batch
from claimx.batch import OutputError

from test_batch import EXAMPLE, SHORT, cli, claims_of, errors_of, lib, make_tree, runs_of

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes, signals and flock")

HANG_GUARD = 60  # seconds; never reached unless something hangs


def make_fault_tree(root: Path) -> Path:
    """The mixed folder of test_batch with a few more articles, so a run has work to interrupt."""
    make_tree(root)
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(4):
        (root / f"extra-{i}.txt").write_text(text.replace("41", str(200 + i)), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path) -> Path:
    return make_fault_tree(tmp_path / "in")


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict[str, bytes]:
    """The output of a clean run over an unchanged `tree` (names are relative: any copy gives it)."""
    tmp = tmp_path_factory.mktemp("reference")
    return reference(make_fault_tree(tmp / "in"), tmp)


def reference(tree: Path, tmp_path: Path, name: str = "reference") -> dict[str, bytes]:
    out = tmp_path / name
    lib([tree], out, recursive=True, jobs=1)
    return output(out)


def output(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in ("claims.jsonl", "errors.jsonl")}


def leftovers(out: Path) -> list[str]:
    """Temporary files a finished run must not leave behind."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if ".tmp-" in p.name)


def start(tree: Path, out: Path, *args: str, pause: str | None = None, seconds: float = 60,
          env: dict | None = None) -> tuple[subprocess.Popen, Path]:
    marker = out.parent / f"paused-{out.name}"
    full_env = {**os.environ, **(env or {})}
    if pause:
        full_env.update(CLAIMX_BATCH_PAUSE=pause, CLAIMX_BATCH_PAUSE_FILE=str(marker),
                        CLAIMX_BATCH_PAUSE_SECONDS=str(seconds))
    proc = subprocess.Popen([sys.executable, "-m", "claimx", "batch", str(tree), "-o", str(out), "-r", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, start_new_session=True)
    return proc, marker


def wait_for(marker: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before its pause point: {proc.returncode} {proc.stderr.read().decode()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the run never reached its pause point")
        time.sleep(0.02)


# ------------------------------------------------------------------------------------------------
# killed runs

# (point, what is killed): `after-N` N inputs done; `merge` shards done, claims.jsonl not written;
# `state` claims.jsonl written, state not; `cleanup` state written, stale shards not removed
KILL_POINTS = [("after-1", "parent"), ("after-3", "group"), ("merge", "parent"), ("state", "group"),
               ("cleanup", "parent")]


@pytest.mark.parametrize("point,target", KILL_POINTS, ids=[f"{p}-{t}" for p, t in KILL_POINTS])
def test_killed_first_run_then_rerun(tree, tmp_path, expected, point, target):
    out = tmp_path / "out"
    proc, marker = start(tree, out, "-j", "2", pause=point)
    wait_for(marker, proc)
    if target == "group":  # the run and its workers, as a service manager would
        os.killpg(proc.pid, signal.SIGKILL)
    else:  # the run alone: its workers must notice and stop, and must not hold the lock
        proc.kill()
    proc.wait(HANG_GUARD)
    proc.stdout.close()
    proc.stderr.close()
    if point in ("after-1", "after-3", "merge"):
        assert not (out / "claims.jsonl").exists()  # nothing half-written where readers look
    else:
        assert output(out) == expected
    summary = lib([tree], out, recursive=True)  # at once: the lock died with the killed run
    assert output(out) == expected
    assert leftovers(out) == []
    assert claims_of(out)  # valid records, no duplicate ids
    total = len([p for p in tree.rglob("*") if p.is_file()])
    if point.startswith("after-"):
        assert summary.extracted < 15  # finished inputs were not extracted again
    else:
        assert summary.extracted == 0
    assert total and summary.seen == 13
    shards = set(os.listdir(out / ".claimx" / "shards"))
    state = json.loads((out / ".claimx" / "state.json").read_text())
    assert shards == {e["shard"] for e in state["inputs"].values()}  # no stale shard left


@pytest.mark.parametrize("point", ["after-2", "merge"])
def test_killed_rerun_keeps_the_previous_output(tree, tmp_path, point):
    out = tmp_path / "out"
    lib([tree], out, recursive=True)
    before = output(out)
    (tree / "notes.md").write_text("Four people were killed, officials said.\n")
    (tree / "extra-0.txt").unlink()
    (tree / "new.txt").write_text(SHORT)
    expected = reference(tree, tmp_path)
    proc, marker = start(tree, out, "-j", "1", pause=point)
    wait_for(marker, proc)
    proc.kill()
    proc.wait(HANG_GUARD)
    proc.stdout.close()
    proc.stderr.close()
    assert output(out) == before  # readers still see the last complete output
    lib([tree], out, recursive=True)
    assert output(out) == expected and leftovers(out) == []


# ------------------------------------------------------------------------------------------------
# overlapping runs

def test_second_run_exits_75_while_the_first_holds_the_lock(tree, tmp_path):
    out = tmp_path / "out"
    proc, marker = start(tree, out, pause="after-1")
    try:
        wait_for(marker, proc)
        result = cli(tree, "-o", out, "-r")
        assert result.exit_code == 75
        assert f"claimx: error: {out}: another claimx batch run is writing here (process {proc.pid})" in result.stderr
        assert not (out / "claims.jsonl").exists() and not (out / "runs.jsonl").exists()
    finally:
        proc.kill()
        proc.wait(HANG_GUARD)
        proc.stdout.close()
        proc.stderr.close()


def test_second_run_with_wait_runs_after_the_first(tree, tmp_path, expected):
    out = tmp_path / "out"
    first, marker = start(tree, out, pause="after-1", seconds=0.5)
    wait_for(marker, first)
    second = cli(tree, "-o", out, "-r", "--wait", HANG_GUARD)
    assert first.wait(HANG_GUARD) == 1  # (the tree has inputs that fail)
    first.stdout.close()
    first.stderr.close()
    assert second.exit_code == 1, second.stderr
    one, two = runs_of(out)  # the first finished before the second began
    assert one["extracted"] == 13 and two["extracted"] == 0 and two["skipped"] == 13
    assert output(out) == expected


# ------------------------------------------------------------------------------------------------
# disk full

def _enospc(monkeypatch, where: str) -> None:
    real = batch._write

    def write(fh, data):
        if where in fh.name:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fh, data)

    monkeypatch.setattr(batch, "_write", write)  # the workers are forked: they inherit it


@pytest.mark.parametrize("where,file", [(".claims.jsonl.tmp", "claims.jsonl"), ("/shards/", ".claimx/shards/"),
                                        (".errors.jsonl.tmp", "errors.jsonl")],
                         ids=["claims", "shard", "errors"])
def test_disk_full_fails_cleanly_and_a_rerun_completes(tree, tmp_path, monkeypatch, where, file):
    out = tmp_path / "out"
    lib([tree], out, recursive=True)
    before = output(out)
    (tree / "notes.md").write_text("Four people were killed, officials said.\n")
    (tree / "new.txt").write_text(SHORT)
    expected = reference(tree, tmp_path)
    with monkeypatch.context() as m:
        _enospc(m, where)
        result = cli(tree, "-o", out, "-r")
        assert result.exit_code == 74
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"claimx: error: cannot write {out}/{file}")
        assert line.endswith(": no space left on device; the previous output is unchanged")
        assert output(out) == before
        assert leftovers(out) == []
        assert runs_of(out)[-1]["status"] == "error"
    result = cli(tree, "-o", out, "-r")  # the disk has room again
    assert result.exit_code == 1
    assert output(out) == expected and leftovers(out) == []


def test_disk_full_for_the_state_after_the_output(tree, tmp_path, expected, monkeypatch):
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        _enospc(m, ".state.json.tmp")
        with pytest.raises(OutputError) as err:
            lib([tree], out, recursive=True)
    assert "claims.jsonl and errors.jsonl are up to date" in str(err.value)
    assert output(out) == expected
    summary = lib([tree], out, recursive=True)
    assert summary.extracted == 0 and output(out) == expected and leftovers(out) == []


# ------------------------------------------------------------------------------------------------
# workers that die

@pytest.mark.parametrize("jobs,crash,failed", [("1", "good", ["good.txt"]), ("2", "extra", [f"extra-{i}.txt" for i in range(4)])],
                         ids=["one-worker", "two-workers"])
def test_a_dead_worker_is_reported_and_a_rerun_completes(tree, tmp_path, expected, jobs, crash, failed):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "claimx", "batch", str(tree), "-o", str(out), "-r", "-j", jobs],
                          capture_output=True, timeout=HANG_GUARD, env={**os.environ, "CLAIMX_BATCH_CRASH": crash})
    assert proc.returncode == 1 and proc.stdout == b""
    died = [e for e in errors_of(out) if e["kind"] == "worker_died"]
    assert [e["path"] for e in died] == failed
    assert died[0]["message"] == "the worker process reading it died (exit code 70); tried again next run"
    assert f"claimx: error: {failed[0]}: the worker process reading it died".encode() in proc.stderr
    docs = {r["doc"] for r in claims_of(out)}
    assert "notes.md" in docs and not docs & set(failed)  # the others' claims are kept
    summary = lib([tree], out, recursive=True)
    assert summary.extracted == len(failed)
    assert output(out) == expected


def test_a_worker_killed_by_a_signal(tree, tmp_path, monkeypatch, expected):
    import claimx

    real = claimx.extract

    def extract(text, doc="-", **kwargs):
        if doc == "latin.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
        return real(text, doc, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(claimx, "extract", extract)
        summary = lib([tree], tmp_path / "out", recursive=True, jobs=2)
    assert {"path": "latin.txt", "kind": "worker_died",
            "message": "the worker process reading it died (killed by signal 9); tried again next run"} in summary.errors
    assert summary.seen == 13 and "latin.txt" not in {r["doc"] for r in claims_of(tmp_path / "out")}
    lib([tree], tmp_path / "out", recursive=True)
    assert output(tmp_path / "out") == expected


# ------------------------------------------------------------------------------------------------
# a file that vanishes between listing and reading

def test_a_file_that_vanishes_mid_run(tree, tmp_path, monkeypatch, expected):
    real = batch.read_bytes

    def read_bytes(path, **kwargs):
        if str(path).endswith("notes.md"):
            os.unlink(path)
        return real(path, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(batch, "read_bytes", read_bytes)
        result = cli(tree, "-o", tmp_path / "out", "-r")
    assert result.exit_code == 1
    assert {"path": "notes.md", "kind": "vanished", "message": "vanished between listing and reading"} in errors_of(
        tmp_path / "out")
    assert "claimx: error: notes.md: vanished between listing and reading" in result.stderr.splitlines()
    assert "good.txt" in {r["doc"] for r in claims_of(tmp_path / "out")}  # the run went on
    (tree / "notes.md").write_text("# Notes\n\n" + SHORT, encoding="utf-8")  # back again
    lib([tree], tmp_path / "out", recursive=True)
    assert output(tmp_path / "out") == expected


# ------------------------------------------------------------------------------------------------
# checkpoints: a long run saves its state as it goes, without touching the output

def test_checkpointed_state_spares_the_next_run_even_the_reading(tree, tmp_path, monkeypatch, expected):
    from test_batch import age

    age(tree)
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(batch, "CHECKPOINT_SECONDS", -1)  # after every input

        def interrupted(self):
            raise KeyboardInterrupt  # stopped after every input was done, before the output

        m.setattr(batch._Run, "merge", interrupted)
        with pytest.raises(KeyboardInterrupt):
            lib([tree], out, recursive=True, jobs=2)
    assert not (out / "claims.jsonl").exists()
    state = json.loads((out / ".claimx" / "state.json").read_text())
    assert len(state["inputs"]) == 13 and "output" not in state  # binary, undecodable: cached errors
    summary = lib([tree], out, recursive=True)
    assert (summary.jobs, summary.extracted, summary.skipped, summary.rewritten) == (0, 0, 13, True)
    assert output(out) == expected and leftovers(out) == []
