"""`ledger-app [--ledger PATH]`: the window on a ledger, the default one unless told, with the demo offered on
first start."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from ledger import __version__
from ledger.demo import build_demo
from ledger.errors import LedgerError
from ledger.folder import Ledger, is_ledger, resolve_ledger_path
from ui.context import LedgerContext
from ui.main_window import MainWindow


def main(argv: Sequence[str] | None = None) -> int:
    # The binder's photo workers are spawned processes; in a frozen build they start by re-running this.
    multiprocessing.freeze_support()
    parser = argparse.ArgumentParser(prog="ledger-app", description="协作台账窗口")
    parser.add_argument("--ledger", help="台账文件夹（默认：本用户的默认台账）")
    args, qt_args = parser.parse_known_args(argv)
    QCoreApplication.setOrganizationName("xiezuo")
    QCoreApplication.setApplicationName("协作台账")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    try:
        ledger = open_ledger(resolve_ledger_path(args.ledger))
    except LedgerError as error:
        QMessageBox.critical(None, "协作台账", str(error))
        return 1
    if ledger is None:
        return 0
    window = MainWindow(LedgerContext(ledger))
    window.show()
    try:
        return app.exec()
    finally:
        ledger.close()


def open_ledger(path: Path) -> Ledger | None:
    """The ledger at `path`; where there is none yet, one is made there, with the demo year if the user wants.
    None when the user declines."""
    if is_ledger(path):
        return Ledger.open(path)
    answer = QMessageBox.question(
        None,
        "协作台账",
        f"还没有台账，将在这里新建：\n{path}\n\n"
        "要载入演示数据（鹤山市—龙州县 2020 年的会议、干部、人才、培训和资金记录）吗？\n"
        "选“是”载入演示数据，选“否”新建空台账。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    if answer == QMessageBox.StandardButton.Cancel:
        return None
    if answer == QMessageBox.StandardButton.Yes:
        progress = QProgressDialog("正在生成演示数据…", "", 0, 100)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.show()

        def report(fraction: float, message: str) -> None:
            progress.setLabelText(message)
            progress.setValue(int(fraction * 100))
            QApplication.processEvents()

        build_demo(path, progress=report)
        progress.close()
        return Ledger.open(path)
    return Ledger.create(path)
