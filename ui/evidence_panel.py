"""The evidence of one record beside its form: thumbnails, files dropped or picked to attach, the system
viewer to open them, and removal to the recycle bin.

Every change goes through `ledger.evidence` inside `LedgerContext.write`; the panel only asks the user and
shows what the ledger says, including its refusals (an archived record's evidence is locked).
"""

from __future__ import annotations

import shutil
import stat
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeDatabase, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QIcon,
    QImageReader,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger import evidence, records
from ledger.errors import LedgerError
from ledger.folder import VIEWING
from ledger.kinds.common import ARCHIVED
from ledger.limits import Limits
from ledger.models import EVIDENCE_ROLES, Attachment
from ui.context import LedgerContext
from ui.worker import JobRunner, JobState, Outcome

THUMBNAIL = 72
# Above this the copy and hash would freeze the window for a second or more: the worker does them.
COPY_IN_BACKGROUND = 32 * 2**20
_ATTACHMENT_ID = Qt.ItemDataRole.UserRole
_STORED_PATH = Qt.ItemDataRole.UserRole + 1
_NAME = Qt.ItemDataRole.UserRole + 2

#: Asks role and caption for files about to be attached, given them and a guessed role; None cancels.
AskDetails = Callable[[Sequence[Path], str], tuple[str, str] | None]


@dataclass(frozen=True)
class _Shown:
    """What the list shows of one attachment, read while its session is open."""

    id: uuid.UUID
    sha256: str
    name: str
    role: str
    caption: str
    path: Path
    is_image: bool
    facts: str

    @classmethod
    def of(cls, attachment: Attachment, path: Path) -> _Shown:
        stored = attachment.file
        facts = []
        if stored.page_count:
            facts.append(f"{stored.page_count} 页")
        if stored.width and stored.height:
            facts.append(f"{stored.width}×{stored.height}")
        if stored.taken_at:
            facts.append(f"摄于 {stored.taken_at:%Y-%m-%d}")
        facts.append(_size(stored.size))
        return cls(
            attachment.id,
            stored.sha256,
            attachment.original_name,
            attachment.role,
            attachment.caption or "",
            path,
            stored.mime.startswith("image/"),
            " · ".join(facts),
        )


