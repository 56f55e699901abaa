"""The worker pool under `claimx batch` and `claimx extract --jobs`: results in input order when
asked, a bounded number of results held back, a dead worker reported for its own job alone."""
from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from claimx.workers import run_pool

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and signals")


def _slow_first(i: int) -> tuple[int, float, float]:
    """Job 0 takes a while, the others none: (job, start, end) on the system-wide monotonic clock."""
    start = time.monotonic()
    if i == 0:
        time.sleep(0.4)
    return i, start, time.monotonic()


def _die_on_three(i: int) -> int:
    if i == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return i * i


def _pid_of(job: int) -> int:
    return os.getpid()


def _died(job, how: str) -> str:
    return f"job {job} died ({how})"


def test_ordered_results_come_in_job_order_and_no_worker_runs_past_the_window():
    got = []
    run_pool(list(range(30)), 3, _slow_first, lambda job, r: got.append(r), _died, ordered=True, window=5, chunk=1)
    assert [r[0] for r in got] == list(range(30))
    first_done = got[0][2]
    # job 0 holds the window: jobs 5 and later cannot start before it is delivered
    assert all(start >= first_done for i, start, _ in got[5:])
    assert any(start < first_done for i, start, _ in got[1:5])  # the others did not wait for it


def test_unordered_results_come_as_they_finish():
    got = []
    run_pool(list(range(8)), 2, _slow_first, lambda job, r: got.append(job), _died, chunk=1)
    assert sorted(got) == list(range(8)) and got[-1] == 0


@pytest.mark.parametrize("chunk", [1, 3, 16])
@pytest.mark.parametrize("ordered", [True, False])
def test_a_dead_worker_is_its_own_jobs_result_and_the_rest_go_on(ordered, chunk):
    got = {}
    order = []

    def on_result(job, result):
        got[job] = result
        order.append(job)

    run_pool(list(range(40)), 2, _die_on_three, on_result, _died, ordered=ordered, chunk=chunk)
    assert got == {**{i: i * i for i in range(40) if i != 3}, 3: "job 3 died (killed by signal 9)"}
    if ordered:
        assert order == list(range(40))


def test_a_worker_takes_several_jobs_at_a_time_and_answers_each():
    got = []
    run_pool(list(range(200)), 2, _pid_of, lambda job, r: got.append((job, r)), _died, ordered=True, chunk=8)
    assert [job for job, _ in got] == list(range(200))
    pids = [pid for _, pid in got]
    assert len(set(pids)) == 2
    runs = sum(1 for a, b in zip(pids, pids[1:]) if a != b) + 1
    assert runs < 100, "the jobs should go out in chunks, not one by one"
