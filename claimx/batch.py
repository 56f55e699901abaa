"""Folders in, claims out: `claimx batch`, incremental and safe to run from cron.

    run_batch(["inbox/"], "out/", BatchOptions(recursive=True)) -> RunSummary

Inputs are folders (walked in sorted order), files and glob patterns. Every input is named by its
path relative to the *input root* (the deepest folder holding every input given), with `/` as
separator; a record of a JSONL article dump is `dump.jsonl#<id>`. The output folder holds

    claims.jsonl      the current claims of every input (claim@1, plus `content_hash` and
                      `doc_meta`), sorted by input name, then record order; rewritten atomically
    errors.jsonl      one line per input (or dump line) that failed: path, kind, message
    runs.jsonl        one line per run: version, rules hash, counts, seconds
    .claimx/state.json  input name -> content hash, file signature, shard (see below)
    .claimx/shards/   one file per input: its claim lines, ready to be concatenated
    .claimx/lock      locked with flock(2) while a run works; the lock dies with its process

How a run stays incremental and safe:

- A shard is named by a digest of (input name, content hash, engine), where the engine is the
  claimx version, `rules_hash()`, the `--sources` files and the user's sources config. Shards are
  written by the worker processes (temporary file, then rename), so a shard on disk is always
  complete; a run that is killed loses no finished input: the next run hashes the file, finds the
  shard and does not extract it again.
- `state.json` caches the file signature (size, mtime, ctime, inode) seen with each hash, so an
  unchanged file is not even read; a signature is trusted only when the file was last modified
  well before it was looked at (git's "racily clean" rule). It is written atomically, at the end
  and every few seconds during a long run.
- At the end, `claims.jsonl` and `errors.jsonl` are written to temporary files and renamed over
  the old ones (both or neither), then the state, then stale shards are removed. A run killed
  between any two of these steps leaves the previous output or the new one, never a mix, and the
  next run finishes the job. When nothing changed, nothing is rewritten.
- An unchanged article of a JSONL dump is not extracted again when lines are appended to the
  dump: its claims are copied from the previous shard, keyed by the article's id and content hash.

Errors: one bad input is an error record and the run goes on. Errors that the content decides
(binary, undecodable, an HTML page without an article, a dump line that is not JSON) are cached
with the content hash like claims; the others (unreadable, vanished, over the size limit, a worker
that died) are tried again on the next run. The library raises `LockedError` (another run holds
the output folder), `OutputError` (the output cannot be written: disk full, read-only) and
`UsageError`; it never prints.

Test hooks (used by tests/test_batch*.py to stop a run at a known point): with
`CLAIMX_BATCH_PAUSE=<point>` the run creates the file `CLAIMX_BATCH_PAUSE_FILE` and sleeps
`CLAIMX_BATCH_PAUSE_SECONDS` (default 60) when it reaches <point>: `after-N` (N inputs done),
`merge` (before writing claims.jsonl), `state` (output written, state not yet), `cleanup` (state
written, stale shards not yet removed).
"""
from __future__ import annotations

import contextlib
import errno
import fnmatch
import glob
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from . import __version__
from .errors import ClaimxError, InputError, UsageError
from .reader import display_name, documents_from_bytes, input_kind, read_bytes
from .settings import SETTINGS
from .workers import run_pool, usable_cores, warm_up

