"""The window on a ledger of 100,000 records: time from start to the first painted window (总览, as a new
user sees it), to open the kind's table, and to apply a filter in it.

Each measure runs in a fresh process (offscreen Qt). Floors in the same run: for the start, a bare window
painting a table of the same rows fetched with plain sqlite3; for the filter, a plain Python pass over the
same texts. Figures are printed with their ratio to the floor, not asserted.

    python bench/ui_bench.py [--records 100000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from ledger_bench import fill, in_own_process

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
FILTER = "联席 党政"


def _measured(step, queue, *args) -> None:
    queue.put(step(*args))


def run(step, *args):
    """What `step(*args)` returns, run in a fresh process, so each start is a cold one for Qt and Python."""
    return in_own_process("spawn", _measured, step, *args)


def _until_painted(app, widget) -> None:
    from PySide6.QtCore import QEvent, QObject

    painted = []

    class Watch(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    widget.show()
    while not painted:
        app.processEvents()


def window_start(folder: Path) -> tuple[float, float, float, int]:
    """(seconds to the first paint, to open the table, to apply the filter; rows the filter keeps)."""
    began = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from ledger.storage.folder import Ledger
    from ui.context import LedgerContext
    from ui.main_window import MainWindow

    app = QApplication([])
    with Ledger.open(folder) as ledger:
        window = MainWindow(LedgerContext(ledger))
        window.resize(1366, 768)
        _until_painted(app, window)
        started = time.perf_counter() - began
        began = time.perf_counter()
        table = window.show_kind("meeting")
        app.processEvents()
        opened = time.perf_counter() - began
        began = time.perf_counter()
        table.filter.setText(FILTER)
        app.processEvents()
        filtered = time.perf_counter() - began
        kept = table.proxy.rowCount()
        window.close()
    return started, opened, filtered, kept


def floor_start(folder: Path) -> tuple[float, float, int]:
    """A bare window painting the same rows read with sqlite3, and a plain pass filtering their texts."""
    began = time.perf_counter()
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([])
    db = sqlite3.connect(folder / "ledger.sqlite")
    rows = db.execute(
        "SELECT record.title, record.date, meeting.meeting_type, record.record_status FROM record "
        "JOIN meeting USING (id) WHERE kind = 'meeting' AND deleted_at IS NULL "
        "AND year = (SELECT max(year) FROM record) ORDER BY record.date"  # the year the window opens on
    ).fetchall()
    texts = [[str(cell or "") for cell in row] for row in rows]

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return len(texts)

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return 4

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return texts[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

    view = QTableView()
    view.setModel(Model())
    view.resize(1366, 768)
    _until_painted(app, view)
    started = time.perf_counter() - began
    began = time.perf_counter()
    words = FILTER.split()
    kept = sum(1 for row in texts if all(word in " ".join(row) for word in words))
    return started, time.perf_counter() - began, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ui-bench-") as folder:
        os.environ["XDG_CONFIG_HOME"] = folder  # the window's remembered state is not the user's
        path = Path(folder) / "ledger"
        print(f"making a ledger of {args.records:,} meetings …", flush=True)
        run(fill, path, args.records)
        start, opened, filtered, kept = run(window_start, path)
        floor, floor_filter, floor_kept = run(floor_start, path)
    print(f"{'':28}{'window':>10}{'floor':>10}{'ratio':>8}")
    print(f"{'start to first paint':28}{start:>9.2f}s{floor:>9.2f}s{start / floor:>7.1f}x")
    print(f"{'open the table':28}{opened:>9.2f}s{floor:>9.2f}s{opened / floor:>7.1f}x")
    print(f"{'filter “' + FILTER + '”':26}{filtered:>9.3f}s{floor_filter:>9.3f}s{filtered / floor_filter:>7.1f}x")
    print(f"rows kept by the filter: {kept:,} (floor {floor_kept:,})")


if __name__ == "__main__":
    main()
