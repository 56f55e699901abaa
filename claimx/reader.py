"""One reader for every command: bytes in, decoded text (or a typed error) out.

- a file with NUL bytes (or NUL characters after its byte-order mark) is refused as binary;
- a byte-order mark is removed;
- UTF-8 is tried first, then charset-normalizer's best guess (cp1252 when it reads the bytes as
  cleanly as the best guess), with a warning naming the encoding;
- text that does not look like English gets a warning instead of silently yielding nothing.

Nothing here prints: warnings travel with the document and the CLI writes them to stderr.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .errors import InputError
from .models import json_type
from .settings import SETTINGS


@dataclass
class Document:
    """A decoded input. `doc` is the name the user gave (a path, or `-`)."""

    doc: str
    text: str
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str) -> Document:
    """Decode bytes read from `name`; raise InputError when they are not text."""
    warnings: list[str] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(name, f"not valid {codec} text after its byte-order mark ({exc.reason})",
                                 kind="encoding") from None
            text = text.lstrip("\ufeff")
            if "\x00" in text:
                raise InputError(name, "binary file (contains NUL characters), not text", kind="binary")
            return _finish(Document(name, text, codec.replace("-sig", ""), warnings))
    if b"\x00" in data:
        raise InputError(name, "binary file (contains NUL bytes), not text", kind="binary")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _guess(data, name)
        warnings.append(f"{name}: not UTF-8; decoded as {encoding} (best guess)")
    return _finish(Document(name, text.lstrip("\ufeff"), encoding, warnings))


# The legacy encoding of most English news outside UTF-8. For mostly-ASCII text charset-normalizer
# finds several single-byte code pages equally clean (cp1250, cp1252, cp775 all read "café" without
# mess) and ranks them by a language guess that is noise on English; so whenever this one decodes
# with no more mess than the best guess, it wins ("Naïve", not "Naďve"; "José", not "Josķ").
_PREFERRED_LEGACY = "cp1252"


def _guess(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # imported only when UTF-8 fails

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise InputError(name, "cannot decode: not UTF-8 and no other text encoding fits", kind="encoding")
    text, encoding = str(best), best.encoding
    for m in matches:
        if m.chaos <= best.chaos and _PREFERRED_LEGACY in (m.encoding, *m.could_be_from_charset):
            try:
                text, encoding = data.decode(_PREFERRED_LEGACY), _PREFERRED_LEGACY
            except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
                pass
            break
    if _control_ratio(text) > 0.05:
        raise InputError(name, "binary data, not text", kind="binary")
    return text, encoding


_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = len(_CONTROL.findall(text, 0, 20000))
    return bad / min(len(text), 20000)


_WORD = re.compile(r"[^\W\d_]+")        # the standard library's re is faster on this simple class
_ASCII_WORD = re.compile(r"[a-z]+")       # the same words in lower-cased ASCII text, several times faster
_ENGLISH = frozenset(
    "the a an of to in and is was were are for on at by with from that this it he she they said "
    "killed people police have has had been be as not or but who after".split())


def looks_english(text: str) -> bool:
    """True unless a text of some length has almost none of the commonest English words. A few
    paragraphs tell: the first 3,000 characters are read, the first 1,000 only when they already
    are plainly English (a quarter of their words among the commonest), as most news is."""
    lead = text[:1000]
    if lead.isascii():
        words = _ASCII_WORD.findall(lead.lower())
        if len(words) >= 25 and sum(map(_ENGLISH.__contains__, words)) / len(words) > 0.25:
            return True
    head = text[:3000]
    if head.isascii():
        words = _ASCII_WORD.findall(head.lower())
        latin = len(words)
    else:
        words = _WORD.findall(head)
        latin = sum(map(str.isascii, words))
        words = [w.lower() for w in words]
    if len(words) < 25:
        return True
    common = sum(map(_ENGLISH.__contains__, words))
    return latin / len(words) > 0.5 and common / len(words) > 0.08


def _finish(doc: Document) -> Document:
    if not looks_english(doc.text):
        doc.warnings.append(f"{doc.doc}: text does not look like English; claimx reads English news "
                            "and may find nothing here")
    return doc


def display_name(path: str | os.PathLike) -> str:
    """The name a document goes by in records and messages: the path as given, except that bytes
    of a file name that are not UTF-8 (kept by Python as lone surrogates, which no UTF-8 output
    can carry) become U+FFFD."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_path(path: str | os.PathLike, *, max_bytes: int | None = None) -> Document:
    """Read one input: `-` is standard input, anything else a file path. The document (and any
    error) is named by `display_name(path)`."""
    name, data = read_bytes(path, max_bytes=max_bytes)
    return decode(data, name)