STATE_FORMAT = "claimx/batch-state@1"
INTERNAL_DIR = ".claimx"
CLAIMS, ERRORS, RUNS = "claims.jsonl", "errors.jsonl", "runs.jsonl"
SUFFIXES = (".txt", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson")
# every `kind` of an error record (docs/batch.md has a table of them)
ERROR_KINDS = ("binary", "encoding", "html", "format", "too_large", "unreadable", "vanished", "missing",
               "symlink_loop", "outside", "worker_died", "internal")
# errors the bytes of an input decide: cached with its content hash, like its claims
CONTENT_ERRORS = frozenset({"binary", "encoding", "html", "format"})
CHECKPOINT_SECONDS = 5.0
RACY_NS = 2_000_000_000  # a signature is trusted only for a file modified this long before it was looked at
CLAIM_PREFIX = b'{"schema": '

Report = Callable[[str, Any], None]


# ------------------------------------------------------------------------------------------------
# options, results, errors

@dataclass(frozen=True)
class BatchOptions:
    recursive: bool = False
    include: tuple[str, ...] = ()        # file name (or relative path, with a /) patterns; default: SUFFIXES
    exclude: tuple[str, ...] = ()        # files and folders to leave out
    jobs: int | None = None              # worker processes; default: the number of usable cores
    force: bool = False                  # redo every input
    wait: float = 0.0                    # seconds to wait for another run's lock
    max_bytes: int = SETTINGS.max_bytes  # 0: no limit
    sources: tuple[str, ...] = ()        # extra source-registry files
    follow_links: bool = False           # follow symbolic links that lead out of the input folders


@dataclass
class RunSummary:
    out_dir: str
    claimx: str = __version__
    rules: str = ""
    engine: str = ""
    seen: int = 0          # inputs found: new + changed + skipped
    new: int = 0           # ... with no stored result (new, or failed last time and tried again)
    changed: int = 0       # ... whose content changed (all of them when redone)
    skipped: int = 0       # ... unchanged: results reused
    failed: int = 0        # inputs (and folders) in error now; counted in the above too
    deleted: int = 0       # inputs of the last run that are gone
    claims: int = 0        # records in claims.jsonl
    extracted: int = 0     # documents run through the extractor this run
    reused: int = 0        # dump articles whose claims were copied from the last run
    jobs: int = 0
    seconds: float = 0.0
    redo: str | None = None  # why every input was redone ("forced", "claimx or its rules changed")
    rewritten: bool = False  # whether claims.jsonl was rewritten
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def run_record(self, started: str, status: str, error: str | None = None) -> dict:
        rec = {"claimx": self.claimx, "rules": self.rules, "engine": self.engine, "started": started,
               "seconds": round(self.seconds, 3), "status": status}
        rec.update({k: getattr(self, k) for k in ("seen", "new", "changed", "skipped", "failed", "deleted",
                                                  "claims", "extracted", "reused", "jobs", "redo")})
        if error:
            rec["error"] = error
        return rec


class LockedError(ClaimxError):
    """Another run holds the output folder (exit code 75 in the CLI)."""

    kind = "locked"

    def __init__(self, out_dir: str, waited: float, holder: str | None):
        who = f" (process {holder})" if holder else ""
        how = f"still busy after waiting {waited:g} s" if waited else "not waiting (use --wait SECONDS)"
        super().__init__(f"{out_dir}: another claimx batch run is writing here{who}; {how}")
        self.out_dir, self.waited, self.holder = out_dir, waited, holder


class OutputError(ClaimxError):
    """The output folder cannot be written (disk full, read-only, permissions). Unless the
    message says otherwise, the previous output is left as it was."""

    kind = "output"

    def __init__(self, path: str, reason: str, note: str = "the previous output is unchanged"):
        super().__init__(f"cannot write {path}: {reason}; {note}")
        self.path, self.reason = path, reason


# ------------------------------------------------------------------------------------------------
# finding the inputs

@dataclass(frozen=True)
class Input:
    rel: str              # the name in records: relative to the input root, / separated
    path: str             # the path to open
    kind: str             # text, html, jsonl
    sig: tuple[int, ...]  # size, mtime_ns, ctime_ns, inode
    seen_ns: int          # when the signature was taken


@dataclass
class Listing:
    root: str
    inputs: list[Input] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)   # folders and links that could not be used
    warnings: list[str] = field(default_factory=list)


def _has_magic(s: str) -> bool:
    return any(c in s for c in "*?[")


