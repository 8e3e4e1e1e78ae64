"""`ledger-app [--ledger PATH]`: the window on a ledger (the one named, else the last one opened, else the
default one), with the demo offered on first start, and a crash log armed before anything else."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from ledger import __version__
from ledger.demo.build import build_demo
from ledger.errors import LedgerError
from ledger.jobs import Job
from ledger.resources import resource_path
from ledger.storage.folder import ENV_LEDGER, Ledger, is_ledger, resolve_ledger_path
from ui.context import LedgerContext
from ui.crash_log import KEPT, CrashLog, log_folder, unreported_crashes
from ui.first_start import DEMO, FirstStartDialog
from ui.main_window import MainWindow
from ui.transient import ask, run_modal


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
    crash_log = CrashLog(log_folder())
    crash_log.start()
    try:
        return _run(args, qt_args)
    finally:
        crash_log.stop()


def _run(args: argparse.Namespace, qt_args: list[str]) -> int:
    QCoreApplication.setOrganizationName("xiezuo")
    QCoreApplication.setApplicationName("协作台账")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    install_chinese(app)
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.png"))))
    tell_of_crash()
    path: Path | None = starting_ledger(args.ledger)
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
            closing = window.context.ledger  # a restore in the window reopens the ledger as another object
            closing.close()
            if closing.backup_error:  # the work is saved; the copy made on closing is not
                QMessageBox.warning(None, "协作台账", closing.backup_error + "\n记录已保存，只是没有留下关闭时的备份。")
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
    """The ledger at `path`; where there is none yet, the first-start dialog asks who the clerk is and whether
    to make it with the demo year or empty. None when the user declines."""
    if is_ledger(path):
        return Ledger.open(path)
    dialog = FirstStartDialog(path)
    answers = dialog.answers() if run_modal(dialog) else None
    if answers is None:
        return None
    if answers.choice == DEMO:
        progress = QProgressDialog("正在生成演示数据…", "", 0, 100)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.show()

        def report(fraction: float, message: str) -> None:
            progress.setLabelText(message)
            progress.setValue(int(fraction * 100))
            QApplication.processEvents()

        try:
            build_demo(path, job=Job(report))
        finally:
            progress.close()
            progress.deleteLater()
        ledger = Ledger.open(path)
    else:
        ledger = Ledger.create(path)
    answers.settle(ledger)
    return ledger


def starting_ledger(given: str | None) -> Path:
    """The ledger a start opens: the one named (--ledger, XIEZUO_LEDGER), else the last one opened if it is still
    there, else the user's default ledger."""
    if given or os.environ.get(ENV_LEDGER):
        return resolve_ledger_path(given)
    recent = QSettings().value("recent", [], list)
    if recent and is_ledger(Path(recent[0])):
        return Path(recent[0])
    return resolve_ledger_path(None)


def tell_of_crash(parent: QWidget | None = None) -> None:
    """Says once that the program stopped unexpectedly last time, and offers the log it left."""
    settings = QSettings()
    reported = set(settings.value("crash/reported", [], list))
    crashes = unreported_crashes(log_folder(), reported)
    if not crashes:
        return
    settings.setValue("crash/reported", sorted(reported | {path.name for path in crashes})[-KEPT:])
    newest = crashes[0]
    choices = [
        ("打开日志文件", QMessageBox.ButtonRole.ActionRole),
        ("打开所在文件夹", QMessageBox.ButtonRole.ActionRole),
        ("关闭", QMessageBox.ButtonRole.RejectRole),
    ]
    text = "协作台账上次意外退出了。台账本身有自动备份，最近保存的记录不受影响；未保存的表单内容可能丢失。"
    detail = f"当时的情况记在日志文件里，可以交给技术支持：\n{newest}"
    chosen = ask(parent, "协作台账", text, choices, default=2, icon=QMessageBox.Icon.Warning, detail=detail)
    if chosen in (0, 1):
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(newest if chosen == 0 else newest.parent)))