def read_bytes(path: str | os.PathLike, *, max_bytes: int | None = None) -> tuple[str, bytes]:
    """The bytes of one input and the name it goes by; raises InputError (missing, a directory,
    unreadable, over the size limit)."""
    fs_path = os.fspath(path)
    name = display_name(fs_path)
    limit = SETTINGS.max_bytes if max_bytes is None else max_bytes
    if name == "-":
        data = sys.stdin.buffer.read(limit + 1 if limit else -1)
        if limit and len(data) > limit:
            raise InputError(name, f"input is larger than the limit of {limit} bytes (--max-bytes)",
                             kind="too_large")
        return name, data
    p = Path(os.fsdecode(fs_path))
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(name, "no such file", kind="missing") from None
    except PermissionError:
        raise InputError(name, "permission denied", kind="unreadable") from None
    except OSError as exc:
        raise InputError(name, _os_reason(exc), kind="unreadable") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(name, "is a directory (claimx batch reads folders)", kind="directory")
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISFIFO(st.st_mode) and not stat.S_ISCHR(st.st_mode):
        raise InputError(name, "not a regular file", kind="unreadable")
    if limit and stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise InputError(name, f"file is {st.st_size} bytes, over the limit of {limit} (--max-bytes)",
                         kind="too_large")
    try:
        with open(p, "rb") as fh:
            # a regular file is read whole (its size was checked; reading a limit's worth would
            # allocate that much for every small file); a pipe or device up to one byte past the limit
            data = fh.read(limit + 1) if limit and not stat.S_ISREG(st.st_mode) else fh.read()
    except FileNotFoundError:
        raise InputError(name, "no such file (it vanished while being read)", kind="missing") from None
    except PermissionError:
        raise InputError(name, "permission denied", kind="unreadable") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory", kind="directory") from None
    except OSError as exc:
        raise InputError(name, _os_reason(exc), kind="unreadable") from None
    if limit and len(data) > limit:
        raise InputError(name, f"input is larger than the limit of {limit} bytes (--max-bytes)",
                         kind="too_large")
    return name, data


# ------------------------------------------------------------------------------------------------
# inputs whose text claimx extracts: HTML pages and JSONL article dumps

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


def input_kind(name: str) -> str:
    """'html', 'jsonl' or 'text', by the file's name."""
    low = name.lower()
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return "text"


def documents(path: str | os.PathLike, *, max_bytes: int | None = None,
              kind: str | None = None) -> list[Document | InputError]:
    """Every document in one input, in order: a text or markdown file is one document; an HTML
    page is one (its article text, extracted with trafilatura: the title, a blank line, the
    body); a JSONL article dump is one per line (`{"id", "text", "title", "date", "url"}`), named
    `dump.jsonl#<id>`. Offsets of claims index this extracted text. A dump line that cannot be
    used is an InputError in the list and the other lines are kept; an input that cannot be read
    at all raises InputError."""
    name, data = read_bytes(path, max_bytes=max_bytes)
    return documents_from_bytes(data, name, kind=kind)


def documents_from_bytes(data: bytes, name: str, *, kind: str | None = None) -> list[Document | InputError]:
    """`documents()` of bytes already read, named `name` (batch runs read and hash the bytes
    themselves, and name documents by their path relative to the input folder)."""
    kind = kind or input_kind(name)
    if kind == "html":
        return [html_document(data, name)]
    if kind == "jsonl":
        return jsonl_documents(decode(data, name))
    return [decode(data, name)]


def html_document(data: bytes, name: str) -> Document:
    """The article text of an HTML page, with its title, date and URL as `meta`."""
    page = decode(data, name)
    try:
        import trafilatura  # imported only for HTML inputs: it is heavy

        found = trafilatura.bare_extraction(page.text, with_metadata=True, include_comments=False,
                                            include_tables=False)
    except Exception as exc:  # trafilatura can fail on hostile markup: that page is an error, not a crash
        raise InputError(name, f"cannot extract the article from this HTML page ({type(exc).__name__})",
                         kind="html") from None
    if found is None:
        raise InputError(name, "no article text found in this HTML page", kind="html")
    got = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    title = " ".join((got.get("title") or "").split())
    body = (got.get("text") or "").strip()
    lines = body.split("\n")
    if title and lines and " ".join(lines[0].split()) == title:
        body = "\n".join(lines[1:]).lstrip("\n")
    text = f"{title}\n\n{body}" if title else body
    meta = {k: got.get(k) for k in ("title", "date", "url") if got.get(k)}
    return _finish(Document(name, text, page.encoding, page.warnings, meta))


def jsonl_documents(dump: Document) -> list[Document | InputError]:
    """The articles of a JSONL dump, one per line; a line that is not an article is an error."""
    import json

    out: list[Document | InputError] = []
    seen: set[str] = set()
    for n, line in enumerate(dump.text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(InputError(f"{dump.doc}:{n}", f"not JSON ({exc.msg})", kind="format"))
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            out.append(InputError(f"{dump.doc}:{n}", "not an article (needs a \"text\" string)", kind="format"))
            continue
        ident = str(rec.get("id") if rec.get("id") not in (None, "") else n)
        if ident in seen:
            ident = f"{ident}@{n}"
        seen.add(ident)
        name = f"{dump.doc}#{ident}"
        meta, notes = {}, []
        for k in ("title", "date", "url"):
            v = rec.get(k)
            if isinstance(v, str) and v:
                meta[k] = v
            elif v not in (None, ""):     # the claims' doc_meta carries strings only (schema.md)
                notes.append(f"{name}: \"{k}\" is {json_type(v)}, not a string; left out")
        title = " ".join(meta.get("title", "").split())
        body = rec["text"].lstrip("\ufeff")
        text = f"{title}\n\n{body}" if title else body
        if "\x00" in text:
            out.append(InputError(name, "binary data (NUL characters) in the text", kind="binary"))
            continue
        out.append(_finish(Document(name, text, dump.encoding, notes, meta)))
    return out


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).rstrip(".").lower()
