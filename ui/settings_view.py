"""设置: who is making changes, the compiling unit, the binder's font and masking, and backups."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ledger import records
from ledger.errors import LedgerError
from ledger.pdf.fonts import find_fonts
from ledger.settings import MASK_PERSONAL, read_settings, write_settings
from ledger.storage.backup import list_backups
from ui.changes import Changes
from ui.context import LedgerContext
from ui.widgets import hint, spread_row

#: The settings this view edits, as `ledger config` names them.
KEYS = ("author", "compiling_unit", "pdf_font", "mask_personal")
#: How many of the newest backups are listed.
NEWEST = 5


class SettingsView(QWidget):
    #: 从备份恢复… was clicked; the window opens the dialog.
    restore_requested = Signal()

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self._shown: dict[str, str] = {}  # the settings as `reload` showed them: `save` writes what differs
        self.author = QLineEdit(placeholderText=self.tr("写入每一次修改记录，如：李娟"))
        self.compiling_unit = QLineEdit(placeholderText=self.tr("印在佐证材料封面，如：鹤山市东西部协作工作组"))
        self.pdf_font = QComboBox(editable=True)
        self.pdf_font.lineEdit().setPlaceholderText(self.tr("自动：本机的宋体等中文字体"))
        self.font_note = QLabel()
        self.font_note.setWordWrap(True)
        self.mask = QCheckBox(self.tr("编制佐证材料时，身份证号、电话默认打码"))
        self.saved = QLabel()
        save = QPushButton(self.tr("保存设置"))
        save.setDefault(True)
        save.clicked.connect(self.save)

        pairings = self._pairings_group()
        who = QGroupBox(self.tr("台账"))
        form = QFormLayout(who)
        form.addRow(self.tr("修改人"), self.author)
        form.addRow(self.tr("编制单位"), self.compiling_unit)
        binder = QGroupBox(self.tr("佐证材料"))
        form = QFormLayout(binder)
        form.addRow(self.tr("正文字体"), self.pdf_font)
        form.addRow("", self.font_note)
        form.addRow("", self.mask)
        backups = QGroupBox(self.tr("备份"))
        self.backup_note = QLabel()
        self.backup_note.setWordWrap(True)
        self.backup_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.newest = QLabel()
        self.newest.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        backup_now = QPushButton(self.tr("立即备份"))
        backup_now.clicked.connect(self.backup)
        restore = QPushButton(self.tr("从备份恢复…"))
        restore.clicked.connect(self.restore_requested)
        open_folder = QPushButton(self.tr("打开备份文件夹"))
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.ledger.backups_dir)))
        )
        row = QHBoxLayout()
        row.addWidget(backup_now)
        row.addWidget(restore)
        row.addWidget(open_folder)
        row.addStretch(1)
        column = QVBoxLayout(backups)
        column.addWidget(self.backup_note)
        column.addWidget(self.newest)
        column.addLayout(row)

        layout = QVBoxLayout(self)
        for group in (who, pairings, binder, backups):
            layout.addWidget(group)
        layout.addLayout(spread_row(self.saved, save))
        layout.addStretch(1)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("中") * 50)

    def _pairings_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("结对关系"))
        self.pairing_list = QLabel()
        self.pairing_list.setWordWrap(True)
        self.pairing_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.east = QLineEdit(placeholderText=self.tr("东部，如：鹤山市"))
        self.west = QLineEdit(placeholderText=self.tr("西部，如：龙州县"))
        self.add_pairing_button = QPushButton(self.tr("添加"))
        self.add_pairing_button.setAutoDefault(False)
        self.add_pairing_button.setEnabled(False)
        self.add_pairing_button.clicked.connect(self.add_pairing)
        for line in (self.east, self.west):
            line.textChanged.connect(self._pairing_typed)
            line.returnPressed.connect(self.add_pairing)
        self.pairing_note = QLabel()
        self.pairing_note.setWordWrap(True)
        self.pairing_note.hide()
        row = QHBoxLayout()
        row.addWidget(self.east, 1)
        row.addWidget(QLabel("—"))
        row.addWidget(self.west, 1)
        row.addWidget(self.add_pairing_button)
        # The receiving counties of a pairing whose west side is a prefecture (广州市—黔南州): what a record's 受援县
        # is chosen from, and what 县均 divides by.
        self.counties_pairing = QComboBox()
        self.counties_pairing.currentTextChanged.connect(self._show_counties)
        self.counties = QLineEdit(placeholderText=self.tr("覆盖多个县时填写，如：都匀市、福泉市"))
        self.counties.returnPressed.connect(self.save_counties)
        self.save_counties_button = QPushButton(self.tr("保存受援县"))
        self.save_counties_button.setAutoDefault(False)
        self.save_counties_button.clicked.connect(self.save_counties)
        counties_row = QHBoxLayout()
        counties_row.addWidget(QLabel(self.tr("受援县")))
        counties_row.addWidget(self.counties_pairing)
        counties_row.addWidget(self.counties, 1)
        counties_row.addWidget(self.save_counties_button)
        column = QVBoxLayout(group)
        column.addWidget(self.pairing_list)
        column.addLayout(row)
        column.addLayout(counties_row)
        column.addWidget(self.pairing_note)
        column.addWidget(hint(self.tr("结对关系的名称用于交换和合并台账时对应记录，添加后不能改名。")))
        return group

    def _show_counties(self, name: str) -> None:
        with self.context.session() as session:
            pairing = records.find_pairing(session, name) if name else None
            self.counties.setText("、".join(records.pairing_counties(pairing)) if pairing else "")
        self.counties.setEnabled(pairing is not None)
        self.save_counties_button.setEnabled(pairing is not None)

    def save_counties(self) -> None:
        name, text = self.counties_pairing.currentText(), self.counties.text()
        if not name:
            return

        def set_counties(session) -> list[str]:
            return records.set_pairing_counties(session, records.find_pairing(session, name), text)

        try:
            counties = self.context.write(set_counties, Changes(pairings=True))
        except LedgerError as error:
            self._say_pairing(str(error), error=True)
            return
        self.counties.setText("、".join(counties))
        listed = "、".join(counties) or self.tr("无（只有一个县）")
        self._say_pairing(self.tr("已保存{0}的受援县：{1}").format(name, listed))

    def _pairing_typed(self) -> None:
        self.add_pairing_button.setEnabled(bool(self.east.text().strip() and self.west.text().strip()))
        self._say_pairing("")

    def add_pairing(self) -> None:
        east, west = self.east.text().strip(), self.west.text().strip()
        if not (east and west):
            return
        name = records.pairing_name(east, west)
        if name in self.context.pairings():
            self._say_pairing(self.tr("已有结对关系“{0}”。").format(name), error=True)
            return
        try:
            self.context.write(lambda session: records.add_pairing(session, east, west), Changes(pairings=True))
        except LedgerError as error:
            self._say_pairing(str(error), error=True)
            return
        self.east.clear()
        self.west.clear()
        self._say_pairing(self.tr("已添加结对关系“{0}”。").format(name))

    def _say_pairing(self, text: str, *, error: bool = False) -> None:
        self.pairing_note.setText(text)
        self.pairing_note.setStyleSheet("color:#c0392b;" if error else "")
        self.pairing_note.setVisible(bool(text))

    def reload(self) -> None:
        known = self.context.pairings()
        none_yet = self.tr("还没有结对关系：请在下面添加，才能登记记录。")
        self.pairing_list.setText(self.tr("已有：{0}").format("、".join(known)) if known else none_yet)
        chosen = self.counties_pairing.currentText()
        self.counties_pairing.blockSignals(True)
        self.counties_pairing.clear()
        self.counties_pairing.addItems(known)
        self.counties_pairing.setCurrentText(chosen)
        self.counties_pairing.blockSignals(False)
        self._show_counties(self.counties_pairing.currentText())
        with self.context.session() as session:
            stored = read_settings(session, KEYS)
        self.author.setText(stored["author"])
        self.compiling_unit.setText(stored["compiling_unit"])
        fonts = find_fonts()
        self.pdf_font.clear()
        self.pdf_font.addItems(["", *dict.fromkeys(face.name for face in [fonts.main, *fonts.fallbacks])])
        self.pdf_font.setCurrentText(stored["pdf_font"])
        self.mask.setChecked(stored["mask_personal"])
        self._shown = self._typed()
        self._describe_font()
        self._describe_backups()

    def _typed(self) -> dict[str, str]:
        return {
            "author": self.author.text().strip(),
            "compiling_unit": self.compiling_unit.text().strip(),
            "pdf_font": self.pdf_font.currentText().strip(),
            "mask_personal": MASK_PERSONAL.text(self.mask.isChecked()),
        }

    def save(self) -> None:
        # Only what was changed here: a setting left as shown keeps what is stored (and its log stays quiet),
        # even a value written by an older version that the form could not show.
        typed = self._typed()
        values = {key: text for key, text in typed.items() if text != self._shown.get(key)}
        try:
            self.context.write(lambda session: write_settings(session, values), Changes())
        except LedgerError as error:  # a value the setting refuses: nothing was saved
            self.saved.setText(str(error))
            return
        self._shown = typed
        self.context.ledger.reread_author()  # the next change is written under the new name
        self._describe_font()
        self.saved.setText(self.tr("已保存。"))

    def backup(self) -> None:
        path = self.context.ledger.backup("manual")
        self.saved.setText(self.tr("已备份：{0}").format(path.name))
        self._describe_backups()

    def _describe_font(self) -> None:
        fonts = find_fonts(self.pdf_font.currentText().strip() or None)
        note = self.tr("将使用：{0}").format(fonts.main.name)
        if fonts.warnings:
            note += "\n" + "\n".join(fonts.warnings)
        self.font_note.setText(note)

    def _describe_backups(self) -> None:
        folder = self.context.ledger.backups_dir
        found = list_backups(folder)
        self.backup_note.setText(
            self.tr("打开和关闭台账时、开着时每小时，有改动就自动备份。备份保存在 {0}，现有 {1} 份，最新的：").format(
                folder, len(found)
            )
        )
        self.newest.setText(
            "\n".join(f"{backup.made:%Y-%m-%d %H:%M:%S}　{backup.label}" for backup in found[:NEWEST])
            or self.tr("（还没有备份）")
        )
