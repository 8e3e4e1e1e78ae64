"""The model of a kind's records for the table (`ui.record_table`), and the proxy that sorts and filters it.

The model holds the records' display texts and sort keys, loaded in one pass when the scope changes or the
whole ledger may have, so sorting and filtering never touch the database; after a change of a few records only
their rows are read again (`refresh`). Besides the fields it has a 佐证 column (how many files are attached) and,
in the recycle bin, when and by whom each record was deleted. Each field's texts, sort keys and plain amounts are
what its type gives (`field.values`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from ledger import record_rows
from ledger.assessment.gaps import missing_evidence
from ledger.fields import Field
from ledger.kinds import KINDS
from ledger.records import RecordScope
from ui.context import LedgerContext

_STATUS_COLOURS = {"已核实": QColor(Qt.GlobalColor.darkGreen), "已归档": QColor(Qt.GlobalColor.darkGray)}
#: The 佐证 count of a record that lacks evidence its framework expects.
_LACKING = QColor(Qt.GlobalColor.red)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

#: Columns that are not fields: (name, label). Every table counts the evidence; the recycle bin says who deleted.
EVIDENCE = ("evidence", "佐证")
DELETED_AT = ("deleted_at", "删除时间")
DELETED_BY = ("deleted_by", "删除人")


class RecordTableModel(QAbstractTableModel):
    def __init__(self, context: LedgerContext, kind: str, *, deleted: bool = False):
        super().__init__()
        self.context, self.kind, self.deleted = context, kind, deleted
        self.spec = KINDS[kind]
        self.fields: list[Field] = list(self.spec.fields)
        #: The columns after the fields.
        self.extras: list[tuple[str, str]] = [EVIDENCE, DELETED_AT, DELETED_BY] if deleted else [EVIDENCE]
        names = [field.name for field in self.fields] + [name for name, _ in self.extras]
        self._columns = {name: column for column, name in enumerate(names)}
        self.ids: list[uuid.UUID] = []
        self.rows: list[list[str]] = []  # the texts shown, one per column (fields, then extras)
        self.keys: list[list[Any]] = []
        self.status: list[str] = []
        self.values: list[list[Any]] = []  # the exact amounts and counts of the fields, for totals and copying
        self.lines: list[str] = []  # what the filter box searches: the texts shown, and amounts as typed (1300000)
        #: What each live record lacks of the evidence its year's framework expects (the records `ledger gaps` lists).
        self.missing: dict[uuid.UUID, list[str]] = {}

    def column_of(self, name: str) -> int:
        """The column of a field or an extra column, by name."""
        return self._columns[name]

    def reload(self) -> None:
        # Everything is read before the reset begins: a failed read leaves the table as it was, not half reset.
        found, roles, deletions, missing = self._read()
        self.beginResetModel()
        self.ids, self.rows, self.keys, self.status, self.values, self.lines = [], [], [], [], [], []
        self.missing = missing
        for record_id, values in found:
            self.ids.append(record_id)
            cells = self._cells(values, roles.get(record_id, {}), deletions.get(record_id, (None, "")))
            for per_row, cell in zip(self._per_row(), cells, strict=True):
                per_row.append(cell)
        self.endResetModel()

    def refresh(self, record_ids: Collection[uuid.UUID]) -> None:
        """Reads the rows of `record_ids` again, with the queries of a whole reload narrowed to them: a row still
        in this table is changed in place, one that left it (deleted, restored, moved to another year) is taken
        out, one that came into it is added. The proxy sorts and filters them in."""
        found, roles, deletions, missing = self._read(record_ids)
        for record_id in record_ids:
            self.missing.pop(record_id, None)
        self.missing.update(missing)
        read = dict(found)
        for record_id in record_ids:
            at = self.ids.index(record_id) if record_id in self.ids else None
            if record_id in read:
                cells = self._cells(read[record_id], roles.get(record_id, {}), deletions.get(record_id, (None, "")))
                self._put(at, record_id, cells)
            elif at is not None:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self.ids[at]
                for per_row in self._per_row():
                    del per_row[at]
                self.endRemoveRows()

    def _read(self, ids: Collection[uuid.UUID] | None = None) -> tuple:
        """The records of this table's kind, bin and scope (only those of `ids` if given): their values in date
        order, the roles of their evidence, when and by whom they were deleted, and what evidence they lack."""
        scope = RecordScope(self.kind, self.context.year, self.context.pairing, self.deleted, ids)
        with self.context.session() as session:
            found = record_rows.value_rows(session, scope)
            roles = record_rows.evidence_roles(session, scope)
            deletions = record_rows.deletions(session, scope) if self.deleted else {}
        # The recycle bin needs no evidence: only live records can lack it.
        missing = {} if self.deleted else missing_evidence(self.kind, found, roles)
        return found, roles, deletions, missing

    def _put(self, at: int | None, record_id: uuid.UUID, cells: tuple) -> None:
        """A row's cells in place of row `at`, or in a row added at the end (`at` None)."""
        if at is None:
            at = len(self.ids)
            self.beginInsertRows(QModelIndex(), at, at)
            self.ids.append(record_id)
            for per_row, cell in zip(self._per_row(), cells, strict=True):
                per_row.append(cell)
            self.endInsertRows()
            return
        for per_row, cell in zip(self._per_row(), cells, strict=True):
            per_row[at] = cell
        self.dataChanged.emit(self.index(at, 0), self.index(at, self.columnCount() - 1))

    def _per_row(self) -> tuple[list, ...]:
        """The lists holding one item per row, besides the ids, in the order `_cells` gives a row's items."""
        return self.rows, self.keys, self.lines, self.values, self.status

    def _cells(self, values: Mapping[str, Any], roles: Mapping[str, int], deletion: tuple[Any, str]) -> tuple:
        """A record's row: the texts shown, the sort keys, what the filter searches, the exact amounts and the
        status; from its values, the roles of its live files and, in the bin, when and by whom it was deleted."""
        shown = [field.values.shown(values.get(field.name)) for field in self.fields]
        keys = [field.values.sort_key(values.get(field.name)) for field in self.fields]
        count = sum(roles.values())
        shown.append(str(count))
        keys.append(float(count))
        if self.deleted:
            when, who = deletion
            local = when.astimezone() if isinstance(when, datetime) else None
            shown += [f"{local:%Y-%m-%d %H:%M}" if local else "", who]
            keys += [local.isoformat() if local else "", who]
        plain = [text for field in self.fields if (text := field.values.plain(values.get(field.name)))]
        line = " ".join(shown + plain)
        amounts = [values.get(f.name) if f.values.adds_up else None for f in self.fields]
        return shown, keys, line, amounts, values.get("record_status") or ""

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields) + len(self.extras)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.UserRole:
            return self.keys[row][column]
        if column >= len(self.fields):
            return self._extra_data(row, self.extras[column - len(self.fields)][0], role)
        field = self.fields[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return field.values.one_line(self.rows[row][column])
        if role == Qt.ItemDataRole.ToolTipRole and len(self.rows[row][column]) > 20:
            return self.rows[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and field.values.adds_up:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and field.name == "record_status":
            return _STATUS_COLOURS.get(self.status[row])
        return None

    def _extra_data(self, row: int, name: str, role: int) -> Any:
        text = self.rows[row][self.column_of(name)]
        lacking = self.missing.get(self.ids[row]) if name == EVIDENCE[0] else None
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and name == EVIDENCE[0]:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and lacking:
            return _LACKING
        if role == Qt.ItemDataRole.ToolTipRole and lacking:
            return self.tr("缺少：{0}").format("、".join(lacking))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section >= len(self.fields):
            name, label = self.extras[section - len(self.fields)]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.tr(label)
            if role == Qt.ItemDataRole.ToolTipRole and name == EVIDENCE[0]:
                return self.tr("附上的佐证材料（文件）数；红色：缺少考核要求的材料")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.fields[section].label
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole label too, where a narrow column cuts it short
            field = self.fields[section]
            return f"{field.label}：{field.help}" if field.help else field.label
        return None

    def copy_text(self, row: int, column: int) -> str:
        """A cell as it goes to the clipboard: as shown, except that money is a plain number (1300000.00), which
        Excel and WPS read as a number; grouped text such as 1,300,000.00 may be pasted as text."""
        plain = self.fields[column].values.plain(self.values[row][column]) if column < len(self.fields) else None
        return plain if plain is not None else str(self.data(self.index(row, column)) or "")


class RecordFilter(QSortFilterProxyModel):
    """Sorts by the values' own order (dates, amounts) and keeps rows where every filter word appears; with
    `gaps_only`, only the records that lack evidence."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.gaps_only = False
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_words(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_gaps_only(self, only: bool) -> None:
        self.beginFilterChange()
        self.gaps_only = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        model = self.sourceModel()
        if self.gaps_only and model.ids[row] not in model.missing:
            return False
        if not self.words:
            return True
        line = model.lines[row]
        return all(word in line for word in self.words)
