"""The per-call CPU-time limit: stops runaway Python code in the main thread and in worker threads."""

from __future__ import annotations

import threading
import time

import pytest

from lingoloom.pipelines.extract.timelimit import TimeLimitExceeded, time_limit


def spin(cpu_seconds: float) -> None:
    """Burn about ``cpu_seconds`` of user CPU time in this thread (the clock is read rarely:
    reading a CPU clock is a system call, which would turn the loop into system time)."""
    end = time.thread_time() + cpu_seconds
    while time.thread_time() < end:
        sum(range(20_000))


def test_main_thread_limit_stops_a_runaway_loop():
    start = time.thread_time()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.05):
            spin(5)
    assert time.thread_time() - start < 1


@pytest.mark.parametrize("in_thread", [False, True])
def test_limit_counts_cpu_time_not_waiting(in_thread):
    # sleeping (or being preempted on a loaded machine) does not use the page's budget
    outcome = {}

    def work():
        try:
            with time_limit(0.05):
                time.sleep(0.3)
            outcome["result"] = "finished"
        except TimeLimitExceeded:
            outcome["result"] = "stopped"

    if in_thread:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(10)
    else:
        work()
    assert outcome == {"result": "finished"}


def test_exception_handlers_inside_the_call_cannot_swallow_it():
    def swallowing():
        try:
            spin(5)
        except Exception:
            return "swallowed"

    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.05):
            swallowing()


def test_worker_threads_are_limited_and_fast_calls_are_untouched():
    outcome = {}

    def work():
        try:
            with time_limit(0.05):
                spin(5)
            outcome["slow"] = "finished"
        except TimeLimitExceeded:
            outcome["slow"] = "stopped"
        # many quick calls right at the edge of their limit: an overrun must surface inside its own
        # block, never later in unrelated code
        try:
            for _ in range(200):
                try:
                    with time_limit(0.002):
                        spin(0.0015)
                except TimeLimitExceeded:
                    pass
                time.sleep(0.001)
            time.sleep(0.05)
            outcome["after"] = "clean"
        except TimeLimitExceeded:
            outcome["after"] = "stray exception outside the guarded block"

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert outcome == {"slow": "stopped", "after": "clean"}
