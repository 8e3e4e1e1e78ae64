"""The first start: who the clerk is, and whether the new ledger gets the demo year or starts empty.

Asked once, where there is no ledger yet. The name is the author of every change the clerk makes (the audit log
and the 修改人 setting); the unit goes on the binder's cover. Both are remembered for the next new ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ledger import records
from ledger.errors import InvalidInput
from ledger.settings import AUTHOR, COMPILING_UNIT, TextSetting, write_settings
from ledger.storage.folder import Ledger
from ui.widgets import hint

DEMO, EMPTY = "demo", "empty"


class FirstStartDialog(QDialog):
    """`choice` is DEMO or EMPTY once a button was pressed; None when cancelled."""

    def __init__(self, path: Path):
        super().__init__()
        self.setWindowTitle(self.tr("欢迎使用协作台账"))
        self.choice: str | None = None
        em = self.fontMetrics().horizontalAdvance("中")
        self.setMinimumWidth(em * 34)
        settings = QSettings()
        self.name = QLineEdit(settings.value("user/name", "", str), placeholderText=self.tr("如：李娟"))
        self.unit = QLineEdit(
            settings.value("user/unit", "", str), placeholderText=self.tr("如：鹤山市东西部协作工作组")
        )
        self.east = QLineEdit(placeholderText=self.tr("如：鹤山市"))
        self.west = QLineEdit(placeholderText=self.tr("如：龙州县"))
        self.hint = hint()

        intro = QLabel(self.tr("将在这里新建台账：\n{0}").format(path))
        intro.setWordWrap(True)
        who = QFormLayout()
        who.addRow(self.tr("您的姓名"), self.name)
        who.addRow("", hint(self.tr("记在您的每一次修改上（修改记录）。")))
        who.addRow(self.tr("编制单位"), self.unit)
        who.addRow("", hint(self.tr("印在佐证材料的封面上。以后都可以在“设置”里修改。")))
        pairing = QGroupBox(self.tr("结对关系（新建空台账时填写，也可以以后在“设置”里添加）"))
        places = QHBoxLayout(pairing)
        places.addWidget(QLabel(self.tr("东部")))
        places.addWidget(self.east, 1)
        places.addWidget(QLabel(self.tr("西部")))
        places.addWidget(self.west, 1)

        buttons = QDialogButtonBox()
        # Action, not accept, roles: a button box makes its first accept button the default.
        self.demo_button = buttons.addButton(self.tr("载入演示数据"), QDialogButtonBox.ButtonRole.ActionRole)
        self.demo_button.setToolTip(self.tr("鹤山市—龙州县 2020 年的一整年记录和佐证材料，可以随意试用"))
        self.empty_button = buttons.addButton(self.tr("新建空台账"), QDialogButtonBox.ButtonRole.ActionRole)
        # No default button: Enter in a box must not choose the demo for a real ledger.
        for button in (self.demo_button, self.empty_button, buttons.addButton(QDialogButtonBox.StandardButton.Cancel)):
            button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.demo_button.clicked.connect(lambda: self._choose(DEMO))
        self.empty_button.clicked.connect(lambda: self._choose(EMPTY))
        for line in (self.name, self.unit, self.east, self.west):
            line.textChanged.connect(self._check)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(who)
        layout.addWidget(pairing)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self._check()

    def _check(self) -> None:
        named = bool(self.name.text().strip())
        east, west = self.east.text().strip(), self.west.text().strip()
        half_a_pairing = bool(east) != bool(west)
        refused = _refused(self.tr("姓名"), AUTHOR, self.name.text()) or _refused(
            self.tr("编制单位"), COMPILING_UNIT, self.unit.text()
        )
        self.demo_button.setEnabled(named and not refused)
        self.empty_button.setEnabled(named and not half_a_pairing and not refused)
        if refused:
            self.hint.setText(refused)
        elif not named:
            self.hint.setText(self.tr("请先填写您的姓名。"))
        elif half_a_pairing:
            self.hint.setText(self.tr("结对关系要写出东部和西部两地，或者都不填。"))
        else:
            self.hint.clear()

    def _choose(self, choice: str) -> None:
        self.choice = choice
        settings = QSettings()
        settings.setValue("user/name", self.name.text().strip())
        settings.setValue("user/unit", self.unit.text().strip())
        self.accept()

    def answers(self) -> FirstStart | None:
        """What was chosen and typed, kept apart from the dialog (which is deleted once closed)."""
        if self.choice is None:
            return None
        texts = (line.text().strip() for line in (self.name, self.unit, self.east, self.west))
        return FirstStart(self.choice, *texts)


@dataclass(frozen=True)
class FirstStart:
    choice: str  # DEMO or EMPTY
    name: str
    unit: str
    east: str
    west: str

    def settle(self, ledger: Ledger) -> None:
        """Writes what was typed into the new ledger: the clerk as its 修改人, the unit, and the pairing."""
        values = {"author": self.name}
        if self.unit:  # the demo keeps its own unit unless one was typed
            values["compiling_unit"] = self.unit
        with ledger.session() as session, session.begin():
            write_settings(session, values)
        ledger.reread_author()  # the pairing is the clerk's first change
        if self.choice == EMPTY and self.east and self.west:
            with ledger.session() as session, session.begin():
                records.add_pairing(session, self.east, self.west)


def _refused(label: str, setting: TextSetting, text: str) -> str | None:
    """Why the setting would refuse `text` (a pasted control character, a name too long), as the hint says it."""
    if not text.strip():
        return None
    try:
        setting.parse(text)
    except InvalidInput as error:
        problem = error.problems[0]
        return f"{label}{problem.message}。"
    return None
