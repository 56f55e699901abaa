"""In-process measurements, run by bench/run.py as a child process (so each gets a clean interpreter,
its own peak RSS, and a hard timeout). Prints one JSON object on stdout.

    worker.py extract  LIST [--min-seconds S] [--max-passes N]
        claimx.read + claimx.extract over the files named in LIST (one path a line);
        the import, the first call (rules load) and the best pass are timed separately.
    worker.py quantulum LIST --sample K [--seed S]
        the baseline: sentences with a casualty keyword, a fixed sample of K parsed by quantulum3,
        the total scaled from the sample.
    worker.py profile  LIST --pstats FILE [--top N]
        cProfile over read + extract; time per pipeline stage (the callees of pipeline.run) and
        the functions with the most own time.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

# The baseline's cheap filters: a casualty keyword, and sentence ends (no claimx code involved).
KEYWORDS = re.compile(r"kill|dead|died|wound|injur|casualt|missing|hostage|captur|abduct|shot|toll", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+|\n\s*\n")
WARM_UP = "Two people were killed in Velmora on Monday, police said."


def _paths(list_file: str) -> list[str]:
    return [line for line in Path(list_file).read_text(encoding="utf-8").splitlines() if line]


def _rss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cmd_extract(args) -> dict:
    t0 = time.perf_counter()
    import claimx
    t1 = time.perf_counter()
    claimx.extract(WARM_UP)
    t2 = time.perf_counter()
    paths = _paths(args.list)
    best = None
    passes = []
    claims = nbytes = nchars = 0
    while True:
        t_read = t_extract = cpu_extract = 0.0
        n_claims = 0
        for p in paths:
            a = time.perf_counter()
            doc = claimx.read(p, max_bytes=0)
            b = time.perf_counter()
            b_cpu = time.process_time()
            n_claims += len(claimx.extract(doc.text, doc.doc))
            c = time.perf_counter()
            cpu_extract += time.process_time() - b_cpu
            t_read += b - a
            t_extract += c - b
            if not passes:
                nbytes += len(doc.text.encode("utf-8"))
                nchars += len(doc.text)
        passes.append({"read": t_read, "extract": t_extract, "cpu": cpu_extract})
        if best is None or t_extract < best["extract"]:
            best = passes[-1]
        claims = n_claims
        if len(passes) >= args.min_passes and (
                sum(p["read"] + p["extract"] for p in passes) >= args.min_seconds or len(passes) >= args.max_passes):
            break
    return {
        "docs": len(paths), "bytes": nbytes, "chars": nchars, "claims": claims,
        "import_seconds": t1 - t0, "first_call_seconds": t2 - t1,
        "passes": len(passes), "read_seconds": best["read"], "extract_seconds": best["extract"],
        "extract_cpu_seconds": min(p["cpu"] for p in passes),
        "pass_seconds": [round(p["extract"], 6) for p in passes],
        "max_rss_kb": _rss_kb(),
    }


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def cmd_quantulum(args) -> dict:
    import io
    import warnings
    from contextlib import redirect_stderr

    paths = _paths(args.list)
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    a = time.perf_counter()
    all_sentences = [s for t in texts for s in sentences(t)]
    kw = [s for s in all_sentences if KEYWORDS.search(s)]
    filter_seconds = time.perf_counter() - a
    sample = random.Random(args.seed).sample(kw, min(args.sample, len(kw))) if kw else []

    t0 = time.perf_counter()
    with warnings.catch_warnings(), redirect_stderr(io.StringIO()):   # its import warns about an extra
        warnings.simplefilter("ignore")
        from quantulum3 import parser
    t1 = time.perf_counter()
    parser.parse(WARM_UP)                 # the first call loads its data (seconds)
    t2 = time.perf_counter()
    quantities = errors = 0
    for s in sample:
        try:
            quantities += len(parser.parse(s))
        except Exception:                 # a crash on odd input counts as a parse with no result
            errors += 1
    sample_seconds = time.perf_counter() - t2
    per_sentence = sample_seconds / len(sample) if sample else 0.0
    est = filter_seconds + per_sentence * len(kw)
    return {
        "docs": len(paths), "bytes": nbytes, "sentences": len(all_sentences), "keyword_sentences": len(kw),
        "sampled": len(sample), "sample_seed": args.seed, "sample_seconds": sample_seconds,
        "seconds_per_sentence": per_sentence, "filter_seconds": filter_seconds,
        "estimated_seconds": est, "quantities_in_sample": quantities, "errors_in_sample": errors,
        "estimated_quantities": quantities / len(sample) * len(kw) if sample else 0,
        "import_seconds": t1 - t0, "first_call_seconds": t2 - t1, "max_rss_kb": _rss_kb(),
    }


def cmd_profile(args) -> dict:
    import cProfile
    import io
    import pstats

    import claimx

    claimx.extract(WARM_UP)
    paths = _paths(args.list)
    prof = cProfile.Profile()
    claims = nbytes = 0
    prof.enable()
    for p in paths:
        doc = claimx.read(p, max_bytes=0)
        claims += len(claimx.extract(doc.text, doc.doc))
    prof.disable()
    for p in paths:
        nbytes += Path(p).stat().st_size
    prof.dump_stats(args.pstats)
    st = pstats.Stats(prof)
    total = st.total_tt

    def name(func) -> str:
        file, line, fn = func
        for marker in ("/claimx/", "/site-packages/", "/lib/python"):
            if marker in file:
                file = file[file.index(marker) + 1:]
                break
        return f"{file}:{line}({fn})" if line else fn

    # stages: whatever pipeline.run calls, with the time spent under each call (cumulative)
    stages = []
    for func, (_cc, _nc, _tt, _ct, callers) in st.stats.items():
        for caller, edge in callers.items():
            if caller[0].endswith("claimx/pipeline.py") and caller[2] == "run":
                stages.append({"stage": name(func), "calls": edge[1], "seconds": edge[3]})
    stages.sort(key=lambda s: -s["seconds"])
    # the reader, beside the pipeline
    for func, (_cc, nc, _tt, ct, _callers) in st.stats.items():
        if func[0].endswith("claimx/__init__.py") and func[2] in ("read", "extract"):
            stages.append({"stage": f"claimx.{func[2]} (all of it)", "calls": nc, "seconds": ct})
    top = sorted(st.stats.items(), key=lambda kv: -kv[1][2])[: args.top]
    buf = io.StringIO()
    pstats.Stats(args.pstats, stream=buf).sort_stats("cumulative").print_stats(args.top)
    return {
        "docs": len(paths), "bytes": nbytes, "claims": claims, "profiled_seconds": total,
        "stages": stages,
        "top_own_time": [{"function": name(f), "calls": v[1], "own_seconds": v[2], "cumulative_seconds": v[3]}
                         for f, v in top],
        "cumulative_text": buf.getvalue(),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="claimx benchmark worker (run by bench/run.py)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("list")
    e.add_argument("--min-seconds", type=float, default=0.0)
    e.add_argument("--max-passes", type=int, default=5)
    e.add_argument("--min-passes", type=int, default=1, help="at least this many passes, whatever they take")
    q = sub.add_parser("quantulum")
    q.add_argument("list")
    q.add_argument("--sample", type=int, default=200)
    q.add_argument("--seed", type=int, default=7)
    p = sub.add_parser("profile")
    p.add_argument("list")
    p.add_argument("--pstats", required=True)
    p.add_argument("--top", type=int, default=20)
    args = ap.parse_args(argv)
    result = {"extract": cmd_extract, "quantulum": cmd_quantulum, "profile": cmd_profile}[args.cmd](args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
