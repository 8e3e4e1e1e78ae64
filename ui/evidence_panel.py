"""The evidence of one record beside its form: thumbnails, files dropped or picked to attach, the system
viewer to open them, and removal to the recycle bin.

Every change goes through `ledger.evidence` inside `LedgerContext.change_evidence`; the panel only asks the user
and shows what the ledger says, including its refusals (an archived record's evidence is locked). It reads the
record again when a change touched it or its evidence.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPoint, QSize, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger import evidence, evidence_store, records
from ledger.errors import LedgerError
from ledger.evidence_roles import OTHER, guess_role
from ledger.kinds.common import ARCHIVED
from ledger.limits import Limits
from ledger.models import EVIDENCE_ROLES, Attachment
from ui.changes import Changes
from ui.context import LedgerContext
from ui.evidence_details import DetailsDialog
from ui.evidence_files import (
    THUMBNAIL,
    ShownAttachment,
    badge_icon,
    shown_attachments,
    size_text,
    thumbnail,
    viewing_copy,
)
from ui.transient import ask, popup, run_modal, tell
from ui.widgets import hint, spread_row
from ui.worker import JobRunner, JobState, Outcome

# Above this the copy and hash would freeze the window for a second or more: the worker does them.
COPY_IN_BACKGROUND = 32 * 2**20
_ATTACHMENT_ID = Qt.ItemDataRole.UserRole
_STORED_PATH = Qt.ItemDataRole.UserRole + 1
_NAME = Qt.ItemDataRole.UserRole + 2
_ROLE = Qt.ItemDataRole.UserRole + 3
_CAPTION = Qt.ItemDataRole.UserRole + 4

#: Asks role and caption of each file about to be attached, given the files and the role guessed for each:
#: one (role, caption) for each file, or None to cancel.
AskDetails = Callable[[Sequence[Path], Sequence[str]], Sequence[tuple[str, str]] | None]
#: Asks a new caption for the files named, given the one they have now; None cancels.
AskCaption = Callable[[str, str], str | None]


class EvidencePanel(QWidget):
    def __init__(self, context: LedgerContext, record_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.record_id = record_id
        self.read_only = False
        self.kind = ""  # the record's, for guessing what each file added is
        #: Replaced in tests, so a drop, a caption or a removal needs no modal dialog.
        self.ask_details: AskDetails = self._ask_details
        self.ask_caption: AskCaption = self._ask_caption
        self.confirm_remove: Callable[[str], bool] = self._confirm_remove
        self._icons: dict[str, QIcon] = {}  # by SHA-256: stored files never change

        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.add_button = QPushButton(self.tr("添加文件…"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._pick_files)
        self.list = QListWidget()
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setSpacing(2)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Long captions are shortened in place (the full text is the tooltip), never scrolled sideways.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.itemActivated.connect(self._open)  # double-click and Enter
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self.open_button = QPushButton(self.tr("打开"))
        self.remove_button = QPushButton(self.tr("移除"))
        for button in (self.open_button, self.remove_button):
            button.setAutoDefault(False)
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        self.remove_button.clicked.connect(self._remove_selected)
        remove_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self._remove_selected)
        self.hint = hint()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(spread_row(self.heading, self.add_button, self.open_button, self.remove_button))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)

        self.setAcceptDrops(True)
        context.changed.connect(self._changed)
        self.reload()

    def _changed(self, changes: Changes) -> None:
        if changes.touches_record(self.record_id):
            self.reload()

    def reload(self) -> None:
        with self.context.session() as session:
            record = records.get_record(session, self.record_id)
            self.read_only = record.record_status == ARCHIVED or record.deleted
            self.kind = record.kind
            shown = shown_attachments(self.context.ledger, record)
        # What was selected stays selected: a type changed from the menu is seen on the same file.
        selected = {item.data(_ATTACHMENT_ID) for item in self.list.selectedItems()}
        current = self.list.currentItem().data(_ATTACHMENT_ID) if self.list.currentItem() else None
        self.list.clear()
        for entry in shown:
            self.list.addItem(self._item(entry))
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_ATTACHMENT_ID) == current:
                self.list.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
            item.setSelected(item.data(_ATTACHMENT_ID) in selected)
        self.heading.setText(self.tr("佐证材料（{count}）").format(count=len(shown)))
        if self.read_only:
            self.hint.setText(self.tr("记录已归档或在回收站里，佐证材料不能增删。双击可打开查看。"))
        else:
            self.hint.setText(self.tr("把文件拖到这里即可添加；双击打开，右键修改类型和说明，Delete 键移除。"))
        self.add_button.setEnabled(not self.read_only)
        self._update_buttons()

    def _item(self, shown: ShownAttachment) -> QListWidgetItem:
        second = " · ".join(part for part in (shown.role, shown.caption) if part)
        item = QListWidgetItem(self._icon(shown), f"{shown.name}\n{second}\n{shown.facts}")
        item.setToolTip(f"{shown.name}\n{second}\n{shown.facts}")
        item.setData(_ATTACHMENT_ID, shown.id)
        item.setData(_STORED_PATH, str(shown.path))
        item.setData(_NAME, shown.name)
        item.setData(_ROLE, shown.role)
        item.setData(_CAPTION, shown.caption)
        return item

    def _icon(self, shown: ShownAttachment) -> QIcon:
        if shown.sha256 not in self._icons:
            picture = thumbnail(shown.path) if shown.is_image else None
            self._icons[shown.sha256] = QIcon(picture) if picture else badge_icon(shown.path)
        return self._icons[shown.sha256]

    def _update_buttons(self) -> None:
        selected = bool(self.list.selectedItems())
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(selected and not self.read_only)

    # Attaching ------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _local_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_files(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    def file_filter(self) -> str:
        """The file dialog's filter: every type `ledger.evidence` takes, then photos, PDF and documents apart."""

        def patterns(suffixes: Sequence[str], *, upper: Sequence[str] = ()) -> str:
            # Cameras and scanners name files IMG_0001.JPG; some file dialogs match patterns case by case.
            return " ".join([f"*{suffix}" for suffix in suffixes] + [f"*{suffix.upper()}" for suffix in upper])

        named = (*evidence.PHOTO_SUFFIXES[:2], ".png", *evidence.SCAN_SUFFIXES)
        return ";;".join(
            (
                f"{self.tr('佐证材料')} ({patterns(evidence.ACCEPTED_SUFFIXES, upper=named)})",
                f"{self.tr('照片')} ({patterns(evidence.PHOTO_SUFFIXES, upper=named[:3])})",
                f"PDF ({patterns(evidence.SCAN_SUFFIXES, upper=evidence.SCAN_SUFFIXES)})",
                f"{self.tr('文档、表格、压缩包和音视频')} ({patterns(evidence.DOCUMENT_SUFFIXES)})",
            )
        )

    def _pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("添加佐证材料"), "", self.file_filter())
        if names:
            self.add_files([Path(name) for name in names])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Asks the role and caption of each of `paths`, proposing the role guessed for each, then attaches them."""
        if self.read_only:
            # No questions for a locked record: the ledger refuses and says why, and how to unlock it.
            details = [(OTHER, "")] * len(paths)
        else:
            answered = self.ask_details(paths, [guess_role(path, self.kind) for path in paths])
            if answered is None:
                return
            details = list(answered)
        roles = [role for role, _ in details]
        captions = [caption for _, caption in details]

        def attach(session) -> list[str]:
            record = records.get_record(session, self.record_id)
            attached = evidence.attach(
                session, self.context.ledger.evidence_dir, record, paths, roles=roles, captions=captions
            )
            return [
                f"{attachment.original_name}：{attachment.warning}" for attachment in attached if attachment.warning
            ]

        with self.context.session() as session:
            most = Limits.of(session).evidence_mb * 2**20
        # Files past the limit are refused before any copy, at once: only the others take time.
        if _total_size(paths, most) > COPY_IN_BACKGROUND:
            self._attach_in_background(attach, paths)
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            warnings = self.context.change_evidence(self.record_id, attach)
        except (LedgerError, OSError) as error:
            self._attached(Outcome(JobState.FAILED, error=error))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._attached(Outcome(JobState.DONE, warnings))

    def _attach_in_background(self, attach: Callable[[Session], list[str]], paths: Sequence[Path]) -> None:
        """Large files (a video, a scanned volume) are copied and hashed on the worker, the window still drawn."""
        progress = QProgressDialog(
            self.tr("正在复制并核对 {0} 个文件（{1}）…").format(len(paths), size_text(_total_size(paths))),
            "",
            0,
            0,
            self,
        )
        progress.setCancelButton(None)  # a copy half done is discarded anyway; stopping it would gain nothing
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        self.runner = JobRunner(self.context.ledger, self)

        def work(job, session) -> list[str]:
            with session.begin():
                return attach(session)

        def ended(outcome: Outcome) -> None:
            progress.close()
            progress.deleteLater()
            if outcome.state is JobState.DONE:
                self.context.evidence_changed(self.record_id)
            self._attached(outcome)

        self.runner.ended.connect(ended)
        progress.show()
        self.runner.start(work)

    def _attached(self, outcome: Outcome) -> None:
        if outcome.state is JobState.FAILED:
            self._discard_copies()
            self._tell(self.tr("未能添加佐证材料"), str(outcome.error))
        elif outcome.result:
            self._tell(self.tr("已添加，但请注意"), "\n".join(outcome.result), QMessageBox.Icon.Information)

    def _discard_copies(self) -> None:
        # A failed attach may have stored some files already; no row names them now.
        with self.context.session() as session:
            evidence_store.discard_unreferenced(session, self.context.ledger.evidence_dir)

    def _ask_details(self, paths: Sequence[Path], roles: Sequence[str]) -> list[tuple[str, str]] | None:
        dialog = DetailsDialog(paths, roles, self)
        return dialog.details() if run_modal(dialog) == QDialog.DialogCode.Accepted else None

    # Changing type and caption --------------------------------------------------------------------

    def context_menu(self) -> QMenu | None:
        """The menu of the selected files: 打开, 修改类型 ▸, 修改说明…, 移除; None when none is selected."""
        items = self.list.selectedItems()
        if not items:
            return None
        menu = QMenu(self)
        opened = menu.addAction(self.tr("打开"))
        # Items are looked up when chosen, not kept: a reload while the menu is open replaces them.
        opened.triggered.connect(
            lambda: self._open(self.list.currentItem() or next(iter(self.list.selectedItems()), None))
        )
        roles = menu.addMenu(self.tr("修改类型"))
        now = {item.data(_ROLE) for item in items}
        for role in EVIDENCE_ROLES:
            action = roles.addAction(role)
            action.setCheckable(True)
            action.setChecked(now == {role})
            action.triggered.connect(lambda checked=False, role=role: self.change_role(role))
        caption = menu.addAction(self.tr("修改说明…"))
        caption.triggered.connect(self.change_caption)
        menu.addSeparator()
        remove = menu.addAction(self.tr("移除"))
        remove.triggered.connect(self._remove_selected)
        for action in (roles.menuAction(), caption, remove):
            action.setEnabled(not self.read_only)
        return menu

    def _show_menu(self, at: QPoint) -> None:
        item = self.list.itemAt(at)
        if item is not None and not item.isSelected():
            self.list.setCurrentItem(item)  # a right click outside the selection is on that file alone
        menu = self.context_menu()
        if menu is not None:
            popup(menu, self.list.viewport().mapToGlobal(at))

    def change_role(self, role: str) -> None:
        """Gives every selected file `role`."""
        self._change_selected(role=role)

    def change_caption(self) -> None:
        """Asks a caption for the selected files and gives it to each; an empty one clears theirs."""
        items = self.list.selectedItems()
        if not items or self.read_only:
            return
        captions = {item.data(_CAPTION) for item in items}
        names = items[0].data(_NAME) if len(items) == 1 else self.tr("所选 {count} 个文件").format(count=len(items))
        caption = self.ask_caption(names, captions.pop() if len(captions) == 1 else "")
        if caption is not None:
            self._change_selected(caption=caption)

    def _change_selected(self, **change: str) -> None:
        ids = [item.data(_ATTACHMENT_ID) for item in self.list.selectedItems()]
        if not ids or self.read_only:
            return

        def update(session) -> None:
            for attachment_id in ids:
                evidence.update_attachment(session, session.get(Attachment, attachment_id), **change)

        try:
            self.context.change_evidence(self.record_id, update)
        except LedgerError as error:
            self._tell(self.tr("未能修改"), str(error))

    def _ask_caption(self, names: str, current: str) -> str | None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("修改说明"))
        dialog.setLabelText(self.tr("{names} 的说明（可留空）：").format(names=names))
        dialog.setTextValue(current)
        dialog.setOkButtonText(self.tr("保存"))
        dialog.setCancelButtonText(self.tr("取消"))
        dialog.resize(self.fontMetrics().horizontalAdvance("中") * 30, dialog.sizeHint().height())
        accepted = run_modal(dialog) == QDialog.DialogCode.Accepted
        return dialog.textValue() if accepted else None

    # Opening and removing -------------------------------------------------------------------------

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        stored = Path(item.data(_STORED_PATH))
        if not stored.is_file():
            self._tell(self.tr("无法打开"), self.tr("找不到存放的文件：{path}").format(path=stored))
            return
        try:
            copy = self._viewing_copy(stored, item.data(_NAME))
        except OSError as error:
            self._tell(self.tr("无法打开"), str(error))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def _viewing_copy(self, stored: Path, name: str) -> Path:
        return viewing_copy(self.context.ledger, stored, name)

    def _remove_selected(self) -> None:
        items = self.list.selectedItems()
        if not items or self.read_only:
            return
        names = "、".join(item.data(_NAME) for item in items)
        if not self.confirm_remove(names):
            return
        ids = [item.data(_ATTACHMENT_ID) for item in items]

        def detach(session) -> None:
            for attachment_id in ids:
                evidence.detach(session, session.get(Attachment, attachment_id))

        try:
            self.context.change_evidence(self.record_id, detach)
        except LedgerError as error:
            self._tell(self.tr("未能移除"), str(error))

    def _confirm_remove(self, names: str) -> bool:
        choices = [
            (self.tr("移除"), QMessageBox.ButtonRole.DestructiveRole),
            (self.tr("取消"), QMessageBox.ButtonRole.RejectRole),
        ]
        text = self.tr("移除 {names}？").format(names=names)
        detail = self.tr("移除的材料进入回收站，可以恢复。")
        return ask(self, self.tr("移除佐证材料"), text, choices, default=1, detail=detail) == 0

    def _tell(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
        tell(self, title, text, icon)


def _local_files(urls: Sequence[QUrl]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and Path(url.toLocalFile()).is_file()]


def _total_size(paths: Sequence[Path], most: int | None = None) -> int:
    sizes = (path.stat().st_size for path in paths if path.is_file())
    return sum(size for size in sizes if most is None or size <= most)