def _signature(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _error(path: str, kind: str, message: str) -> dict:
    return {"path": path, "kind": kind, "message": message}


class _Walker:
    def __init__(self, out_dir: str, options: BatchOptions):
        self.opts = options
        out_real = os.path.realpath(out_dir)
        st = os.stat(out_real)
        self.out_id = (st.st_dev, st.st_ino)
        self.own_files = {os.path.join(out_real, n) for n in (CLAIMS, ERRORS, RUNS)}
        self.listing: Listing
        self.real_roots: list[str] = []
        self.common = ""

    def rel(self, path: str) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.common)
        return display_name(rel.replace(os.sep, "/"))

    def _matches(self, patterns: Iterable[str], rel: str) -> bool:
        name = rel.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(rel if "/" in p else name, p) for p in patterns)

    def excluded(self, rel: str) -> bool:
        return self._matches(self.opts.exclude, rel)

    def wanted(self, rel: str, explicit: bool = False) -> bool:
        if self.excluded(rel):
            return False
        if self.opts.include:
            return explicit or self._matches(self.opts.include, rel)
        return explicit or rel.lower().endswith(SUFFIXES)

    def is_own(self, path: str) -> bool:
        """Whether `path` is one of the output files of this run (cheap for every other name)."""
        return os.path.basename(path) in (CLAIMS, ERRORS, RUNS) and os.path.realpath(path) in self.own_files

    def inside_roots(self, path: str) -> bool:
        real = os.path.realpath(path)
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.real_roots)

    def run(self, paths: list[str]) -> Listing:
        plan: list[tuple[str, str]] = []  # (how it was named, path): arg-dir, arg-file, matched
        roots: list[str] = []
        warnings: list[str] = []
        for arg in paths:
            if os.path.isdir(arg):
                plan.append(("arg-dir", arg))
                roots.append(os.path.abspath(arg))
            elif os.path.exists(arg):
                plan.append(("arg-file", arg))
                roots.append(os.path.dirname(os.path.abspath(arg)))
            elif os.path.lexists(arg):
                raise UsageError(f"{display_name(arg)}: broken symbolic link")
            elif _has_magic(arg):
                parts = arg.split(os.sep)
                first = next(i for i, p in enumerate(parts) if _has_magic(p))
                roots.append(os.path.abspath(os.sep.join(parts[:first]) or os.curdir))
                matches = sorted(glob.glob(arg, recursive=True))
                if not matches:
                    warnings.append(f"{display_name(arg)}: matches no file")
                plan.extend(("matched", m) for m in matches)
            else:
                raise UsageError(f"{display_name(arg)}: no such file or folder")
        self.common = os.path.commonpath(roots)
        self.real_roots = sorted({os.path.realpath(r) for r in roots})
        self.listing = Listing(self.common, warnings=warnings)
        for how, path in plan:
            if how == "arg-dir":
                st = os.stat(path)
                self._walk(path, frozenset({(st.st_dev, st.st_ino)}))
            elif how == "arg-file":
                self._named_file(path)
            else:
                self._entry(path, os.path.islink(path), frozenset(), matched=True)
        unique: dict[str, Input] = {}
        for inp in sorted(self.listing.inputs, key=lambda i: i.rel):
            unique.setdefault(inp.rel, inp)
        self.listing.inputs = list(unique.values())
        self.listing.errors.sort(key=lambda e: e["path"])
        return self.listing

    def _named_file(self, path: str) -> None:
        """A file named on the command line: read whatever its suffix (unless excluded)."""
        rel = self.rel(path)
        if not self.wanted(rel, explicit=True):
            return
        if self.is_own(path):
            self.listing.warnings.append(f"{rel}: an output file of claimx batch, not read as input")
            return
        seen_ns = time.time_ns()
        try:
            st = os.stat(path)
        except OSError as exc:
            self.listing.errors.append(_error(rel, "unreadable", _reason(exc)))
            return
        self._add(rel, path, st, seen_ns)

    def _add(self, rel: str, path: str, st: os.stat_result, seen_ns: int) -> None:
        if stat.S_ISREG(st.st_mode):
            self.listing.inputs.append(Input(rel, path, input_kind(rel), _signature(st), seen_ns))
        else:  # a FIFO would block the run, a device would never end
            self.listing.errors.append(_error(rel, "unreadable", "not a regular file"))

    @staticmethod
    def _link_error(rel: str, exc: OSError) -> dict:
        if exc.errno == errno.ELOOP:
            return _error(rel, "symlink_loop", "symbolic link loop")
        if exc.errno == errno.ENOENT:
            return _error(rel, "missing", "broken symbolic link (its target does not exist)")
        return _error(rel, "unreadable", _reason(exc))

    def _walk(self, folder: str, ancestors: frozenset) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(((e.path, e.is_symlink()) for e in it if not e.name.startswith(".")))
        except OSError as exc:
            self.listing.errors.append(_error(self.rel(folder), "unreadable",
                                              f"cannot list this folder: {_reason(exc)}"))
            return
        for path, link in entries:  # hidden entries (editors' and rsync's temporary files) left out
            self._entry(path, link, ancestors)

    def _entry(self, path: str, link: bool, ancestors: frozenset, matched: bool = False) -> None:
        """One entry met in a folder walk (or matched by a glob pattern)."""
        rel = self.rel(path)
        seen_ns = time.time_ns()
        try:
            st = os.stat(path) if link else os.lstat(path)
        except OSError as exc:
            if self.wanted(rel) or (link and self.opts.recursive):
                self.listing.errors.append(self._link_error(rel, exc) if link
                                           else _error(rel, "unreadable", _reason(exc)))
            return
        is_dir = stat.S_ISDIR(st.st_mode)
        if is_dir:
            if not (self.opts.recursive or matched) or self.excluded(rel) or (st.st_dev, st.st_ino) == self.out_id:
                return
        elif not self.wanted(rel) or self.is_own(path):
            return
        if link and not self.opts.follow_links and not self.inside_roots(path):
            self.listing.errors.append(_error(
                rel, "outside", f"symbolic link to {display_name(os.path.realpath(path))}, outside the input "
                                "folders; not followed (use --follow-links)"))
            return
        if not is_dir:
            self._add(rel, path, st, seen_ns)
            return
        key = (st.st_dev, st.st_ino)
        if key in ancestors:
            self.listing.errors.append(_error(rel, "symlink_loop", "symbolic link loop: it leads back to a folder "
                                                                   "above it"))
            return
        self._walk(path, ancestors | {key})


