"""Windows that live only while they are shown: dialogs, message boxes and popup menus, deleted when they close.

A dialog parented to the main window is otherwise kept until the window dies. Dozens of closed record forms
kept that way crashed the process (a segmentation fault in `QWidget::screen` while a later form filled in), so
every transient window in `ui/` is opened through one of these, and nothing keeps it after it closes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QWidget


def run_modal(dialog: QDialog) -> int:
    """`dialog.exec()`, then the dialog is deleted; what the caller needs of it must be read before it returns
    to the event loop (plain Python attributes set on it stay readable)."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


def show_modeless(dialog: QDialog) -> QDialog:
    """Shows a dialog that stays open beside the window; it is deleted when it closes."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def popup(menu: QMenu, at: QPoint) -> QAction | None:
    """Shows a context menu at `at` (global) and deletes it once an action is chosen or it is dismissed."""
    try:
        return menu.exec(at)
    finally:
        menu.deleteLater()


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    choices: Sequence[tuple[str, QMessageBox.ButtonRole]],
    *,
    default: int = -1,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    detail: str = "",
) -> int:
    """A question with buttons that say what they do (放弃修改 / 继续编辑, not 是 / 否): the index of the button
    chosen in `choices`, or -1 when the box was closed without one. `default` is the button Enter presses."""
    box = QMessageBox(icon, title, text, parent=parent)
    if detail:
        box.setInformativeText(detail)
    buttons = [box.addButton(label, role) for label, role in choices]
    if 0 <= default < len(buttons):
        box.setDefaultButton(buttons[default])
    try:
        box.exec()
        clicked = box.clickedButton()
        return next((index for index, button in enumerate(buttons) if button is clicked), -1)
    finally:
        box.deleteLater()


def tell(parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    run_modal(box)


def delete_closed() -> None:
    """Deletes now what `deleteLater` queued: for tests and loops that never return to the event loop."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
