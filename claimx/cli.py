"""Command line: options -> library -> render; errors -> messages and exit codes. No patterns here.

Exit codes: 0 when every input was read (with or without claims), 1 when any input could not be
read (its error is on stderr, the other inputs' claims are still printed), 2 for usage errors;
`batch` adds 74 (the output folder cannot be written) and 75 (another run holds it).
stdout carries data only; errors (`claimx: error: PATH: reason`) and warnings
(`claimx: warning: ...`) go to stderr.

The options shared by every command that prints claims (`--format`, `--explain`, `--sources`,
`--max-bytes`) are defined once below as annotated types, so `compare`, `batch` and `eval` take
them the same way.
"""
from __future__ import annotations

import sys
from typing import Annotated, Callable, NoReturn, Optional

import typer

from . import __version__, render
from .errors import ClaimxError, InputError, UsageError
from .render import Format, default_format
from .settings import SETTINGS

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
EXIT_OUTPUT, EXIT_LOCKED = 74, 75  # sysexits.h EX_IOERR, EX_TEMPFAIL: for cron wrappers

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Extract casualty claims from news text.")

# ------------------------------------------------------------------------------------------------
# shared options

FormatOption = Annotated[Optional[Format], typer.Option(
    "--format", "-f", case_sensitive=False, show_default=False,
    help="Output format. Default: table on a terminal, jsonl otherwise.")]
ExplainOption = Annotated[bool, typer.Option(
    "--explain", help="Show which rules produced each claim (a rule column in table, csv, markdown).")]
SourcesOption = Annotated[Optional[list[str]], typer.Option(
    "--sources", metavar="FILE", show_default=False,
    help="An extra source-registry TOML file (aliases, kind, side); repeatable.")]
MaxBytesOption = Annotated[int, typer.Option(
    "--max-bytes", metavar="N", min=0,
    help="Refuse an input larger than N bytes (an error for that input); 0 for no limit.")]


def resolve_format(fmt: Format | None, stream=None) -> Format:
    """The chosen format, or the default for `stream` (stdout): table on a terminal, else jsonl."""
    return fmt if fmt is not None else default_format(stream if stream is not None else sys.stdout)


def build_registry(sources: list[str] | None):
    """The source registry: the shipped one with the user's config and any `--sources` files.
    A file that cannot be used is a usage error (exit 2) naming it."""
    from .registry import build, default_registry, user_config_path

    files = tuple(sources or ())
    try:
        if not files and not user_config_path().is_file():
            return None         # the shipped registry, loaded when a source first needs it
        return build(files, use_config=True) if files else default_registry()
    except UsageError:
        raise
    except Exception as exc:  # a TOML file of the wrong shape the registry did not anticipate
        culprit = next((f for f in files if _fails(build, f)), ", ".join(files) or "sources")
        raise UsageError(f"{culprit}: not a usable sources file ({type(exc).__name__}: {exc})") from None


def _fails(build, path: str) -> bool:
    try:
        build((path,), use_config=False)
    except Exception:
        return True
    return False


# ------------------------------------------------------------------------------------------------
# messages

def _say(kind: str, message: str) -> None:
    print(f"claimx: {kind}: {message}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    _say("error", message)


def warning(message: str) -> None:
    _say("warning", message)


def usage_exit(exc: ClaimxError) -> NoReturn:
    error(str(exc))
    raise typer.Exit(EXIT_USAGE)


def data_stream(fmt: Format):
    """stdout, writing UTF-8 for the machine formats whatever the locale says."""
    out = sys.stdout
    if fmt.machine and (getattr(out, "encoding", None) or "").lower().replace("-", "") != "utf8":
        try:
            out.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError):
            pass
    return out


# ------------------------------------------------------------------------------------------------
# commands

def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimx {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    """claimx reads news text and finds every numeric casualty claim."""


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", show_default=False,
                                               help="Files to read; - for standard input.")],
    fmt: FormatOption = None,
    explain: ExplainOption = False,
    sources: SourcesOption = None,
    max_bytes: MaxBytesOption = SETTINGS.max_bytes,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", metavar="N", min=0,
        help="Read the inputs on N worker processes (0: one per core); the output is the same, "
             "in the same order.")] = 1,
) -> None:
    """Extract casualty claims (claimx/claim@1 records) from each input, in order."""
    try:
        registry = build_registry(sources)
    except UsageError as exc:
        usage_exit(exc)
    fmt = resolve_format(fmt)
    out = render.writer(fmt, data_stream(fmt), explain)
    failed = read = 0

    def done(path: str, claims, ok: bool) -> None:
        nonlocal failed, read
        if claims is not None:
            try:
                out.write(claims)
            except BrokenPipeError:
                raise
            except Exception as exc:
                claims = _internal_error(path, exc)
        if claims is None or not ok:
            failed += 1
        else:
            read += 1

    if jobs != 1 and len(paths) > 1 and _can_fork():
        _extract_parallel(paths, registry, max_bytes, jobs, done)
    else:       # one input, --jobs 1, or a platform whose workers would not inherit the registry
        for path in paths:
            done(path, *_extract_one(path, registry, max_bytes))
    out.close()
    if fmt is Format.table and read and out.count == 0:  # an empty screen would look like a hang
        print("claimx: no claims found", file=sys.stderr)
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)


