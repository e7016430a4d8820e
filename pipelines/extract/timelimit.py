"""A wall-clock limit around one call, without a process (or a thread) per call.

Why it exists: a few pathological pages (deeply nested tables, megabytes of inline markup) make
extractors run for minutes; one of them must not stall a worker. A process per page would cost
more than the extraction itself, so the limit interrupts the running Python code instead:

* in the main thread, with ``SIGALRM`` (``setitimer``): no extra thread at all. Used only when
  the alarm is free (no other itimer armed, no foreign SIGALRM handler, e.g. pytest-timeout);
* elsewhere (Beam runs DoFns in worker threads), with one long-lived watchdog thread per
  process that raises :class:`TimeLimitExceeded` asynchronously in the overdue thread
  (``PyThreadState_SetAsyncExc``).

Both interrupt Python code between bytecodes, so a limit is reached only when control returns to
Python (lxml's C parser finishes its current call first); extractors are mostly Python, and the
size check before parsing bounds the C part. :class:`TimeLimitExceeded` derives from
``BaseException`` so that ``except Exception`` blocks inside the extractor cannot swallow it.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class TimeLimitExceeded(BaseException):
    """The guarded call ran past its limit (BaseException: extractors cannot swallow it)."""


def _raise_timeout(signum, frame) -> None:
    raise TimeLimitExceeded()


def _alarm_is_free() -> bool:
    if threading.current_thread() is not threading.main_thread():
        return False
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        return False
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None, _raise_timeout)


@contextmanager
def _alarm_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Watchdog:
    """One daemon thread per process that interrupts overdue threads (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, int]] = []  # (deadline, ticket, thread id)
        self._active: set[int] = set()
        self._fired: set[int] = set()
        self._tickets = itertools.count()
        self._thread = threading.Thread(target=self._loop, name="lingoloom-time-limit", daemon=True)
        self._thread.start()

    def arm(self, seconds: float) -> int:
        ticket = next(self._tickets)
        with self._lock:
            self._active.add(ticket)
            heapq.heappush(self._heap, (time.monotonic() + seconds, ticket, threading.get_ident()))
            self._lock.notify()
        return ticket

    def disarm(self, ticket: int) -> None:
        with self._lock:
            self._active.discard(ticket)
            if ticket in self._fired:
                self._fired.discard(ticket)
                # the exception may still be pending (not yet raised): cancel it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)

    def _loop(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][1] not in self._active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._lock.wait()
                    continue
                deadline, ticket, thread_id = self._heap[0]
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._lock.wait(remaining)
                    continue
                heapq.heappop(self._heap)
                self._fired.add(ticket)
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(thread_id), ctypes.py_object(TimeLimitExceeded)
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
def _watchdog_limit(seconds: float) -> Iterator[None]:
    watchdog = _get_watchdog()
    ticket = watchdog.arm(seconds)
    try:
        yield
    finally:
        watchdog.disarm(ticket)


def time_limit(seconds: float):
    """Context manager raising :class:`TimeLimitExceeded` in the body once ``seconds`` have passed.

    Wrap the ``with`` block itself in ``try/except TimeLimitExceeded``: the exception may surface
    while leaving the block.
    """
    if _alarm_is_free():
        return _alarm_limit(seconds)
    return _watchdog_limit(seconds)
