"""Worker processes for many inputs: `claimx batch` and `claimx extract --jobs`.

    run_pool(jobs, n, work, on_result, on_death)

Each worker has its own pipe. It is handed a few jobs at a time (a chunk: one message out, not one
round trip per job, which for small articles cost more than reading them) and sends each job's
result back as soon as it has it, so the parent always knows which job a worker was on when it
died: that job gets `on_death(job, how)` as its result, and the rest of its chunk goes to a fresh
worker. With `ordered=True` the results come to `on_result` in the order of `jobs` (what `extract`
prints must not depend on which worker was faster), and no worker is given a job more than
`window` places ahead of the oldest result not yet delivered, so a slow input holds back at most
`window` finished results in memory, not the whole run.

Workers are forked where the platform can (they inherit the parent's compiled rules and
registry: warm the parent up first); `work` must be a module-level function.
"""
from __future__ import annotations

import contextlib
import os
import signal
from collections import deque
from typing import Any, Callable, Sequence


def _worker_main(conn, lock_fd: int | None, work: Callable[[Any], Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    if lock_fd is not None:  # a lock the parent holds must die with the parent, not live on in a worker
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    parent = os.getppid()
    while True:
        while not conn.poll(0.5):
            if os.getppid() != parent:  # the parent was killed: stop
                return
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for job in chunk:
            result = work(job)
            try:
                conn.send(result)
            except OSError:
                return


def mp_context():
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return multiprocessing.get_context()


def usable_cores() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


MANY = 64   # inputs: from this many on, the parent compiles every rule before the workers fork


def warm_up(registry=None, html: bool = False, inputs: int = 0) -> None:
    """Compile the rules (and import the HTML extractor) once in the parent, before the workers
    fork, instead of once in every worker: those a short report needs, and every rule when
    there are many inputs."""
    from .pipeline import prepare

    prepare(registry, every_rule=inputs >= MANY)
    if html:
        import trafilatura  # noqa: F401  (imported for the workers to inherit)


def run_pool(jobs: Sequence[Any], n: int, work: Callable[[Any], Any], on_result: Callable[[Any, Any], None],
             on_death: Callable[[Any, str], Any], *, ordered: bool = False, window: int = 64,
             lock_fd: int | None = None, name: str = "claimx-worker", chunk: int = 16) -> None:
    """Run `work(job)` for every job on `n` worker processes; `on_result(job, result)` runs in the
    parent (as each finishes, or in job order when `ordered`). `work` should not raise: it turns
    its own failures into results. A worker that dies gets `on_death(job, how)` as the result of
    the job it was on. A worker takes at most `chunk` jobs at a time (fewer near the end, so that
    the last jobs are shared out)."""
    from multiprocessing.connection import wait

    ctx = mp_context()
    pending = deque(range(len(jobs)))
    workers: dict = {}         # parent end of the pipe -> [process, indices of its jobs not yet answered]
    done: dict[int, Any] = {}  # ordered: finished results waiting for an earlier one
    next_out = 0               # ordered: the index of the next result to deliver
    window = max(window, n)

    def spawn():
        parent_end, child_end = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child_end, lock_fd, work), daemon=True, name=name)
        proc.start()
        child_end.close()
        workers[parent_end] = [proc, deque()]
        return parent_end

    def feed(conn) -> None:
        while pending:
            size = max(1, min(chunk, len(pending) // (2 * n)))
            if ordered:
                size = min(size, next_out + window - pending[0])
                if size < 1:
                    return
            indices = [pending.popleft() for _ in range(min(size, len(pending)))]
            try:
                conn.send([jobs[i] for i in indices])
            except OSError:  # it died before taking them
                pending.extendleft(reversed(indices))
                workers.pop(conn)[0].join(1)
                conn = spawn()
                continue
            workers[conn][1].extend(indices)
            return

    def deliver(i: int, result) -> None:
        nonlocal next_out
        if not ordered:
            on_result(jobs[i], result)
            return
        done[i] = result
        while next_out in done:
            on_result(jobs[next_out], done.pop(next_out))
            next_out += 1

    def died(conn, proc) -> None:
        proc.join(5)
        code = proc.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        held = workers.pop(conn)[1]
        conn.close()
        if not held:
            return
        first = held.popleft()
        pending.extendleft(reversed(held))  # the rest of its chunk: not read yet
        deliver(first, on_death(jobs[first], how))

    try:
        for _ in range(min(n, len(pending))):
            spawn()
        for conn in list(workers):
            feed(conn)
        while any(held for _, held in workers.values()):
            busy = {conn: w for conn, w in workers.items() if w[1]}
            ready = set(wait(list(busy) + [w[0].sentinel for w in busy.values()]))
            for conn, (proc, held) in busy.items():
                if conn in ready or (proc.sentinel in ready and conn.poll(0)):
                    try:
                        while held and conn.poll(0):  # every result already sent, in one go
                            result = conn.recv()
                            deliver(held.popleft(), result)
                    except (EOFError, OSError):
                        died(conn, proc)
                        continue
                elif proc.sentinel in ready:
                    died(conn, proc)
            if pending:  # idle workers (and fresh ones for those that died) take the next chunks
                while len(workers) < n:
                    spawn()
                for conn, (_, held) in list(workers.items()):
                    if not held:
                        feed(conn)
    except BaseException:
        for proc, _ in workers.values():
            proc.terminate()
        raise
    finally:
        for conn, (proc, _) in workers.items():
            with contextlib.suppress(OSError):
                conn.send(None)
        for conn, (proc, _) in workers.items():
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
            conn.close()