def discover(paths: list[str], out_dir: str, options: BatchOptions = BatchOptions()) -> Listing:
    """The inputs of a run, sorted by name; folders and links that cannot be used as errors.
    Raises UsageError for a path that does not exist (and is not a glob pattern)."""
    return _Walker(out_dir, options).run(list(paths))


# ------------------------------------------------------------------------------------------------
# the engine: what decides the claims besides the input

def engine_key(sources: Iterable[str] = ()) -> tuple[str, str]:
    """(rules hash, engine key): the engine key changes with the claimx version, the rules and
    registry files, any `--sources` file and the user's sources config."""
    from .registry import user_config_path
    from .rules import rules_hash

    rules = rules_hash()
    h = hashlib.sha256(f"claimx {__version__}\0rules {rules}\0".encode())
    files = [(f, True) for f in sources] + [(str(user_config_path()), False)]
    for path, required in files:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            if required:
                raise UsageError(f"{path}: no such sources file") from None
            continue
        except OSError as exc:
            raise UsageError(f"{path}: cannot read sources file ({_reason(exc)})") from None
        h.update(b"sources\0" + hashlib.sha256(data).digest())
    return rules, h.hexdigest()[:32]


def _build_registry(sources: tuple[str, ...]):
    from .registry import build, default_registry

    if not sources:
        return default_registry()
    try:
        return build(tuple(sources), use_config=True)
    except UsageError:
        raise
    except Exception as exc:  # a TOML file of a shape the registry does not expect
        raise UsageError(f"not a usable sources file among {', '.join(sources)} ({type(exc).__name__}: {exc})") from None


def shard_name(rel: str, content_hash: str, engine: str) -> str:
    key = hashlib.sha256(f"{rel}\0{content_hash}\0{engine}".encode("utf-8", "surrogatepass")).hexdigest()
    return key[:40] + ".jsonl"


# ------------------------------------------------------------------------------------------------
# files: every byte batch writes goes through _write (the fault tests make it fail)

def _write(fh, data: bytes) -> None:
    fh.write(data)


def _tmp_name(path: str) -> str:
    head, tail = os.path.split(path)
    return os.path.join(head, f".{tail}.tmp-{os.getpid()}")


def _write_tmp(path: str, chunks: Iterable[bytes], durable: bool) -> str:
    tmp = _tmp_name(path)
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                _write(fh, chunk)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _fsync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _replace_all(files: list[tuple[str, Iterable[bytes]]], durable: bool = True) -> None:
    """Write every file to a temporary name, then rename them all into place: when any write
    fails, none of the files is replaced. Raises OutputError naming the file."""
    done: list[tuple[str, str]] = []
    try:
        for path, chunks in files:
            try:
                done.append((_write_tmp(path, chunks, durable), path))
            except OSError as exc:
                raise OutputError(path, _reason(exc)) from None
    except BaseException:
        for tmp, _ in done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    try:
        for tmp, path in done:
            os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    if durable:
        for folder in {os.path.dirname(p) for _, p in done}:
            _fsync_dir(folder)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).rstrip(".").lower()


# ------------------------------------------------------------------------------------------------
# shards: one per input; claim lines exactly as they go into claims.jsonl, with a line before
# each document's claims, error lines, and an end line that proves the file complete