def _extract_one(path: str, registry, max_bytes: int, say: Callable[[str, str], None] | None = None):
    """(the claims of every document in one input, whether all of it could be read); the claims
    are None after reporting why the input could not be read at all. An HTML page is its article
    text, a JSONL dump one document per line (a line that cannot be used is reported).
    Errors and warnings go to `say(kind, message)`: printed at once unless a worker collects them."""
    import claimx
    from .reader import documents

    say = say or _say
    try:
        claims, ok = [], True
        for doc in documents(path, max_bytes=max_bytes):
            if isinstance(doc, InputError):
                say("error", f"{doc.path}: {doc.reason}")
                ok = False
                continue
            for w in doc.warnings:
                say("warning", w)
            found = claimx.extract(doc.text, doc.doc, registry=registry)
            claims.extend(c.with_(doc_meta=dict(doc.meta)) if doc.meta else c for c in found)
        return claims, ok
    except InputError as exc:
        say("error", f"{exc.path}: {exc.reason}")
    except ClaimxError as exc:
        from .reader import display_name

        say("error", f"{display_name(path)}: {exc}")
    except BrokenPipeError:  # stdout went away: click ends the run quietly
        raise
    except Exception as exc:
        return _internal_error(path, exc, say), False
    return None, False


def _internal_error(path: str, exc: Exception, say: Callable[[str, str], None] | None = None) -> None:
    """A bug in claimx: reported for this input, which must not hide the other inputs' claims."""
    from .reader import display_name

    (say or _say)("error", f"{display_name(path)}: internal error ({type(exc).__name__}: {exc}); please report it")


# `extract --jobs`: the registry and size limit the forked workers inherit from the parent
_WORKER: dict = {}


def _can_fork() -> bool:
    from .workers import mp_context

    return mp_context().get_start_method() == "fork"


def _extract_job(path: str):
    """A worker's job: one input's claims, with its messages kept to be printed in input order."""
    said: list[tuple[str, str]] = []
    claims, ok = _extract_one(path, _WORKER["registry"], _WORKER["max_bytes"], lambda k, m: said.append((k, m)))
    return claims, ok, said


def _extract_died(path: str, how: str):
    from .reader import display_name

    return None, False, [("error", f"{display_name(path)}: the worker process reading it died ({how})")]


def _extract_parallel(paths: list[str], registry, max_bytes: int, jobs: int, done) -> None:
    """`done(path, claims, ok)` for every input in order, the inputs read on worker processes.
    Standard input is read by this process, in its place among the others."""
    from .reader import input_kind
    from .workers import run_pool, usable_cores, warm_up

    def deliver(path: str, result) -> None:
        claims, ok, said = result
        for kind, message in said:
            _say(kind, message)
        done(path, claims, ok)

    n = jobs or usable_cores()
    warm_up(registry, html=any(input_kind(p) == "html" for p in paths), inputs=len(paths))
    _WORKER.update(registry=registry, max_bytes=max_bytes)
    try:
        run: list[str] = []
        for path in [*paths, None]:
            if path is None or path == "-":
                if run:
                    run_pool(run, min(n, len(run)), _extract_job, deliver, _extract_died, ordered=True,
                             window=max(256, 32 * n), name="claimx-extract")
                    run = []
                if path is not None:
                    done(path, *_extract_one(path, registry, max_bytes))
            else:
                run.append(path)
    finally:
        _WORKER.clear()


