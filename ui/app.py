"""`ledger-app [--ledger PATH]`: the window on a ledger, the default one unless told, with the demo offered on
first start."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
)

from ledger import __version__, records
from ledger.demo import build_demo
from ledger.errors import LedgerError
from ledger.folder import Ledger, is_ledger, resolve_ledger_path
from ledger.resources import resource_path
from ui.context import LedgerContext
from ui.main_window import MainWindow


def main(argv: Sequence[str] | None = None) -> int:
    # The binder's photo workers are spawned processes; in a frozen build they start by re-running this.
    multiprocessing.freeze_support()
    parser = argparse.ArgumentParser(prog="ledger-app", description="协作台账窗口")
    parser.add_argument("--ledger", help="台账文件夹（默认：本用户的默认台账）")
    parser.add_argument(
        "--self-test", action="store_true", help="在临时文件夹中自检（演示数据、检查、Excel、PDF、窗口）后退出"
    )
    args, qt_args = parser.parse_known_args(argv)
    if args.self_test:
        from ui.self_test import run_self_test

        return run_self_test()
    QCoreApplication.setOrganizationName("xiezuo")
    QCoreApplication.setApplicationName("协作台账")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    install_chinese(app)
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.png"))))
    path: Path | None = resolve_ledger_path(args.ledger)
    status = 0
    # One ledger at a time: 新建台账 or 最近的台账 close the window and name the next one to open.
    while path is not None:
        try:
            ledger = open_ledger(path)
        except LedgerError as error:
            QMessageBox.critical(None, "协作台账", str(error))
            return 1
        if ledger is None:
            return 0
        remember(path)
        window = MainWindow(LedgerContext(ledger))
        window.show()
        try:
            status = app.exec()
        finally:
            window.context.ledger.close()  # a restore in the window reopens the ledger as another object
        path = window.next_ledger
    return status


def install_chinese(app: QApplication) -> QTranslator | None:
    """Qt's own words (确定, 取消, 是, 否, the file dialogs, the context menus of text fields) in Chinese:
    the interface is Chinese whatever the system's language. None when Qt's translations are missing."""
    translator = QTranslator(app)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", _qt_translations()):
        return None
    app.installTranslator(translator)
    return translator


def _qt_translations() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def remember(path: Path) -> None:
    """Puts `path` first in 最近的台账 (ten at most)."""
    settings = QSettings()
    recent = [str(path), *(item for item in settings.value("recent", [], list) if item != str(path))]
    settings.setValue("recent", recent[:10])


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
    pairing = PairingDialog()
    if not pairing.exec():
        return None
    ledger = Ledger.create(path)
    with ledger.session() as session, session.begin():
        records.add_pairing(session, pairing.east.text().strip(), pairing.west.text().strip())
    return ledger


class PairingDialog(QDialog):
    """The pairing a new ledger keeps records of: every record belongs to one (鹤山市—龙州县)."""

    def __init__(self):
        super().__init__()
        self.setWindowTitle("新建台账：结对关系")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 28)
        self.east = QLineEdit(placeholderText="如：鹤山市")
        self.west = QLineEdit(placeholderText="如：龙州县")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        for field in (self.east, self.west):
            field.textChanged.connect(self._check)
        form = QFormLayout(self)
        note = QLabel("台账按结对关系记录。请填写东部和西部的市县（以后可用 ledger pairing add 添加更多）：")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow("东部", self.east)
        form.addRow("西部", self.west)
        form.addRow(buttons)

    def _check(self) -> None:
        self.ok.setEnabled(bool(self.east.text().strip() and self.west.text().strip()))
