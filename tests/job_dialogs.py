"""Waiting for a job dialog of the window (export, import, binder, package, backup) to end, as the window tests
do: the jobs run on a worker thread, so a test starts one and waits for the dialog's `job_ended` signal."""

from __future__ import annotations

WAIT = 60_000  # ms: generous, for a slow CI machine; the jobs here take a second or two


def finish(qtbot, dialog, start):
    """Starts the dialog's job with `start()` and waits for it to end; returns the state it ended in."""
    with qtbot.waitSignal(dialog.job_ended, timeout=WAIT):
        start()
    return dialog.state
