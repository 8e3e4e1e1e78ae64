"""The crash log: a run that dies leaves its stacks in the log folder, the next start says so once; a run that
ends normally leaves nothing."""

import json
import subprocess
import sys
import textwrap

from PySide6.QtCore import QSettings

from ui import app
from ui.crash_log import KEPT, unreported_crashes


def _run(folder, body: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from ui.crash_log import CrashLog
        log = CrashLog(Path({str(folder)!r}))
        log.start()
        {body}
        log.stop()
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)


def test_a_crash_leaves_its_stack_and_a_normal_end_leaves_nothing(tmp_path):
    assert _run(tmp_path, "print('fine')").returncode == 0
    assert list(tmp_path.iterdir()) == []
    # What faulthandler writes of an exception that was handled (Windows' COM ones) is no crash.
    handled = "log._file.write('Windows fatal exception: code 0x8001010d'); log._file.flush()"
    assert _run(tmp_path, handled).returncode == 0
    assert list(tmp_path.iterdir()) == []
    died = _run(tmp_path, "import faulthandler; faulthandler._sigsegv()")
    assert died.returncode != 0
    [log] = tmp_path.glob("crash-*.log")
    assert "Segmentation fault" in log.read_text(encoding="utf-8")
    assert unreported_crashes(tmp_path, set()) == [log]
    assert unreported_crashes(tmp_path, {log.name}) == []


def test_only_the_newest_ten_are_kept(tmp_path):
    for day in range(1, 13):
        (tmp_path / f"crash-202501{day:02}-080000-1.log").write_text("stack", encoding="utf-8")
    # In a process of its own: arming and disarming faulthandler here would disarm pytest's own.
    listed = _run(tmp_path, "import json, os; print(json.dumps(sorted(os.listdir(log.folder))))")  # its own log too
    kept = json.loads(listed.stdout)
    assert len(kept) == KEPT == 10
    assert kept[0] == "crash-20250104-080000-1.log"
    assert sorted(path.name for path in tmp_path.iterdir()) == kept[:-1]


def test_the_next_start_tells_of_the_crash_once(tmp_path, qtbot, monkeypatch):
    QSettings().clear()
    (tmp_path / "crash-20261201-080000-1.log").write_text("Fatal Python error: Segmentation fault", encoding="utf-8")
    monkeypatch.setattr(app, "log_folder", lambda: tmp_path)
    told = []
    monkeypatch.setattr(app, "ask", lambda parent, title, text, choices, **kw: told.append((text, kw["detail"])) or 2)
    app.tell_of_crash()
    app.tell_of_crash()
    assert len(told) == 1
    text, detail = told[0]
    assert text.startswith("协作台账上次意外退出了。")
    assert detail.endswith("crash-20261201-080000-1.log")
