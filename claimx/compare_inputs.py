"""The inputs of `claimx compare`: articles or claim records, told apart by their content.

- JSON Lines whose lines carry `"schema": "claimx/claim@1"` are claims (what `claimx extract`
  prints); lines with a `"text"` string are articles (a dump, as `batch` reads it), named
  `dump.jsonl#<id>`, with their `title`, `date` and `url` kept as `doc_meta`. One file may mix both.
- A JSON array of claim records (`claimx extract -f json`) is claims.
- An HTML page (by its name, or content that starts with `<!DOCTYPE html` or `<html`) is one article:
  its text, title, date and URL as the reader extracts them.
- Anything else is the text of one article.

Articles are extracted here with the given registry. Nothing prints: a line or an input that
cannot be used is an `InputError` in the result, next to the claims of everything else.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from .errors import InputError
from .models import SCHEMA_ID, Claim
from .reader import Document, decode, html_document, input_kind, jsonl_documents, read_bytes


@dataclass
class Loaded:
    """What one input gave: claims in order, errors for the parts that could not be used, warnings."""

    claims: list[Claim] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "text"      # text | html | claims | articles | mixed


def _looks_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


def _extract(doc: Document, registry, out: Loaded) -> None:
    import claimx

    meta = doc.meta or None
    out.claims.extend(c.with_(doc_meta=meta) if meta and not c.doc_meta else c
                      for c in claimx.extract(doc.text, doc.doc, registry=registry))


def _claim(rec: dict, where: str) -> Claim:
    try:
        return Claim.from_dict(rec)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(where, f"not a usable claim record ({type(exc).__name__}: {exc})", kind="format") from None


def load(path: str | os.PathLike, *, registry=None, max_bytes: int | None = None) -> Loaded:
    """Read one input (`-` is standard input) and give its claims; raises InputError when the
    input cannot be read at all."""
    name, data = read_bytes(path, max_bytes=max_bytes)
    return load_bytes(data, name, registry=registry)


def load_bytes(data: bytes, name: str, *, registry=None) -> Loaded:
    out = Loaded()
    if input_kind(name) == "html":
        out.kind = "html"
        doc = html_document(data, name)
        out.warnings += doc.warnings
        _extract(doc, registry, out)
        return out
    doc = decode(data, name)
    text = doc.text
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            arr = json.loads(text)
        except json.JSONDecodeError:
            arr = None
        if isinstance(arr, list) and all(isinstance(r, dict) and r.get("schema") == SCHEMA_ID for r in arr):
            out.kind = "claims"
            out.warnings += [w for w in doc.warnings if "look like English" not in w]
            for n, rec in enumerate(arr, 1):
                try:
                    out.claims.append(_claim(rec, f"{name}[{n}]"))
                except InputError as exc:
                    out.errors.append(exc)
            return out
    if stripped.startswith("{") and _first_line_is_object(text):
        return _jsonl(doc, registry, out)
    if _looks_html(text):
        out.kind = "html"
        page = html_document(data, name)
        out.warnings += page.warnings
        _extract(page, registry, out)
        return out
    out.warnings += doc.warnings
    _extract(doc, registry, out)
    return out


def _first_line_is_object(text: str) -> bool:
    for line in text.splitlines():
        if line.strip():
            try:
                return isinstance(json.loads(line), dict)
            except json.JSONDecodeError:
                return False
    return False


def _jsonl(doc: Document, registry, out: Loaded) -> Loaded:
    """A JSON Lines input: claim lines become claims, article lines are extracted (line numbers
    and article ids as `reader.jsonl_documents` gives them), other lines are errors."""
    out.warnings += [w for w in doc.warnings if "look like English" not in w]
    lines = doc.text.splitlines()
    article_lines = [""] * len(lines)
    kinds = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            out.errors.append(InputError(f"{doc.doc}:{n}", f"not JSON ({exc.msg})", kind="format"))
            continue
        if isinstance(rec, dict) and rec.get("schema") == SCHEMA_ID:
            kinds.add("claims")
            try:
                out.claims.append(_claim(rec, f"{doc.doc}:{n}"))
            except InputError as exc:
                out.errors.append(exc)
        elif isinstance(rec, dict) and isinstance(rec.get("text"), str):
            kinds.add("articles")
            article_lines[n - 1] = line
        else:
            out.errors.append(InputError(f"{doc.doc}:{n}", "neither a claim record (\"schema\": "
                                         f"\"{SCHEMA_ID}\") nor an article (a \"text\" string)", kind="format"))
    out.kind = "mixed" if len(kinds) > 1 else (kinds.pop() if kinds else "claims")
    if any(article_lines):
        for item in jsonl_documents(Document(doc.doc, "\n".join(article_lines), doc.encoding)):
            if isinstance(item, InputError):
                out.errors.append(item)
            else:
                out.warnings += item.warnings
                _extract(item, registry, out)
    return out
