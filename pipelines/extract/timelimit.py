"""A CPU-time limit around one call, without a process (or a thread) per call.

Why it exists: a few pathological pages (deeply nested tables, megabytes of inline markup) make
extractors run for minutes; one of them must not stall a worker. A process per page would cost
more than the extraction itself, so the limit interrupts the running Python code instead.

The limit counts *CPU time*, not wall-clock time: on a loaded machine (or a preempted cloud
worker) a wall-clock limit would drop different pages on different runs, so the same input
would not give the same dataset; the CPU time a page needs only depends on the page.

One mechanism serves every thread (datatrove runs steps in each worker process's main thread,
Beam in worker threads): a long-lived watchdog thread per process reads the guarded thread's own
CPU clock (``pthread_getcpuclockid``) and raises :class:`TimeLimitExceeded` in it asynchronously
(``PyThreadState_SetAsyncExc``). It sleeps until the earliest moment a limit could be reached
(a thread's CPU time never runs faster than the clock), so it costs nothing between checks.
``setitimer(ITIMER_VIRTUAL/ITIMER_PROF)`` with a signal would avoid the thread in the main thread,
but it counts the whole process and, measured on this project's machines, ran 2-3x slow (a
0.3 s timer had not fired after 0.6 s of CPU), so it is not used.

Both interrupt Python code between bytecodes, so a limit is reached only when control returns to
Python (lxml's C parser finishes its current call first); extractors are mostly Python, and the
size check before parsing bounds the C part. :class:`TimeLimitExceeded` derives from
``BaseException`` so that ``except Exception`` blocks inside the extractor cannot swallow it.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class TimeLimitExceeded(BaseException):
    """The guarded call used more CPU time than its limit (BaseException: extractors cannot swallow it)."""


class _Guard:
    __slots__ = ("thread_id", "clock", "cpu_start", "seconds")

    def __init__(self, seconds: float) -> None:
        self.thread_id = threading.get_ident()
        self.clock = time.pthread_getcpuclockid(self.thread_id)
        self.cpu_start = time.clock_gettime(self.clock)
        self.seconds = seconds

    def remaining(self) -> float:
        return self.seconds - (time.clock_gettime(self.clock) - self.cpu_start)


class _Watchdog:
    """One daemon thread per process that interrupts threads over their CPU limit."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int]] = []  # (earliest wall time the limit can be reached, ticket)
        self._active: dict[int, _Guard] = {}
        self._fired: set[int] = set()
        self._tickets = itertools.count()
        self._thread = threading.Thread(target=self._loop, name="lingoloom-time-limit", daemon=True)
        self._thread.start()

    def arm(self, seconds: float) -> int:
        ticket = next(self._tickets)
        guard = _Guard(seconds)
        wake_at = time.monotonic() + seconds
        with self._lock:
            self._active[ticket] = guard
            # wake the watchdog only if it sleeps past this deadline (usually it does not: every page
            # gets the same limit, so earlier entries come first); a thread switch per page costs 1-5%
            if not self._heap or wake_at < self._heap[0][0]:
                self._lock.notify()
            heapq.heappush(self._heap, (wake_at, ticket))
        return ticket

    def disarm(self, ticket: int) -> None:
        with self._lock:
            guard = self._active.pop(ticket, None)
            if ticket in self._fired:
                self._fired.discard(ticket)
                if guard is not None:  # the exception may still be pending (not yet raised): cancel it
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(guard.thread_id), None)

    def _loop(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][1] not in self._active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._lock.wait()
                    continue
                wake_at, ticket = self._heap[0]
                wait = wake_at - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                heapq.heappop(self._heap)
                guard = self._active[ticket]
                try:
                    remaining = guard.remaining()
                except OSError:  # the thread is gone
                    del self._active[ticket]
                    continue
                if remaining > 0:
                    heapq.heappush(self._heap, (time.monotonic() + remaining, ticket))
                    continue
                self._fired.add(ticket)
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(guard.thread_id), ctypes.py_object(TimeLimitExceeded)
                )


_watchdog: _Watchdog | None = None
_watchdog_lock = threading.Lock()


def _get_watchdog() -> _Watchdog:
    global _watchdog
    with _watchdog_lock:
        if _watchdog is None or not _watchdog._thread.is_alive():  # a fork leaves a dead thread behind
            _watchdog = _Watchdog()
        return _watchdog


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the ``with`` body once it used ``seconds`` of CPU time.

    Wrap the ``with`` block itself in ``try/except TimeLimitExceeded``: the exception may surface
    while leaving the block.
    """
    watchdog = _get_watchdog()
    ticket = watchdog.arm(seconds)
    try:
        yield
    finally:
        watchdog.disarm(ticket)
