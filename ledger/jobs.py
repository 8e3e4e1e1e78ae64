"""The contract of every long job of the ledger — export, import, binder, labels, pack, merge, backups, restore,
check, demo: each takes one `Job`, through which it says how far it got and learns whether to stop.

A job reports the fraction of its work done (0 to 1) and what it is doing; a step of the work is handed
`job.part(start, end)`, so that it reports 0 to 1 of its own and the caller's range follows. Every report is
also a checkpoint: once the user asked to stop it raises `Cancelled`, so a job reports only where stopping
leaves nothing behind, and a job that must stop between reports (a wait for a pool) calls `check()`. The
report of work finished, its output in place, is `done()`: no checkpoint, as stopping then could not take
the output back. Qt-free: the window's worker (`ui.worker`) makes a Job whose reports are queued signals and
whose cancel is a flag; the command line's prints them; without one a job runs silently to its end.
"""

from __future__ import annotations

from collections.abc import Callable


class Cancelled(Exception):
    """The user asked a long job to stop, and it stopped at a checkpoint, leaving nothing behind."""


class Job:
    """Where a long function reports its progress, and whether the user asked it to stop."""

    def __init__(self, report: Callable[[float, str], None] | None = None, cancelled: Callable[[], bool] | None = None):
        self._report = report or (lambda fraction, message: None)
        self._cancelled = cancelled or (lambda: False)
        self._start, self._size = 0.0, 1.0  # the part of the whole work that this job's 0 to 1 stands for

    def report(self, fraction: float, message: str) -> None:
        """Tells how far the work is (0 to 1) and what it is doing; then raises Cancelled if asked to stop."""
        self._report(self._start + self._size * fraction, message)
        self.check()

    def done(self, message: str) -> None:
        """Tells that the work is finished; never raises, since what it made is in place."""
        self._report(self._start + self._size, message)

    def part(self, start: float, end: float) -> Job:
        """The job of the step between `start` and `end` of this one, reporting 0 to 1 of its own."""
        step = Job(self._report, self._cancelled)
        step._start, step._size = self._start + self._size * start, self._size * (end - start)
        return step

    def cancelled(self) -> bool:
        """Whether the user asked to stop."""
        return self._cancelled()

    def check(self) -> None:
        """A checkpoint: raises Cancelled if the user asked to stop."""
        if self._cancelled():
            raise Cancelled
