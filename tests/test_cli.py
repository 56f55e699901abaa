"""The command line, through typer's CliRunner and through a real `python -m claimx` process:
formats, inputs, messages and exit codes. Every JSON record printed is validated."""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import claimx
from claimx import render
from claimx.cli import app

from conftest import EXAMPLE, SHARED_CORPUS, check_records, parse_jsonl

SHORT = "Seventeen people were killed and 40 were injured in the attack, police said.\n"
GERMAN = ("Bei dem Anschlag in der Hauptstadt sind nach Angaben der Polizei mindestens zwölf Menschen "
          "getötet worden. Die Behörden erklärten am Dienstag, dass viele weitere Menschen verletzt "
          "worden seien und dass die Zahl der Opfer noch steigen könnte, wie Augenzeugen berichteten.\n")
WESTERN = ("At least 12 people were killed near the café “Le Soleil” on Tuesday, police said — and "
           "José Muñoz, a witness, said 30 were injured.\n")


def _runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def run(*args: str, input: bytes | str | None = None, env: dict | None = None):
    result = _runner().invoke(app, [str(a) for a in args], input=input, env=env, catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result


def records_of(result, text: str | None = None, doc: str | None = None) -> list[dict]:
    return check_records(parse_jsonl(result.stdout), text, doc)


@pytest.fixture
def example(tmp_path) -> tuple[str, str]:
    """The example article as a file with a short relative-free name, and its text."""
    text = EXAMPLE.read_text(encoding="utf-8")
    return str(EXAMPLE), text


def _write(tmp_path: Path, name: str, data: bytes | str) -> str:
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(p)


# ------------------------------------------------------------------------------------------------
# formats

def test_default_is_jsonl_when_not_a_terminal(example):
    path, text = example
    result = run("extract", path)
    assert result.exit_code == 0 and result.stderr == ""
    records = records_of(result, text, doc=path)
    assert len(records) >= 5
    assert all(r["rule"] for r in records)
    assert records == [c.to_dict() for c in claimx.extract(text, path)]


@pytest.mark.parametrize("flag", ["--format", "-f"])
def test_format_json(example, flag):
    path, text = example
    result = run("extract", flag, "json", path)
    records = check_records(json.loads(result.stdout), text, doc=path)
    assert result.stdout == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    assert records == records_of(run("extract", "-f", "jsonl", path))


def test_format_json_case_insensitive(example):
    path, _ = example
    assert run("extract", "-f", "JSON", path).stdout == run("extract", "-f", "json", path).stdout


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
def test_format_csv(example, explain):
    path, text = example
    records = records_of(run("extract", path), text)
    result = run("extract", "-f", "csv", path, *(["--explain"] if explain else []))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == render.columns(explain)
    assert len(rows) == len(records)
    for row, r in zip(rows, records):
        assert row["id"] == r["id"] and row["category"] == r["category"]
        assert row["value"] == ("" if r["count"]["value"] is None else str(r["count"]["value"]))
        assert row["count_text"] == r["count"]["text"]
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == r["count"]["text"] == r["mentions"][0]["text"]
        assert int(row["mentions"]) == len(r["mentions"])
        if explain:
            assert row["rule"].split() == r["rule"]


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
def test_format_markdown(example, explain):
    path, text = example
    records = records_of(run("extract", path), text)
    out = run("extract", "-f", "markdown", path, *(["--explain"] if explain else [])).stdout
    lines = out.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == list(render.columns(explain))
    assert len(lines) == 2 + len(records)
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    if explain:
        assert all(" ".join(r["rule"]) in line for r, line in zip(records, lines[2:]))


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
def test_format_table(example, explain):
    path, text = example
    records = records_of(run("extract", path), text)
    result = run("extract", "-f", "table", path, *(["--explain"] if explain else []),
                 env={"COLUMNS": "250"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == list(render.table_columns(explain))
    assert len(lines) == 2 + len(records)  # header, rule, one line per claim at this width
    for r, line in zip(records, lines[2:]):
        assert r["category"] in line and str(r["mentions"][0]["line"]) in line
        assert (" ".join(r["rule"]) in line) is explain


def test_explain_does_not_change_json(example):
    path, _ = example
    assert run("extract", "--explain", path).stdout == run("extract", path).stdout


@pytest.mark.parametrize("fmt", [f.value for f in render.Format])
def test_every_format_is_deterministic(example, fmt):
    path, _ = example
    first = run("extract", "-f", fmt, "--explain", path, path)
    assert first.exit_code == 0
    assert first.stdout == run("extract", "-f", fmt, "--explain", path, path).stdout


# ------------------------------------------------------------------------------------------------
# inputs

def test_stdin():
    result = run("extract", "-", input=SHORT)
    assert result.exit_code == 0
    records = records_of(result, SHORT, doc="-")
    assert {(r["category"], r["count"]["value"]) for r in records} >= {("killed", 17), ("wounded", 40)}


def test_several_inputs_in_order(tmp_path, example):
    path, text = example
    short = _write(tmp_path, "short.txt", SHORT)
    records = parse_jsonl(run("extract", short, path, "-", input=SHORT).stdout)
    docs = list(dict.fromkeys(r["doc"] for r in records))
    assert docs == [short, path, "-"]
    for doc, body in ((short, SHORT), (path, text), ("-", SHORT)):
        check_records([r for r in records if r["doc"] == doc], body, doc=doc)


def test_empty_file_prints_nothing(tmp_path):
    empty = _write(tmp_path, "empty.txt", b"")
    result = run("extract", empty)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("fmt,out", [
    ("jsonl", ""), ("json", "[]\n"), ("csv", ",".join(render.COLUMNS) + "\n"),
    ("markdown", render.markdown_header()), ("table", ""),
])
def test_no_claims_in_each_format(tmp_path, fmt, out):
    path = _write(tmp_path, "calm.txt", "The weather was calm and the market opened on time.\n")
    result = run("extract", "-f", fmt, path)
    assert (result.exit_code, result.stdout) == (0, out)
    assert result.stderr == ("claimx: no claims found\n" if fmt == "table" else "")


def test_bom_is_removed_and_offsets_slice_the_decoded_text(tmp_path):
    path = _write(tmp_path, "bom.txt", codecs.BOM_UTF8 + SHORT.encode())
    result = run("extract", path)
    assert result.exit_code == 0 and result.stderr == ""
    records = records_of(result, SHORT, doc=path)
    assert records and records[0]["mentions"][0]["start"] == 0  # "Seventeen" at the very start


def test_utf16_with_bom(tmp_path):
    path = _write(tmp_path, "u16.txt", codecs.BOM_UTF16_LE + WESTERN.encode("utf-16-le"))
    result = run("extract", path)
    assert result.exit_code == 0 and result.stderr == ""
    assert records_of(result, WESTERN, doc=path)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encoding_warns_and_decodes(tmp_path, encoding):
    text = WESTERN if encoding == "cp1252" else WESTERN.replace("“", '"').replace("”", '"').replace("—", "-")
    path = _write(tmp_path, "legacy.txt", text.encode(encoding))
    result = run("extract", path)
    assert result.exit_code == 0
    assert result.stderr == f"claimx: warning: {path}: not UTF-8; decoded as cp1252 (best guess)\n"
    records = records_of(result, text, doc=path)
    assert {r["count"]["value"] for r in records} >= {12, 30}


def test_non_english_warns(tmp_path):
    path = _write(tmp_path, "de.txt", GERMAN)
    result = run("extract", path)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"claimx: warning: {path}: text does not look like English")
    records_of(result, GERMAN, doc=path)


# ------------------------------------------------------------------------------------------------
# errors and exit codes: (id, how to make the bad input, words the reason must contain)

BAD_INPUTS = [
    ("missing", lambda d: str(d / "nope.txt"), "no such file"),
    ("directory", lambda d: str(d), "is a directory"),
    ("binary", lambda d: _write(d, "blob.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00binary"), "binary"),
    ("nul-in-text", lambda d: _write(d, "nul.txt", b"Two people were killed.\x00"), "binary"),
]


@pytest.mark.parametrize("make,reason", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_an_error_naming_it_and_others_still_print(tmp_path, example, make, reason):
    path, text = example
    bad = make(tmp_path)
    result = run("extract", path, bad, "-", input=SHORT)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"claimx: error: {bad}: ") and reason in lines[0]
    records = parse_jsonl(result.stdout)
    check_records([r for r in records if r["doc"] == path], text, doc=path)
    check_records([r for r in records if r["doc"] == "-"], SHORT, doc="-")
    assert {r["doc"] for r in records} == {path, "-"}


def test_max_bytes(tmp_path, example):
    path, text = example
    small = _write(tmp_path, "small.txt", SHORT)
    limit = len(SHORT.encode())
    result = run("extract", "--max-bytes", limit, small, path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"claimx: error: {path}: ") and "--max-bytes" in result.stderr
    assert {r["doc"] for r in records_of(result)} == {small}
    assert run("extract", "--max-bytes", 0, path).exit_code == 0  # 0: no limit


def test_max_bytes_on_stdin():
    result = run("extract", "--max-bytes", 10, "-", input=SHORT)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("claimx: error: -: ") and "--max-bytes" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_unexpected_exception_is_an_error_for_that_input(tmp_path, monkeypatch, jobs):
    good = _write(tmp_path, "good.txt", SHORT)
    boom = _write(tmp_path, "boom.txt", "Five people were killed on Tuesday.\n")
    real = claimx.extract

    def extract(text, doc="-", **kw):
        if doc == boom:
            raise RuntimeError("rule exploded")
        return real(text, doc, **kw)

    alone = records_of(run("extract", good), SHORT)
    monkeypatch.setattr(claimx, "extract", extract)
    result = run("extract", "--jobs", jobs, good, boom, good)  # with 2: the same on worker processes
    assert result.exit_code == 1
    assert result.stderr == f"claimx: error: {boom}: internal error (RuntimeError: rule exploded); please report it\n"
    assert records_of(result, SHORT) == alone + alone


# ------------------------------------------------------------------------------------------------
# --jobs: the same output on worker processes

def _many_inputs(tmp_path: Path, example) -> list[str]:
    """The example, articles of varied size, inputs that cannot be read and standard input."""
    path, _ = example
    inputs = [path]
    for i in range(12):
        inputs.append(_write(tmp_path, f"a{i:02d}.txt", f"{i + 2} soldiers were killed and {3 * i + 1} wounded "
                                                        f"in a raid on the town of Veska {i}, the army said.\n" * (i % 4 + 1)))
        if i == 3:
            inputs += [str(tmp_path / "missing.txt"), "-", path]
        if i == 8:
            inputs.append(_write(tmp_path, "blob.bin", b"\x7fELF\x02\x01\x01\x00binary"))
    inputs.append(_write(tmp_path, "german.txt", GERMAN))
    return inputs


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("jobs", ["2", "3", "0"])
def test_jobs_give_the_serial_output_and_messages_in_input_order(tmp_path, example, fmt, jobs):
    inputs = _many_inputs(tmp_path, example)
    serial = run("extract", "-f", fmt, *inputs, input=SHORT)
    parallel = run("extract", "-f", fmt, "--jobs", jobs, *inputs, input=SHORT)
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout and parallel.stderr == serial.stderr
    assert "missing.txt: no such file" in parallel.stderr and "blob.bin" in parallel.stderr
    if fmt == "jsonl":
        docs = [r["doc"] for r in records_of(parallel)]
        assert "-" in docs and docs.index("-") < docs.index(inputs[-3])


def test_jobs_over_many_inputs_compile_every_rule_first_and_give_the_serial_output(tmp_path):
    from claimx.workers import MANY

    def text(i: int) -> str:
        return [f"{i % 9 + 2} soldiers were killed and {i} wounded near Veska, the army said.\n",
                "The council approved the budget on Monday.\n",
                f"Gunmen killed {i % 7 + 3} villagers; {i % 4 + 1} others were taken hostage, police said.\n"][i % 3]

    inputs = [_write(tmp_path, f"m{i:03d}.txt", text(i) * (i % 5 + 1)) for i in range(MANY + 6)]
    serial = run("extract", *inputs)
    parallel = run("extract", "-j", "2", *inputs)
    assert serial.exit_code == parallel.exit_code == 0
    assert parallel.stdout == serial.stdout and len(records_of(serial)) > MANY


def test_jobs_a_worker_that_dies_is_an_error_for_its_input_alone(tmp_path, example, monkeypatch):
    import signal

    inputs = _many_inputs(tmp_path, example)
    victim = inputs[7]
    real = claimx.extract

    def extract(text, doc="-", **kw):
        if doc == victim:
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
        return real(text, doc, **kw)

    expected = [r for r in records_of(run("extract", *inputs, input=SHORT)) if r["doc"] != victim]
    monkeypatch.setattr(claimx, "extract", extract)
    result = run("extract", "-j", "2", *inputs, input=SHORT)
    assert result.exit_code == 1
    assert f"claimx: error: {victim}: the worker process reading it died (killed by signal 9)\n" in result.stderr
    assert records_of(result) == expected


def test_jobs_where_processes_cannot_fork_reads_the_inputs_one_by_one(tmp_path, example, monkeypatch):
    from claimx import cli, workers

    inputs = _many_inputs(tmp_path, example)
    serial = run("extract", *inputs, input=SHORT)

    def no_pool(*args, **kwargs):
        raise AssertionError("no worker processes where they cannot fork")

    monkeypatch.setattr(cli, "_can_fork", lambda: False)
    monkeypatch.setattr(workers, "run_pool", no_pool)
    result = run("extract", "-j", "2", *inputs, input=SHORT)
    assert (result.exit_code, result.stdout, result.stderr) == (serial.exit_code, serial.stdout, serial.stderr)


def test_jobs_must_not_be_negative(example):
    path, _ = example
    result = run("extract", "--jobs", "-1", path)
    assert result.exit_code == 2 and result.stdout == ""


# (id, sources file content or None for a missing file, words in the message)
BAD_SOURCES = [
    ("missing", None, "no such sources file"),
    ("not-toml", "source = [\n", "not a valid TOML"),
    ("no-name", '[[source]]\nkind = "police"\n', "has no name"),
    ("unknown-kind", '[[source]]\nname = "X"\nkind = "wizard"\n', "unknown kind"),
    ("wrong-shape", "source = 5\n", "must be an array of tables"),
]


@pytest.mark.parametrize("content,reason", [c[1:] for c in BAD_SOURCES], ids=[c[0] for c in BAD_SOURCES])
def test_bad_sources_file_is_a_usage_error(tmp_path, example, content, reason):
    path, _ = example
    src = str(tmp_path / "sources.toml")
    if content is not None:
        _write(tmp_path, "sources.toml", content)
    result = run("extract", "--sources", src, path, env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"claimx: error: {src}: ") and reason in result.stderr


def test_broken_user_config_is_a_usage_error(tmp_path, example):
    path, _ = example
    cfg = tmp_path / "cfg" / "claimx"
    cfg.mkdir(parents=True)
    (cfg / "sources.toml").write_text("[[source]]\nkind = 1\n")
    import claimx.registry

    claimx.registry.default_registry.cache_clear()
    try:
        result = run("extract", path, env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    finally:
        claimx.registry.default_registry.cache_clear()
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"claimx: error: {cfg / 'sources.toml'}: ")


def test_sources_files_extend_the_registry(tmp_path, example):
    path, text = example
    one = _write(tmp_path, "one.toml", '[[source]]\nname = "Norland Ministry of Defence"\nkind = "military"\n'
                                       'side = "Norland"\naliases = ["Defence Ministry of Norland"]\n')
    two = _write(tmp_path, "two.toml", '[[source]]\nname = "Southern Front press office"\nkind = "armed_group"\n'
                                       'aliases = ["Dario Melk"]\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    before = records_of(run("extract", path, env=env), text)
    result = run("extract", "--sources", one, "--sources", two, path, env=env)
    assert result.exit_code == 0 and result.stderr == ""
    after = records_of(result, text, doc=path)
    names = {(r["source"] or {}).get("name") for r in after}
    assert {"Norland Ministry of Defence", "Southern Front press office"} <= names
    assert "Defence Ministry of Norland" in {(r["source"] or {}).get("name") for r in before}
    ministry = next(r for r in after if (r["source"] or {}).get("name") == "Norland Ministry of Defence")
    assert (ministry["source"]["kind"], ministry["source"]["side"]) == ("military", "Norland")


@pytest.mark.parametrize("args", [
    ["extract"], ["extract", "-f", "xml", "x.txt"], ["extract", "--max-bytes", "-1", "x.txt"],
    ["extract", "--max-bytes", "lots", "x.txt"], ["extract", "--no-such-option", "x.txt"], ["frobnicate"],
], ids=["no-path", "unknown-format", "negative-max-bytes", "non-numeric-max-bytes", "unknown-option",
        "unknown-command"])
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""


# ------------------------------------------------------------------------------------------------
# other commands

def test_version():
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"claimx {claimx.__version__}\n")


def test_schema_command_prints_a_valid_schema(example):
    from jsonschema import Draft202012Validator

    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    path, _ = example
    for r in records_of(run("extract", path)):
        validator.validate(r)


# ------------------------------------------------------------------------------------------------
# a real process

def _claimx(*args: str, input: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimx", *args], input=input, capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "", **env}, timeout=120)


def test_process_jsonl_pipes_into_json_loads(tmp_path, example):
    path, text = example
    proc = _claimx("extract", path, "-", input=SHORT.encode())
    assert proc.returncode == 0 and proc.stderr == b""
    out = proc.stdout.decode("utf-8")
    records = [json.loads(line) for line in out.splitlines()]
    check_records([r for r in records if r["doc"] == path], text, doc=path)
    check_records([r for r in records if r["doc"] == "-"], SHORT, doc="-")
    assert "—" in out  # UTF-8 characters, not \u escapes


def test_process_writes_utf8_whatever_the_locale(example):
    path, _ = example
    proc = _claimx("extract", path, PYTHONIOENCODING="ascii", LC_ALL="C", LANG="C")
    assert proc.returncode == 0, proc.stderr
    assert "—".encode() in proc.stdout
    check_records([json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()])


def test_process_exit_codes_and_messages(tmp_path, example):
    path, _ = example
    missing = str(tmp_path / "missing.txt")
    proc = _claimx("extract", path, missing)
    assert proc.returncode == 1
    assert proc.stderr.decode() == f"claimx: error: {missing}: no such file\n"
    assert parse_jsonl(proc.stdout.decode())
    bad = _claimx("extract", "--sources", missing, path)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode() == f"claimx: error: {missing}: no such sources file\n"


def test_process_stops_quietly_when_the_reader_goes_away(example):
    path, _ = example
    proc = subprocess.Popen([sys.executable, "-m", "claimx", "extract", *[path] * 300],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read()
    proc.wait(timeout=120)
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr


def test_process_with_jobs_stops_quietly_and_leaves_no_worker_when_the_reader_goes_away(example):
    path, _ = example
    proc = subprocess.Popen([sys.executable, "-m", "claimx", "extract", "--jobs", "2", *[path] * 300],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()  # open until every process that inherited it (the workers too) is gone
    proc.wait(timeout=120)
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr


@pytest.mark.parametrize("args", [["--version"], ["extract", "-f", "jsonl", str(EXAMPLE)], ["schema"]],
                         ids=["version", "jsonl", "schema"])
def test_no_rich_import_unless_a_table_is_printed(args):
    code = ("import sys, atexit\n"
            "atexit.register(lambda: sys.stderr.write('RICH=%s' % any(m == 'rich' or m.startswith('rich.') "
            "for m in sys.modules)))\n"
            "from claimx.cli import main\n"
            f"sys.argv = ['claimx'] + {args!r}\n"
            "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.decode().endswith("RICH=False")


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"shared corpora not found at {SHARED_CORPUS}")
def test_process_over_a_shared_corpus(tmp_path):
    texts = sorted((SHARED_CORPUS / "constructed" / "texts").glob("*.txt"))
    assert texts
    proc = _claimx("extract", *map(str, texts))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    for p in texts:
        doc = claimx.read(str(p))
        check_records([r for r in records if r["doc"] == str(p)], doc.text, doc=str(p))
    csv_proc = _claimx("extract", "-f", "csv", *map(str, texts))
    rows = list(csv.DictReader(io.StringIO(csv_proc.stdout.decode("utf-8"))))
    assert [row["id"] for row in rows] == [r["id"] for r in records]


# ------------------------------------------------------------------------------------------------
# the README's examples

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_examples() -> list[tuple[str, list[str]]]:
    """(command, the output lines shown under it) for every `$ claimx ...` in the README."""
    text = README.read_text(encoding="utf-8")
    examples = []
    for block in text.split("```console\n")[1:]:
        lines = block.split("```")[0].splitlines()
        assert lines[0].startswith("$ claimx "), lines[0]
        examples.append((lines[0][2:], lines[1:]))
    return examples


@pytest.mark.parametrize("command,shown", _readme_examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_readme_examples_run(tmp_path, command, shown):
    """Each example runs on the example article and prints what the README shows for the header
    (the rows below it follow the rules, which move; the columns are the contract)."""
    import shlex
    import shutil

    (tmp_path / "article.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    words = shlex.split(command)
    pipe = command.split(" | ", 1)[1] if " | " in command else None
    if pipe and not shutil.which(pipe.split()[0]):
        pytest.skip(f"{pipe.split()[0]} is not installed")
    args = shlex.split(command.split(" | ", 1)[0])[1:]
    if "-f" not in args and "--format" not in args and pipe is None:
        args[1:1] = ["-f", "table"]  # the README shows what a terminal gets
    env = {**os.environ, "COLUMNS": str(max(len(line) for line in shown))}
    proc = subprocess.run([sys.executable, "-m", "claimx", *args], cwd=tmp_path, capture_output=True, env=env,
                          timeout=120)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    out = proc.stdout.decode("utf-8")
    if pipe:
        piped = subprocess.run(pipe, shell=True, input=proc.stdout, capture_output=True, cwd=tmp_path, timeout=60)
        assert piped.returncode == 0 and piped.stdout, piped.stderr
        return
    assert words[0] == "claimx"
    assert out.splitlines()[0].rstrip() == shown[0]


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_process_output_is_utf8_for_a_file_name_that_is_not(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(SHORT.encode())
    proc = subprocess.run([sys.executable, "-m", "claimx", "extract", raw, raw + b".gone"], capture_output=True,
                          timeout=120)
    assert proc.returncode == 1
    name = f"{tmp_path}/caf\ufffd.txt"
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]  # strict UTF-8
    check_records(records, SHORT, doc=name)
    assert proc.stderr.decode("utf-8") == f"claimx: error: {name}.gone: no such file\n"
