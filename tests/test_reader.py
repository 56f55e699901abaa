"""The reader: bytes in, decoded text or a typed InputError out; warnings travel with the document."""
from __future__ import annotations

import codecs
import io
import sys

import pytest

import claimx
from claimx.errors import InputError
from claimx.reader import decode, looks_english, read_path

from conftest import check_records

ENGLISH = ("At least 12 people were killed and 30 were injured when a bus crashed near the town "
           "on Tuesday, police said, adding that the driver had been working for twelve hours.")
# the same sentence with characters outside ASCII, as an English news text in cp1252 would have them
WESTERN = ("At least 12 people were killed near the café “Le Soleil” on Tuesday, police said — and "
           "José Muñoz, a naïve witness, said 30 were injured. The driver’s family was told at noon.")
GERMAN = ("Bei dem Anschlag in der Hauptstadt sind nach Angaben der Polizei mindestens zwölf Menschen "
          "getötet worden. Die Behörden erklärten am Dienstag, dass viele weitere Menschen verletzt "
          "worden seien und dass die Zahl der Opfer noch steigen könnte, wie Augenzeugen berichteten.")


# ------------------------------------------------------------------------------------------------
# decoding: (id, bytes, expected text, expected encoding, a word every warning must contain or None)
DECODE_CASES = [
    ("utf8", ENGLISH.encode(), ENGLISH, "utf-8", None),
    ("utf8-bom", codecs.BOM_UTF8 + ENGLISH.encode(), ENGLISH, "utf-8", None),
    ("utf16-le-bom", codecs.BOM_UTF16_LE + WESTERN.encode("utf-16-le"), WESTERN, "utf-16", None),
    ("utf16-be-bom", codecs.BOM_UTF16_BE + WESTERN.encode("utf-16-be"), WESTERN, "utf-16", None),
    ("utf32-le-bom", codecs.BOM_UTF32_LE + WESTERN.encode("utf-32-le"), WESTERN, "utf-32", None),
    ("cp1252", WESTERN.encode("cp1252"), WESTERN, "cp1252", "cp1252"),
    ("latin-1", "José Muñoz said 12 were killed at the café.".encode("latin-1"),
     "José Muñoz said 12 were killed at the café.", "cp1252", "cp1252"),
    ("crlf-kept", b"Headline\r\n\r\nTwo people were killed.\r\n", "Headline\r\n\r\nTwo people were killed.\r\n",
     "utf-8", None),
    ("empty", b"", "", "utf-8", None),
    ("non-english", GERMAN.encode(), GERMAN, "utf-8", "English"),
]


@pytest.mark.parametrize("data,text,encoding,warns", [c[1:] for c in DECODE_CASES],
                         ids=[c[0] for c in DECODE_CASES])
def test_decode(data, text, encoding, warns):
    doc = decode(data, "in.txt")
    assert doc.text == text
    assert doc.encoding == encoding
    assert doc.doc == "in.txt"
    if warns is None:
        assert doc.warnings == []
    else:
        assert doc.warnings and all(w.startswith("in.txt: ") and warns in w for w in doc.warnings)


# (id, bytes, kind of the InputError)
REFUSED = [
    ("nul-bytes", b"Two people were killed.\x00\x01\x02 binary", "binary"),
    ("png-header", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("nul-after-utf8-bom", codecs.BOM_UTF8 + b"text\x00more", "binary"),
    ("bad-utf16-after-bom", codecs.BOM_UTF16_LE + b"\x00\xd8", "encoding"),
]


@pytest.mark.parametrize("data,kind", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_decode_refuses(data, kind):
    with pytest.raises(InputError) as err:
        decode(data, "bad.bin")
    assert err.value.kind == kind
    assert err.value.path == "bad.bin"
    assert str(err.value).startswith("bad.bin: ")


@pytest.mark.parametrize("text,english", [
    (ENGLISH, True), (GERMAN, False), ("Zwölf Tote.", True),  # too short to judge: no warning
    ("Москва. " * 30, False),
    # long texts: the lead alone decides only when it is plainly English
    (ENGLISH * 40, True), (WESTERN * 30, True), (GERMAN * 30, False),
    # an English lead of a few lines over a long German text: judged on the first 3,000 characters
    (ENGLISH[:200] + " " + GERMAN * 30, False),
], ids=["english", "german", "short", "cyrillic", "long-english", "long-western", "long-german",
        "english-lead-german-body"])
def test_looks_english(text, english):
    assert looks_english(text) is english


# ------------------------------------------------------------------------------------------------
# files

def test_read_missing(tmp_path):
    with pytest.raises(InputError) as err:
        read_path(str(tmp_path / "nope.txt"))
    assert err.value.kind == "missing"
    assert "no such file" in err.value.reason


def test_read_directory(tmp_path):
    with pytest.raises(InputError) as err:
        read_path(str(tmp_path))
    assert err.value.kind == "directory"


@pytest.mark.parametrize("size,limit,ok", [
    (100, 100, True), (101, 100, False), (10_000, 0, True), (10_000, None, True),
], ids=["at-limit", "over-limit", "zero-means-no-limit", "default-limit"])
def test_read_max_bytes(tmp_path, size, limit, ok):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * size)
    if ok:
        assert len(read_path(str(p), max_bytes=limit).text) == size
    else:
        with pytest.raises(InputError) as err:
            read_path(str(p), max_bytes=limit)
        assert err.value.kind == "too_large"
        assert str(limit) in err.value.reason


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("data,limit,ok", [
    (codecs.BOM_UTF8 + b"Nine people died.", None, True), (b"x" * 50, 10, False),
], ids=["bom", "over-limit"])
def test_read_stdin(monkeypatch, data, limit, ok):
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    if ok:
        doc = read_path("-", max_bytes=limit)
        assert doc.doc == "-" and doc.text == "Nine people died."
    else:
        with pytest.raises(InputError) as err:
            read_path("-", max_bytes=limit)
        assert err.value.kind == "too_large" and err.value.path == "-"


def test_bom_removed_and_offsets_slice_the_decoded_text(tmp_path, example_text):
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + example_text.encode())
    doc = claimx.read(str(p))
    assert doc.text == example_text and not doc.text.startswith("\ufeff")
    records = [c.to_dict() for c in claimx.extract(doc.text, doc.doc)]
    assert records
    check_records(records, doc.text, doc=str(p))
    # the same offsets as without the BOM: the mark is not counted
    plain = [c.to_dict()["mentions"] for c in claimx.extract(example_text)]
    assert [r["mentions"] for r in records] == plain


def test_cp1252_file_extracts_with_offsets(tmp_path):
    p = tmp_path / "legacy.txt"
    p.write_bytes(WESTERN.encode("cp1252"))
    doc = claimx.read(str(p))
    assert doc.encoding == "cp1252" and any("cp1252" in w for w in doc.warnings)
    records = [c.to_dict() for c in claimx.extract(doc.text, doc.doc)]
    check_records(records, doc.text, doc=str(p))
    assert {r["count"]["value"] for r in records} >= {12, 30}


@pytest.mark.parametrize("path,name", [
    ("news/a.txt", "news/a.txt"), ("-", "-"), ("café.txt", "café.txt"),
    ("caf\udce9.txt", "caf\ufffd.txt"), (b"caf\xe9.txt", "caf\ufffd.txt"),
], ids=["plain", "stdin", "unicode", "undecodable-byte", "bytes-path"])
def test_display_name(path, name):
    from claimx.reader import display_name

    assert display_name(path) == name
    name.encode("utf-8")  # always writable as UTF-8