def _line(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"


def read_shard(path: str) -> list[bytes] | None:
    """The lines of a complete shard, or None when it is missing or cut short."""
    try:
        with open(path, "rb") as fh:
            lines = fh.read().splitlines(keepends=True)
    except OSError:
        return None
    if not lines or not lines[-1].startswith(b'{"end": '):
        return None
    try:
        end = json.loads(lines[-1])
    except ValueError:
        return None
    if end.get("end") != len(lines) - 1 or not lines[-1].endswith(b"\n"):
        return None
    return lines[:-1]


def _shard_documents(lines: list[bytes]) -> dict[tuple[str, str], list[bytes]]:
    """(document name, content hash) -> its claim lines, for the documents of a previous shard
    that were extracted without error."""
    out: dict[tuple[str, str], list[bytes]] = {}
    current: list[bytes] | None = None
    for line in lines:
        if line.startswith(CLAIM_PREFIX):
            if current is not None:
                current.append(line)
            continue
        rec = json.loads(line)
        if "document" in rec:
            current = out.setdefault((rec["document"], rec["content_hash"]), [])
        else:
            current = None
    return out


# ------------------------------------------------------------------------------------------------
# the work on one input (runs in a worker process)

_REGISTRY = None
_CRASH = None


def _record_hash(doc) -> str:
    data = json.dumps([doc.text, doc.meta], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def process_input(job: dict) -> dict:
    """Read one input, extract its documents and write its shard. Returns a result dict:
    status `done` (shard written), `cached` (its shard was already there), `error` (an error not
    cached: `errors`), or `output_error` (the shard could not be written: `reason`)."""
    import claimx

    from .render import json_record

    rel = job["rel"]
    if _CRASH and _CRASH in rel:  # test hook: a worker that dies on this input
        os._exit(70)
    try:
        _, data = read_bytes(job["path"], max_bytes=job["max_bytes"])
    except InputError as exc:
        kind = "vanished" if exc.kind == "missing" else exc.kind
        reason = "vanished between listing and reading" if exc.kind == "missing" else exc.reason
        return {"status": "error", "errors": [_error(rel, kind, reason)]}
    digest = hashlib.sha256(data).hexdigest()
    name = shard_name(rel, digest, job["engine"])
    path = os.path.join(job["shards"], name)
    base = {"hash": digest, "shard": name}
    if not job["redo"] and read_shard(path) is not None:
        return {**base, "status": "cached"}
    reuse: dict = {}
    if job["kind"] == "jsonl" and job.get("prev_shard"):
        old = read_shard(os.path.join(job["shards"], job["prev_shard"]))
        reuse = _shard_documents(old) if old else {}

    lines: list[bytes] = []
    warnings: list[str] = []
    claims = extracted = reused = 0
    retry = False
    try:
        docs = documents_from_bytes(data, rel, kind=job["kind"])
    except InputError as exc:
        if exc.kind not in CONTENT_ERRORS:
            return {"status": "error", "errors": [_error(rel, exc.kind, exc.reason)]}
        docs = [exc]
    except Exception as exc:
        return {"status": "error", "errors": [_error(rel, "internal", _internal(exc))]}
    single = job["kind"] != "jsonl"
    for doc in docs:
        if isinstance(doc, InputError):
            lines.append(_line({"error": _error(doc.path, doc.kind, doc.reason)}))
            continue
        doc_hash = digest if single else _record_hash(doc)
        old_lines = reuse.get((doc.doc, doc_hash))
        if old_lines is not None:
            lines.append(_line({"document": doc.doc, "content_hash": doc_hash, "claims": len(old_lines)}))
            lines.extend(old_lines)
            claims += len(old_lines)
            reused += 1
            continue
        warnings.extend(doc.warnings)
        extracted += 1
        try:
            found = claimx.extract(doc.text, doc.doc, registry=_REGISTRY)
            extra = {"content_hash": f"sha256:{doc_hash}"}
            rendered = [(json_record(c.with_(doc_meta=doc.meta or None, extra=extra).to_dict()) + "\n").encode("utf-8")
                        for c in found]
        except UnicodeEncodeError:
            lines.append(_line({"error": _error(doc.doc, "encoding", "text holds unpaired surrogate escapes, "
                                                                     "not valid Unicode")}))
            continue
        except Exception as exc:  # a bug in claimx: this document fails, the run goes on; retried next run
            lines.append(_line({"error": _error(doc.doc, "internal", _internal(exc)), "retry": True}))
            retry = True
            continue
        lines.append(_line({"document": doc.doc, "content_hash": doc_hash, "claims": len(rendered)}))
        lines.extend(rendered)
        claims += len(rendered)
    lines.append(_line({"end": len(lines)}))
    try:
        _replace_all([(path, lines)], durable=False)
    except OutputError as exc:
        return {"status": "output_error", "path": exc.path, "reason": exc.reason}
    return {**base, "status": "done", "claims": claims, "extracted": extracted, "reused": reused,
            "warnings": warnings, "retry": retry}


def _internal(exc: BaseException) -> str:
    return f"internal error ({type(exc).__name__}: {exc}); please report it"


def _work(job: dict) -> dict:
    """A worker's job: `process_input`, with a bug in it reported for this input alone."""
    try:
        return process_input(job)
    except Exception as exc:
        return {"status": "error", "errors": [_error(job["rel"], "internal", _internal(exc))]}


def _died(job: dict, how: str) -> dict:
    return {"status": "error", "errors": [_error(
        job["rel"], "worker_died", f"the worker process reading it died ({how}); tried again next run")]}


def _run_jobs(jobs: list[dict], n: int, lock_fd: int | None, on_result: Callable[[dict, dict], None]) -> None:
    """Run `jobs` on `n` worker processes (claimx.workers), calling `on_result(job, result)` in the
    parent as each finishes. A worker that dies is reported as an error for the input it held."""
    run_pool(jobs, n, _work, on_result, _died, lock_fd=lock_fd, name="claimx-batch")


# ------------------------------------------------------------------------------------------------
# the lock

@contextlib.contextmanager
def _locked(out_dir: str, internal: str, wait: float) -> Iterator[int]:
    import fcntl

    path = os.path.join(internal, "lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or None
                    raise LockedError(out_dir, wait, holder) from None
                time.sleep(min(0.05, max(deadline - time.monotonic(), 0.0)) or 0.01)
            except OSError as exc:
                raise OutputError(path, f"cannot lock it ({_reason(exc)})") from None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield fd
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------------
# test hooks

def _pause(point: str) -> None:
    if os.environ.get("CLAIMX_BATCH_PAUSE") != point:
        return
    marker = os.environ.get("CLAIMX_BATCH_PAUSE_FILE")
    if marker:
        with open(marker, "w") as fh:
            fh.write(f"{os.getpid()}\n")
    time.sleep(float(os.environ.get("CLAIMX_BATCH_PAUSE_SECONDS", "60")))


# ------------------------------------------------------------------------------------------------
# the run

def _load_state(path: str, warnings: list[str]) -> dict:
    try:
        with open(path, "rb") as fh:
            state = json.load(fh)
        if isinstance(state, dict) and state.get("format") == STATE_FORMAT and isinstance(state.get("inputs"), dict):
            return state
        warnings.append(f"{path}: not a state file of this claimx; starting afresh")
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        warnings.append(f"{path}: cannot use the state file ({type(exc).__name__}); starting afresh")
    return {"format": STATE_FORMAT, "inputs": {}}


def _state_lines(state: dict) -> list[bytes]:
    """The state as JSON with one input a line (readable, and diffable by hand)."""
    head = json.dumps({k: v for k, v in state.items() if k != "inputs"}, ensure_ascii=False)
    out = [(head[:-1] + (", " if len(head) > 2 else "") + '"inputs": {\n').encode("utf-8", "backslashreplace")]
    names = sorted(state["inputs"])
    for i, rel in enumerate(names):
        line = json.dumps(rel, ensure_ascii=False) + ": " + json.dumps(state["inputs"][rel])
        out.append((line + (",\n" if i < len(names) - 1 else "\n")).encode("utf-8", "backslashreplace"))
    out.append(b"}}\n")
    return out


def _save_state(path: str, state: dict, durable: bool) -> None:
    _replace_all([(path, _state_lines(state))], durable=durable)


def run_batch(paths: list[str], out_dir: str, options: BatchOptions = BatchOptions(),
              report: Report | None = None) -> RunSummary:
    """Bring `out_dir` up to date with the inputs under `paths` (see the module docstring).

    `report(event, value)`, when given, hears `("total", number of inputs to read)`,
    `("advance", input name)` after each one and `("warning", message)`. Raises UsageError,
    LockedError, OutputError; never prints."""
    t0 = time.monotonic()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if not paths:
        raise UsageError("no input given")
    if options.jobs is not None and options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    out_dir = os.fspath(out_dir)
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise UsageError(f"{out_dir}: exists and is not a folder (--out names a folder)")
    rules, engine = engine_key(options.sources)
    registry = _build_registry(tuple(options.sources))
    internal = os.path.join(out_dir, INTERNAL_DIR)
    try:
        os.makedirs(os.path.join(internal, "shards"), exist_ok=True)
    except OSError as exc:
        raise OutputError(out_dir, _reason(exc)) from None
    summary = RunSummary(out_dir, rules=rules, engine=engine)
    with _locked(out_dir, internal, options.wait) as lock_fd:
        run = _Run(paths, out_dir, options, summary, report or (lambda event, value: None), registry, lock_fd)
        try:
            run.run()
        except OutputError as exc:
            run.remove_temporary()  # of workers stopped half-way through a write
            summary.seconds = time.monotonic() - t0
            _append_run(out_dir, summary.run_record(started, "error", str(exc)))
            raise
        summary.seconds = time.monotonic() - t0
        try:
            _append_run(out_dir, summary.run_record(started, "ok" if summary.ok else "failed"), strict=True)
        except OSError as exc:
            summary.warnings.append(f"cannot append to {os.path.join(out_dir, RUNS)}: {_reason(exc)}")
    return summary


def _append_run(out_dir: str, record: dict, strict: bool = False) -> None:
    try:
        with open(os.path.join(out_dir, RUNS), "ab") as fh:
            _write(fh, _line(record))
    except OSError:
        if strict:
            raise


class _Run:
    """One locked run: list, plan, work, merge, commit."""

    def __init__(self, paths, out_dir: str, options: BatchOptions, summary: RunSummary, emit: Report,
                 registry, lock_fd: int):
        self.paths, self.out_dir, self.opts, self.summary, self.emit = paths, out_dir, options, summary, emit
        self.registry, self.lock_fd = registry, lock_fd
        self.internal = os.path.join(out_dir, INTERNAL_DIR)
        self.shards = os.path.join(self.internal, "shards")
        self.state_path = os.path.join(self.internal, "state.json")
        self.entries: dict[str, dict] = {}         # the new state's inputs
        self.failures: dict[str, list[dict]] = {}  # input name -> its errors that are not cached
        self.inputs: dict[str, Input] = {}
        self.counted: set[str] = set()
        self.done = 0
        self.last_checkpoint = time.monotonic()

    def warn(self, message: str) -> None:
        self.summary.warnings.append(message)
        self.emit("warning", message)

    def job(self, inp: Input, prev: dict | None, redo: bool) -> dict:
        return {"rel": inp.rel, "path": inp.path, "kind": inp.kind, "max_bytes": self.opts.max_bytes,
                "engine": self.summary.engine, "shards": self.shards, "redo": redo,
                "prev_shard": prev["shard"] if prev else None}

    def run(self) -> None:
        global _REGISTRY, _CRASH

        s = self.summary
        listing = discover(self.paths, self.out_dir, self.opts)
        self.listing = listing
        for w in listing.warnings:
            self.warn(w)
        notes: list[str] = []
        self.prev = _load_state(self.state_path, notes)
        for w in notes:
            self.warn(w)
        self.prev_inputs: dict = self.prev["inputs"]
        same_engine = self.prev.get("engine") == s.engine
        if self.opts.force:
            s.redo = "forced"
        elif self.prev_inputs and not same_engine:
            s.redo = "claimx or its rules changed"
        self.usable = self.prev_inputs if same_engine and not self.opts.force else {}

        jobs = []
        s.seen = len(listing.inputs)
        for inp in listing.inputs:
            self.inputs[inp.rel] = inp
            entry = self.usable.get(inp.rel)
            if (entry and not entry.get("retry") and tuple(entry.get("sig", ())) == inp.sig
                    and entry.get("seen_ns", 0) - inp.sig[1] > RACY_NS
                    and os.path.exists(os.path.join(self.shards, entry["shard"]))):
                self.entries[inp.rel] = entry  # unchanged: not even read
                self.counted.add(inp.rel)
                s.skipped += 1
            else:
                jobs.append(self.job(inp, entry, redo=self.opts.force or bool(entry and entry.get("retry"))))
        s.deleted = len(set(self.prev_inputs) - set(self.inputs))

        n = min(self.opts.jobs or usable_cores(), len(jobs))
        s.jobs = n
        _REGISTRY = self.registry  # inherited by the forked workers
        _CRASH = os.environ.get("CLAIMX_BATCH_CRASH") or None
        try:
            if jobs:
                _warm_up(self.registry, jobs)
            self.emit("total", len(jobs))
            _run_jobs(jobs, n, self.lock_fd, self.on_result)
            bad = self.merge()
            if bad:  # a shard went missing or was cut short (a machine crash, a hand): read those inputs again
                for rel in bad:
                    self.entries.pop(rel, None)
                again = [self.job(self.inputs[rel], None, redo=True) for rel in bad]
                _warm_up(self.registry, again)
                s.jobs = min(self.opts.jobs or usable_cores(), len(again))
                _run_jobs(again, s.jobs, self.lock_fd, self.on_result)
                bad = self.merge()
                for rel in bad:
                    self.entries.pop(rel, None)
                    self.failures[rel] = [_error(rel, "internal", "its result could not be stored; "
                                                                  "tried again next run")]
                if bad:
                    self.merge()
        finally:
            _REGISTRY = _CRASH = None

        state = {"format": STATE_FORMAT, "claimx": __version__, "rules": s.rules, "engine": s.engine,
                 "output": self.output, "inputs": self.entries}
        _pause("state")
        try:
            self.save(state, durable=True)
        except OutputError as exc:  # claims.jsonl is new and complete; the old state makes the next run check it
            raise OutputError(exc.path, exc.reason, f"{CLAIMS} and {ERRORS} are up to date, the next run "
                                                    "checks them again") from None
        _pause("cleanup")
        self.cleanup()

    def on_result(self, job: dict, result: dict) -> None:
        s = self.summary
        rel = job["rel"]
        inp = self.inputs[rel]
        status = result["status"]
        if status == "output_error":
            raise OutputError(result["path"], result["reason"])
        prior = self.prev_inputs.get(rel)
        first = rel not in self.counted  # an input read again (its shard was lost) counts once
        self.counted.add(rel)
        if status in ("done", "cached"):
            entry = {"hash": result["hash"], "shard": result["shard"], "sig": list(inp.sig), "seen_ns": inp.seen_ns}
            if result.get("retry"):
                entry["retry"] = True
            self.entries[rel] = entry
            self.failures.pop(rel, None)
            if not first:
                pass
            elif status == "cached" and prior and prior.get("hash") == result["hash"]:
                s.skipped += 1
            elif prior:
                s.changed += 1
            else:
                s.new += 1
            s.extracted += result.get("extracted", 0)
            s.reused += result.get("reused", 0)
            for w in result.get("warnings", ()):
                self.warn(w)
        else:
            self.failures[rel] = result["errors"]
            if not first:
                pass
            elif prior:
                s.changed += 1
            else:
                s.new += 1
        self.done += 1
        self.emit("advance", rel)
        _pause(f"after-{self.done}")
        if time.monotonic() - self.last_checkpoint > CHECKPOINT_SECONDS:
            # finished inputs survive a kill without being read again; the output is not touched,
            # so the state still describes the claims.jsonl on disk
            self.save(dict(self.prev, engine=s.engine, claimx=__version__, rules=s.rules,
                           inputs={**self.usable, **self.entries}), durable=False)
            self.last_checkpoint = time.monotonic()

    def save(self, state: dict, durable: bool) -> None:
        try:
            _save_state(self.state_path, state, durable)
        except OutputError:
            raise
        except OSError as exc:
            raise OutputError(self.state_path, _reason(exc)) from None

    def merge(self) -> list[str]:
        """Write claims.jsonl and errors.jsonl from the shards, unless they already hold exactly
        this. Returns the names of inputs whose shard is missing or cut short (then nothing is
        written)."""
        s = self.summary
        items = [(inp.rel, (self.entries.get(inp.rel) or {}).get("shard")) for inp in self.listing.inputs]
        walk_errors = sorted(self.listing.errors, key=lambda e: e["path"])
        digest = hashlib.sha256()
        for rel, shard in items:
            digest.update(_line({"input": rel, "shard": shard, "errors": self.failures.get(rel)}))
        for err in walk_errors:
            digest.update(_line({"walk": err}))
        output_digest = digest.hexdigest()[:32]
        claims_path, errors_path = os.path.join(self.out_dir, CLAIMS), os.path.join(self.out_dir, ERRORS)
        old = self.prev.get("output") or {}
        if (old.get("digest") == output_digest and _size(claims_path) == old.get("claims_bytes")
                and _size(errors_path) == old.get("errors_bytes")):
            errors = [tuple(e) for e in old.get("errors", ())]
            claims = old.get("claims", 0)
        else:
            shard_lines: dict[str, list[bytes]] = {}
            bad = []
            for rel, shard in items:
                if shard is not None:
                    lines = read_shard(os.path.join(self.shards, shard))
                    if lines is None:
                        bad.append(rel)
                    else:
                        shard_lines[rel] = lines
            if bad:
                return bad
            merged: list[tuple[str, dict]] = []  # (input name, error), in input order
            claims = 0
            for rel, _ in items:
                for line in shard_lines.get(rel, ()):
                    if line.startswith(CLAIM_PREFIX):
                        claims += 1
                    elif b'"error": ' in line:
                        rec = json.loads(line)
                        if "error" in rec:
                            merged.append((rel, rec["error"]))
                merged.extend((rel, err) for err in self.failures.get(rel, ()))
            merged.extend((err["path"], err) for err in walk_errors)
            merged.sort(key=lambda t: t[0])  # stable: record order within an input
            errors = merged

            def claim_lines() -> Iterator[bytes]:
                for rel, _ in items:
                    for line in shard_lines.get(rel, ()):
                        if line.startswith(CLAIM_PREFIX):
                            yield line

            _pause("merge")
            _replace_all([(claims_path, claim_lines()), (errors_path, (_line(e) for _, e in errors))])
            s.rewritten = True
        s.errors = [e for _, e in errors]
        s.failed = len({rel for rel, _ in errors})
        s.claims = claims
        self.output = {"digest": output_digest, "claims": claims, "claims_bytes": _size(claims_path),
                       "errors_bytes": _size(errors_path), "errors": [list(e) for e in errors]}
        return []

    def cleanup(self) -> None:
        """Remove shards no input refers to any more, and temporary files of killed runs."""
        keep = {e["shard"] for e in self.entries.values()}
        self._remove(self.shards, lambda name: name not in keep)
        self.remove_temporary()

    def remove_temporary(self) -> None:
        """Remove temporary files: while the lock is held, any there is left over."""
        ours = (f".{CLAIMS}.tmp-", f".{ERRORS}.tmp-", ".state.json.tmp-")
        self._remove(self.shards, lambda name: name.startswith(".") and ".tmp-" in name)
        self._remove(self.out_dir, lambda name: name.startswith(ours))
        self._remove(self.internal, lambda name: name.startswith(ours))

    @staticmethod
    def _remove(folder: str, which: Callable[[str], bool]) -> None:
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            if which(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def _warm_up(registry, jobs: list[dict]) -> None:
    warm_up(registry, html=any(j["kind"] == "html" for j in jobs), inputs=len(jobs))


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
