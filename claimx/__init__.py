"""claimx: numeric casualty claims out of news text.

    >>> import claimx
    >>> [c.count.value for c in claimx.extract("Seventeen people were killed, police said.")]
    [17]

Public API: `extract(text, doc="-")`, `extract_file(path)`, `read(path)`, the record classes
(`Claim`, `Count`, `Source`, `Victims`, `Mention`) and `__version__`.
Nothing heavy is imported here: rules load on first use.
"""
from __future__ import annotations

from .errors import ClaimxError, InputError, UsageError
from .models import SCHEMA_ID, Claim, Count, Mention, Source, Victims

__version__ = "0.1.0"

__all__ = ["extract", "extract_file", "read", "Claim", "Count", "Mention", "Source", "Victims", "SCHEMA_ID",
           "ClaimxError", "InputError", "UsageError", "__version__"]


def extract(text: str, doc: str = "-", *, registry=None) -> list[Claim]:
    """Every casualty claim in `text`, as claim@1 records; `doc` names the input in the records."""
    from .pipeline import run

    return run(text, doc, registry=registry)


def read(path: str, *, max_bytes: int | None = None):
    """Read one input (`-` is standard input) into a `reader.Document`; raises InputError."""
    from .reader import read_path

    return read_path(path, max_bytes=max_bytes)


def extract_file(path: str, *, registry=None, max_bytes: int | None = None) -> list[Claim]:
    """Read a file (UTF-8, or its detected encoding) and extract its claims; raises InputError."""
    doc = read(path, max_bytes=max_bytes)
    return extract(doc.text, doc.doc, registry=registry)
