"""The worker every long task of the window runs on: one job at a time on Qt's thread pool, with a session of
its own and the ledger's `Job` (`ledger.jobs`), whose reports and the end go back as queued signals and whose
cancel is a flag the window sets.

Kept apart from the dialogs so the window can start its periodic backup without importing what they need.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot
from sqlalchemy.orm import Session

from ledger.errors import LedgerError, user_error
from ledger.jobs import Cancelled, Job
from ledger.storage.folder import Ledger

_log = logging.getLogger(__name__)


class JobState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass
class Outcome:
    state: JobState
    result: Any = None
    error: Exception | None = None


#: A job: handed its `Job` and a session of its own (None on a runner without a ledger).
Work = Callable[[Job, Session | None], Any]


class _Signals(QObject):
    """The worker's voice. The application owns it, so it outlives a dialog closed before its job ends."""

    progressed = Signal(float, str)
    ended = Signal(object)


class JobRunner(QObject):
    """Runs one job at a time on the global thread pool; its signals arrive on the thread that made it."""

    progressed = Signal(float, str)
    ended = Signal(object)  # an Outcome

    def __init__(self, ledger: Ledger | None, parent: QObject | None = None):
        super().__init__(parent)
        #: Where the next job's session comes from; None for work on a closed ledger (a restore): no session.
        self.ledger = ledger
        #: The file the next job reads or writes, named when an error of the disk names none (a failed write).
        self.target: Path | None = None
        self._stop: threading.Event | None = None

    def running(self) -> bool:
        return self._stop is not None

    def start(self, work: Work) -> None:
        if self.running():
            raise RuntimeError("a job is already running")
        # Owned by the application, and deleted on this thread once its last word is delivered: never by the
        # worker dropping the last reference to it, nor by the garbage collector in whichever thread it runs.
        signals = _Signals(QCoreApplication.instance())
        stop, ledger, target = threading.Event(), self.ledger, self.target
        # Connected to this object's slots, so Qt queues them onto its thread.
        signals.progressed.connect(self._progressed)
        signals.ended.connect(self._ended)
        signals.ended.connect(signals.deleteLater)
        # A job whose window is gone stops, rather than keeping the program from quitting.
        self.destroyed.connect(lambda *_: stop.set())
        self._stop = stop

        _collector_paused()

        def run() -> None:
            job = Job(lambda fraction, message: signals.progressed.emit(fraction, message), stop.is_set)
            try:
                if ledger is None:
                    outcome = Outcome(JobState.DONE, work(job, None))
                else:
                    with ledger.session() as session:
                        outcome = Outcome(JobState.DONE, work(job, session))
            except Cancelled:
                outcome = Outcome(JobState.CANCELLED)
            except Exception as error:  # anything at all is told to the user, not raised into Qt
                if not isinstance(error, LedgerError):
                    _log.exception("job failed")
                # A full disk, a refused permission, a failing stick: the sentence the command line prints too.
                told = user_error(error, database=ledger.database if ledger else None, target=target)
                shown = told if isinstance(told, Exception) else error
                # The frames of this thread (its session among them) are not kept alive in a cycle through the
                # error's traceback, to be collected later on another thread.
                _drop_frames(shown)
                outcome = Outcome(JobState.FAILED, error=shown)
            finally:
                _collector_resumed()
            signals.ended.emit(outcome)

        QThreadPool.globalInstance().start(run)

    def cancel(self) -> None:
        if self._stop is not None:
            self._stop.set()

    @Slot(float, str)
    def _progressed(self, fraction: float, message: str) -> None:
        self.progressed.emit(fraction, message)

    @Slot(object)
    def _ended(self, outcome: Outcome) -> None:
        self._stop = None
        self.ended.emit(outcome)


def _drop_frames(error: BaseException) -> None:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        error.__traceback__ = None
        error = error.__cause__ or error.__context__


# Python's cycle collector runs in whichever thread allocates, and finalises whatever is unreachable there,
# the worker's ORM objects included: their weak-reference callbacks then change the worker's session from
# the GUI thread while the worker is inside SQLAlchemy's compiled code, which crashed the process. While a
# job runs the collector waits (reference counting still frees all but cycles); the last job to end lets
# it run again.
_jobs_running = 0
_jobs_lock = threading.Lock()


def _collector_paused() -> None:
    global _jobs_running
    with _jobs_lock:
        _jobs_running += 1
        gc.disable()


def _collector_resumed() -> None:
    global _jobs_running
    with _jobs_lock:
        _jobs_running -= 1
        if _jobs_running == 0:
            gc.enable()
