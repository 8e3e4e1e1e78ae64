"""A child forked from the test process and killed with SIGKILL at a chosen moment, for the kill tests.

The child is forked after the imports rather than started as a new Python: a fresh start with SQLAlchemy,
openpyxl and Pillow takes about half a second, which hundreds of kills over is too long."""

from __future__ import annotations

import gc
import os
import select
import signal
import time
import traceback
from collections.abc import Callable

READY_WITHIN = 30.0

#: Says one line to the test: written whole in one system call, far below the pipe's atomic size, so a kill
#: never leaves half of one.
Say = Callable[[str], None]


def run_and_kill(work: Callable[[Say], None], delay: float) -> tuple[list[str], int]:
    """Forks a child that runs `work(say)`, which says "ready" when kill times are to count; kills it `delay`
    seconds later unless it has ended, and returns the lines it said and its wait status. An exception in the
    child is said as "error <traceback>"."""
    read_end, write_end = os.pipe()
    gc.freeze()  # the child must not collect and finalize the parent's garbage (a database connection among it)
    pid = os.fork()
    if pid == 0:  # the child: it never returns into the test
        try:
            os.close(read_end)
            work(lambda line: os.write(write_end, f"{line}\n".encode()) and None)
        except BaseException:
            os.write(write_end, f"error {traceback.format_exc()!r}\n".encode()[:4000])
        finally:
            os._exit(0)
    gc.unfreeze()
    os.close(write_end)
    output = b""
    try:
        output = _read_until(read_end, output, lambda text: b"ready\n" in text, READY_WITHIN)
        assert b"ready\n" in output, f"the child was not ready: {output.decode(errors='replace')}"
        output = _read_until(read_end, output, lambda text: False, delay)
    finally:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    output = _read_until(read_end, output, lambda text: False, READY_WITHIN)
    os.close(read_end)
    return output.decode().splitlines(), status


def _read_until(fd: int, output: bytes, enough: Callable[[bytes], bool], seconds: float) -> bytes:
    """Reads from `fd` until `enough(output)`, the end of the pipe (the child ended), or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while not enough(output):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if select.select([fd], [], [], min(left, 3600))[0]:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            output += chunk
    return output
