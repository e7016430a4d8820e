"""The per-call time limit: stops runaway Python code in the main thread and in worker threads."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from lingoloom.pipelines.extract.timelimit import TimeLimitExceeded, time_limit


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_main_thread_limit_stops_a_runaway_loop_and_restores_the_alarm():
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.05):
            spin(5)
    assert time.monotonic() - start < 1
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_exception_handlers_inside_the_call_cannot_swallow_it():
    def swallowing():
        try:
            spin(5)
        except Exception:
            return "swallowed"

    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.05):
            swallowing()


def test_foreign_alarm_is_left_alone_and_watchdog_used():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(TimeLimitExceeded):
            with time_limit(0.05):
                spin(5)
        time.sleep(0.5)
        assert fired == [True]  # the other user's alarm still went off
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_worker_threads_use_the_watchdog_and_fast_calls_are_untouched():
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