@app.command("eval")
def eval_(
    paths: Annotated[Optional[list[str]], typer.Argument(metavar="PATH", show_default=False,
                                                         help="Articles to extract and score.")] = None,
    gold: Annotated[str, typer.Option("--gold", metavar="GOLD.jsonl", show_default=False,
                                      help="Gold claims, JSONL in the gold format (docs/schema.md).")] = ...,
    pred: Annotated[Optional[str], typer.Option("--pred", metavar="PRED.jsonl", show_default=False,
                                                help="Score these claim records instead of extracting.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every miss, false claim and wrong source.")] = False,
    fmt: FormatOption = None,
    sources: SourcesOption = None,
    max_bytes: MaxBytesOption = SETTINGS.max_bytes,
) -> None:
    """Score claimx on annotated articles: precision, recall and F1 for counts and for counts with
    sources, per category and per qualifier, and the accuracy of attribution, qualifiers, events
    and hedging. Documents are matched to gold lines by file name."""
    from . import evaluate, render_eval

    if bool(paths) == bool(pred):
        usage_exit(UsageError("give either articles to extract (PATH...) or --pred PRED.jsonl"))
    try:
        gold_rows = evaluate.read_jsonl(gold)
        registry = build_registry(sources)
    except InputError as exc:
        usage_exit(UsageError(f"{exc.path}: {exc.reason}"))
    except UsageError as exc:
        usage_exit(exc)
    failed = 0
    records: list[dict] = []
    if pred:
        try:
            records = evaluate.read_jsonl(pred)
        except InputError as exc:
            usage_exit(UsageError(f"{exc.path}: {exc.reason}"))
    else:
        for path in paths:
            claims, ok = _extract_one(path, registry, max_bytes)
            failed += not ok
            records += [c.to_dict() for c in claims or ()]
    try:
        report = evaluate.score(gold_rows, records, origin=gold)
    except InputError as exc:
        usage_exit(UsageError(f"{exc.path}: {exc.reason}"))
    if report.unknown_docs:
        warning(f"claims of {len(report.unknown_docs)} document(s) not in {gold} were left out, "
                f"e.g. {sorted(report.unknown_docs)[0]!r} (documents are matched by file name)")
    fmt = resolve_format(fmt)
    out = data_stream(fmt if fmt is not Format.table else Format.json)
    out.write(render_eval.render(report, fmt, errors=errors))
    out.flush()
    if fmt.machine:
        print(f"claimx: {render_eval.summary_line(report)}", file=sys.stderr)
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the claim record, claimx/claim@1."""
    from .schema import claim_schema_text

    out = data_stream(Format.json)
    out.write(claim_schema_text())
    out.flush()


# ------------------------------------------------------------------------------------------------
# compare

def _compare_format_option():
    from .render import CompareFormat

    return Annotated[Optional[CompareFormat], typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False,
        help="Output format: table, json, jsonl, csv, markdown, html. Default: table on a terminal, "
             "json otherwise (with --out, the format its suffix names: .html, .md, .csv, .json, .jsonl).")]


@app.command()
def compare(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Articles (text, HTML, a JSONL dump) or claim records from `claimx extract`; - for standard input.")],
    fmt: _compare_format_option() = None,
    per_document: Annotated[bool, typer.Option(
        "--per-document", help="Keep every article's events apart (no grouping across articles).")] = False,
    out: Annotated[Optional[str], typer.Option(
        "--out", "-o", metavar="FILE", show_default=False, help="Write the output to FILE instead of stdout.")] = None,
    sources: SourcesOption = None,
    max_bytes: MaxBytesOption = SETTINGS.max_bytes,
) -> None:
    """Competing claims side by side: one table per incident, within and across articles.

    Each table has a row per source, a column per category, the spread of the figures and whether sources disagree. Claims about the same incident in different articles are grouped by place, date, incident words and figures, with the reasons in the output (docs/compare.md).
    """
    from . import compare as compare_lib
    from . import compare_inputs, render_compare
    from .render_compare import CompareFormat

    try:
        registry = build_registry(sources)
    except UsageError as exc:
        usage_exit(exc)
    if out is not None and not out.strip():
        usage_exit(UsageError("--out needs a file name"))
    claims, failed = [], 0
    for path in paths:
        try:
            got = compare_inputs.load(path, registry=registry, max_bytes=max_bytes)
        except InputError as exc:
            error(f"{exc.path}: {exc.reason}")
            failed += 1
            continue
        except ClaimxError as exc:
            from .reader import display_name

            error(f"{display_name(path)}: {exc}")
            failed += 1
            continue
        except BrokenPipeError:
            raise
        except Exception as exc:
            _internal_error(path, exc)
            failed += 1
            continue
        for w in got.warnings:
            warning(w)
        for e in got.errors:
            error(f"{e.path}: {e.reason}")
        failed += bool(got.errors)
        claims.extend(got.claims)
    result = compare_lib.comparison(claims, per_document=per_document)
    if out is not None:
        fmt = fmt or render_compare.format_for_file(out)
        try:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                fh.write(render_compare.render(result, fmt))
        except OSError as exc:
            error(f"{out}: cannot write ({(exc.strerror or str(exc)).lower()})")
            raise typer.Exit(EXIT_INPUT) from None
    else:
        fmt = fmt or render_compare.default_format(sys.stdout)
        stream = data_stream(Format.json if fmt.machine else Format.table)
        if fmt is CompareFormat.table:
            render_compare.print_tables(result, stream, terminal=stream.isatty() if hasattr(stream, "isatty") else False)
        else:
            stream.write(render_compare.render(result, fmt))
        stream.flush()
    if fmt is CompareFormat.table and not result["events"]:
        print("claimx: no claims found", file=sys.stderr)
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)

class _BatchReport:
    """What `batch` shows while it works: warnings (unless --quiet) and, on a terminal only, a
    progress bar; all on stderr."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.progress = None
        self.task = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("claimx batch"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), TextColumn("{task.description}"),
                                     console=Console(stderr=True), transient=True, auto_refresh=False)

    def __call__(self, event: str, value) -> None:
        if event == "warning":
            if not self.quiet:
                if self.progress is not None:
                    self.progress.console.print(f"claimx: warning: {value}", markup=False, highlight=False)
                else:
                    warning(value)
        elif event == "total" and self.progress is not None and value:
            self.progress.start()
            self.task = self.progress.add_task("", total=value)
        elif event == "advance" and self.task is not None:
            self.progress.update(self.task, advance=1, description=value, refresh=True)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@app.command()
