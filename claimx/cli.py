"""Command line: options -> library -> render; errors -> messages and exit codes. No patterns here.

Exit codes: 0 when every input was read (with or without claims), 1 when any input could not be
read (its error is on stderr, the other inputs' claims are still printed), 2 for usage errors.
stdout carries data only; errors (`claimx: error: PATH: reason`) and warnings
(`claimx: warning: ...`) go to stderr.

The options shared by every command that prints claims (`--format`, `--explain`, `--sources`,
`--max-bytes`) are defined once below as annotated types, so `compare`, `batch` and `eval` take
them the same way.
"""
from __future__ import annotations

import sys
from typing import Annotated, NoReturn, Optional

import typer

from . import __version__, render
from .errors import ClaimxError, InputError, UsageError
from .render import Format, default_format
from .settings import SETTINGS

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

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
    from .registry import build, default_registry

    files = tuple(sources or ())
    try:
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

def error(message: str) -> None:
    print(f"claimx: error: {message}", file=sys.stderr, flush=True)


def warning(message: str) -> None:
    print(f"claimx: warning: {message}", file=sys.stderr, flush=True)


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
) -> None:
    """Extract casualty claims (claimx/claim@1 records) from each input, in order."""
    try:
        registry = build_registry(sources)
    except UsageError as exc:
        usage_exit(exc)
    fmt = resolve_format(fmt)
    out = render.writer(fmt, data_stream(fmt), explain)
    failed = read = 0
    for path in paths:
        claims = _extract_one(path, registry, max_bytes)
        if claims is not None:
            try:
                out.write(claims)
            except BrokenPipeError:
                raise
            except Exception as exc:
                claims = _internal_error(path, exc)
        if claims is None:
            failed += 1
        else:
            read += 1
    out.close()
    if fmt is Format.table and read and out.count == 0:  # an empty screen would look like a hang
        print("claimx: no claims found", file=sys.stderr)
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)


def _extract_one(path: str, registry, max_bytes: int):
    """The claims of one input, or None after reporting why it could not be read."""
    import claimx

    try:
        doc = claimx.read(path, max_bytes=max_bytes)
        for w in doc.warnings:
            warning(w)
        return claimx.extract(doc.text, doc.doc, registry=registry)
    except InputError as exc:
        error(f"{exc.path}: {exc.reason}")
    except ClaimxError as exc:
        from .reader import display_name

        error(f"{display_name(path)}: {exc}")
    except BrokenPipeError:  # stdout went away: click ends the run quietly
        raise
    except Exception as exc:
        return _internal_error(path, exc)
    return None


def _internal_error(path: str, exc: Exception) -> None:
    """A bug in claimx: reported for this input, which must not hide the other inputs' claims."""
    from .reader import display_name

    error(f"{display_name(path)}: internal error ({type(exc).__name__}: {exc}); please report it")


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
            claims = _extract_one(path, registry, max_bytes)
            if claims is None:
                failed += 1
            else:
                records += [c.to_dict() for c in claims]
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
    from .render_compare import CompareFormat

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


def main() -> None:
    app(prog_name="claimx")
