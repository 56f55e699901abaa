"""Command line: options -> library -> render; errors -> messages and exit codes. No patterns here."""
from __future__ import annotations

import json
import sys

import typer

from . import __version__
from .errors import ClaimxError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Extract casualty claims from news text.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimx {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")) -> None:
    """claimx reads news text and finds every numeric casualty claim."""


@app.command()
def extract(paths: list[str] = typer.Argument(..., help="Files to read; - for standard input.")) -> None:
    """Extract casualty claims as JSONL records (claimx/claim@1)."""
    from .api_io import extract_path

    failed = False
    for p in paths:
        try:
            claims = extract_path(p)
        except ClaimxError as exc:
            print(f"claimx: error: {exc}", file=sys.stderr)
            failed = True
            continue
        for c in claims:
            sys.stdout.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    raise typer.Exit(1 if failed else 0)


def main() -> None:
    app()