def batch(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", show_default=False,
                                               help="Folders, files and glob patterns to read.")],
    out: Annotated[str, typer.Option("--out", "-o", metavar="OUTDIR", show_default=False,
                                     help="The output folder (claims.jsonl, errors.jsonl, runs.jsonl, state).")],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Walk sub-folders too.")] = False,
    include: Annotated[Optional[list[str]], typer.Option(
        "--include", metavar="PATTERN", show_default=False,
        help="Read only files matching PATTERN (a file name, or a relative path when it has a /); "
             "repeatable. Default: .txt .md .html .htm .xhtml .jsonl .ndjson.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", metavar="PATTERN", show_default=False,
        help="Leave out files and folders matching PATTERN; repeatable.")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", metavar="N", min=1, show_default=False,
        help="Worker processes. Default: the number of cores.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo every input, changed or not.")] = False,
    wait: Annotated[float, typer.Option(
        "--wait", metavar="SECONDS", min=0,
        help="When another run holds OUTDIR, wait this long for it before giving up (exit code 75).")] = 0.0,
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="Follow symbolic links that lead outside the input folders.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    sources: SourcesOption = None,
    max_bytes: MaxBytesOption = SETTINGS.max_bytes,
) -> None:
    """Extract the claims of every input under PATH into OUTDIR, doing only new work.

    OUTDIR/claims.jsonl holds the current claims of every input and OUTDIR/errors.jsonl the inputs that failed.

    A rerun reads only new and changed inputs. Nothing is printed on stdout.

    Exit codes: 0 all good, 1 some inputs failed, 2 usage error, 74 OUTDIR cannot be written, 75 another run holds OUTDIR.
    """
    from .batch import BatchOptions, LockedError, OutputError, run_batch

    options = BatchOptions(recursive=recursive, include=tuple(include or ()), exclude=tuple(exclude or ()),
                           jobs=jobs, force=force, wait=wait, max_bytes=max_bytes, sources=tuple(sources or ()),
                           follow_links=follow_links)
    report = _BatchReport(quiet)
    try:
        summary = run_batch(paths, out, options, report=report)
    except UsageError as exc:
        report.close()
        usage_exit(exc)
    except LockedError as exc:
        report.close()
        error(str(exc))
        raise typer.Exit(EXIT_LOCKED)
    except OutputError as exc:
        report.close()
        error(str(exc))
        raise typer.Exit(EXIT_OUTPUT)
    except KeyboardInterrupt:
        report.close()
        error("interrupted; finished inputs are kept, the next run goes on from there")
        raise typer.Exit(130)
    report.close()
    for rec in summary.errors:
        error(f"{rec['path']}: {rec['message']}")
    if not quiet:
        print(f"claimx: batch: {summary_line(summary)}", file=sys.stderr, flush=True)
    raise typer.Exit(EXIT_INPUT if summary.failed else EXIT_OK)


def summary_line(s) -> str:
    """One line for people: `7 inputs (2 new, 1 changed, 4 unchanged), 1 deleted, 1 failed; ...`."""
    import os

    parts = [f"{s.seen} input{'s' if s.seen != 1 else ''} ({s.new} new, {s.changed} changed, {s.skipped} unchanged)"]
    if s.deleted:
        parts.append(f"{s.deleted} deleted")
    if s.failed:
        parts.append(f"{s.failed} failed")
    line = ", ".join(parts)
    line += f"; {s.claims} claim{'s' if s.claims != 1 else ''} in {os.path.join(s.out_dir, 'claims.jsonl')}"
    if s.redo:
        line += f" (all redone: {s.redo})"
    return line + f"; {s.seconds:.1f} s"


def main() -> None:
    app(prog_name="claimx")
