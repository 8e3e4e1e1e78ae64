"""How the plan windows write a plan down alike: a target, a deadline, an item on one line, the colours of a
note and an error, and the em they size their columns and windows by; and the rows of buttons the dialogs end with.

The view and its dialogs show the same task in several places (the table, the preview, the targets and the links
dialogs); one wording here keeps them saying it the same way.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ledger.models import Target
from ledger.plans import store as plans
from ledger.plans.measures import MEASURES
from ledger.plans.plan_json import target_label

ERROR_STYLE = "color: #C0392B;"
NOTE_STYLE = "color: #8A5A00;"


def em_width(widget: QWidget) -> int:
    return widget.fontMetrics().horizontalAdvance("中")


def flat(text: str) -> str:
    return " ".join(text.split())


def target_text(target: Target) -> str:
    threshold = plans.number_text(target.threshold, grouped=True)
    return f"{target_label(target)} ≥ {threshold}{MEASURES[target.measure].unit}"


def shown_deadline(deadline: date | None, written: str) -> str:
    # The parsed date is what progress uses, so it is shown; the words it was read from are in the tooltip.
    return f"{deadline:%Y-%m-%d}" if deadline else written or "—"


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons kept to the right, under the list or the fields they act on."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def closing(dialog: QDialog) -> tuple[QLabel, QDialogButtonBox]:
    """The foot of a plan dialog: a line saying what the last change did, and 关闭 (its changes are saved already)."""
    status = QLabel()
    status.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText(dialog.tr("关闭"))
    buttons.rejected.connect(dialog.reject)
    return status, buttons


def show_outcome(status: QLabel, text: str, *, failed: bool = False) -> None:
    """The foot's line after a change: a refusal in the error colour, what was done in the plain one."""
    status.setStyleSheet(ERROR_STYLE if failed else "")
    status.setText(text)