class EvidencePanel(QWidget):
    def __init__(self, context: LedgerContext, record_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.record_id = record_id
        self.read_only = False
        #: Replaced in tests, so a drop or a removal needs no modal dialog.
        self.ask_details: AskDetails = self._ask_details
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
        self.open_button = QPushButton(self.tr("打开"))
        self.remove_button = QPushButton(self.tr("移除"))
        for button in (self.open_button, self.remove_button):
            button.setAutoDefault(False)
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        self.remove_button.clicked.connect(self._remove_selected)
        remove_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self._remove_selected)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.open_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)

        self.setAcceptDrops(True)
        context.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        with self.context.session() as session:
            record = records.get_record(session, self.record_id)
            self.read_only = record.record_status == ARCHIVED or record.deleted
            shown = [
                _Shown.of(attachment, self.context.ledger.evidence_path(attachment.file.relative_path))
                for attachment in evidence.live_attachments(record)
            ]
        self.list.clear()
        for entry in shown:
            self.list.addItem(self._item(entry))
        self.heading.setText(self.tr("佐证材料（{count}）").format(count=len(shown)))
        if self.read_only:
            self.hint.setText(self.tr("记录已归档或在回收站里，佐证材料不能增删。双击可打开查看。"))
        else:
            self.hint.setText(self.tr("把文件拖到这里即可添加；双击打开，Delete 键移除。"))
        self.add_button.setEnabled(not self.read_only)
        self._update_buttons()

    def _item(self, shown: _Shown) -> QListWidgetItem:
        second = " · ".join(part for part in (shown.role, shown.caption) if part)
        item = QListWidgetItem(self._icon(shown), f"{shown.name}\n{second}\n{shown.facts}")
        item.setToolTip(f"{shown.name}\n{second}\n{shown.facts}")
        item.setData(_ATTACHMENT_ID, shown.id)
        item.setData(_STORED_PATH, str(shown.path))
        item.setData(_NAME, shown.name)
        return item

    def _icon(self, shown: _Shown) -> QIcon:
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

    def _pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("添加佐证材料"), "", self.tr("所有文件 (*);;图片 (*.jpg *.jpeg *.png *.heic);;PDF (*.pdf)")
        )
        if names:
            self.add_files([Path(name) for name in names])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Asks role and caption once for all `paths`, then attaches them."""
        if self.read_only:
            # No questions for a locked record: the ledger refuses and says why, and how to unlock it.
            role, caption = EVIDENCE_ROLES[-1], ""
        else:
            details = self.ask_details(paths, guess_role(paths))
            if details is None:
                return
            role, caption = details

        def attach(session) -> list[str]:
            record = records.get_record(session, self.record_id)
            attached = evidence.attach(
                session, self.context.ledger.evidence_dir, record, paths, role=role, caption=caption
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
            warnings = self.context.write(attach)
        except (LedgerError, OSError) as error:
            self._attached(Outcome(JobState.FAILED, error=error))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._attached(Outcome(JobState.DONE, warnings))

    def _attach_in_background(self, attach: Callable[[Session], list[str]], paths: Sequence[Path]) -> None:
        """Large files (a video, a scanned volume) are copied and hashed on the worker, the window still drawn."""
        progress = QProgressDialog(
            self.tr("正在复制并核对 {0} 个文件（{1}）…").format(len(paths), _size(_total_size(paths))), "", 0, 0, self
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
            if outcome.state is JobState.DONE:
                self.context.changed.emit()
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
            evidence.discard_unreferenced(session, self.context.ledger.evidence_dir)

    def _ask_details(self, paths: Sequence[Path], role: str) -> tuple[str, str] | None:
        dialog = DetailsDialog(paths, role, self)
        return dialog.details() if dialog.exec() == QDialog.DialogCode.Accepted else None

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
        """A read-only copy under its original name: the viewer shows a real name, and an editor that
        saves in place cannot change the evidence store, whose files must never change."""
        copy = self.context.ledger.cache_dir / VIEWING / stored.stem[:16] / evidence.clean_name(name)
        if not copy.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stored, copy)
            copy.chmod(stat.S_IREAD)
        return copy

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
            self.context.write(detach)
        except LedgerError as error:
            self._tell(self.tr("未能移除"), str(error))

    def _confirm_remove(self, names: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("移除佐证材料"), "", parent=self)
        box.setText(self.tr("移除 {names}？").format(names=names))
        box.setInformativeText(self.tr("移除的材料进入回收站，可以恢复。"))
        remove = box.addButton(self.tr("移除"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole))
        box.exec()
        return box.clickedButton() is remove

    def _tell(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
        QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self).exec()


class DetailsDialog(QDialog):
    """Role and caption, asked once for every file of one drop or pick."""

    def __init__(self, paths: Sequence[Path], role: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加佐证材料"))
        files = QLabel("\n".join(path.name for path in paths[:8]) + ("\n…" if len(paths) > 8 else ""))
        files.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.role = QComboBox()
        self.role.addItems(EVIDENCE_ROLES)
        self.role.setCurrentText(role)
        self.caption = QLineEdit()
        self.caption.setPlaceholderText(self.tr("可不填，例如：会议现场"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("添加"), QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("将添加 {count} 个文件：").format(count=len(paths)), files)
        form.addRow(self.tr("材料类型"), self.role)
        form.addRow(self.tr("说明"), self.caption)
        form.addRow(buttons)
        self.setMinimumWidth(380)

    def details(self) -> tuple[str, str]:
        return self.role.currentText(), self.caption.text().strip()


def guess_role(paths: Sequence[Path]) -> str:
    """Photos for images; else a role every file name mentions (会议纪要.pdf); else 其他."""
    mimes = QMimeDatabase()
    if all(mimes.mimeTypeForFile(str(path)).name().startswith("image/") for path in paths):
        return "照片"
    named = [role for role in EVIDENCE_ROLES if all(role in path.stem for path in paths)]
    return named[0] if named else EVIDENCE_ROLES[-1]


def _local_files(urls: Sequence[QUrl]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and Path(url.toLocalFile()).is_file()]


def thumbnail(path: Path) -> QPixmap | None:
    # Decoding at the thumbnail's size is a fraction of a full decode for camera JPEGs.
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # EXIF orientation
    size = reader.size()
    if size.isValid() and (size.width() > THUMBNAIL or size.height() > THUMBNAIL):
        reader.setScaledSize(size.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    # Centred on a square, so landscape and portrait photos keep their names in one column.
    square = QPixmap(THUMBNAIL, THUMBNAIL)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawImage((THUMBNAIL - image.width()) // 2, (THUMBNAIL - image.height()) // 2, image)
    painter.end()
    return square


_BADGE_COLORS = {"PDF": "#c0392b", "DOC": "#2b5797", "DOCX": "#2b5797", "XLS": "#1e7145", "XLSX": "#1e7145"}


def badge_icon(path: Path) -> QIcon:
    """A page with the file's type on a band: the same on every platform, and unlike the generic icon
    Linux desktops without an icon theme offer, it tells a PDF from a Word file at a glance."""
    label = path.suffix.lstrip(".").upper()[:4] or "FILE"
    pixmap = QPixmap(THUMBNAIL * 2, THUMBNAIL * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#8a8f98"), 4))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(QRectF(30, 10, 84, 124), 8, 8)
    painter.fillRect(QRectF(18, 70, 108, 38), QColor(_BADGE_COLORS.get(label, "#6c7a89")))
    font = QFont()
    font.setPixelSize(24)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(18, 70, 108, 38), Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return QIcon(pixmap)


def _total_size(paths: Sequence[Path], most: int | None = None) -> int:
    sizes = (path.stat().st_size for path in paths if path.is_file())
    return sum(size for size in sizes if most is None or size <= most)


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 1024) // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"
