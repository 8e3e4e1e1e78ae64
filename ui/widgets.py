"""Pieces several windows build alike: a line whose first widget takes the spare width, a table of rows to read,
and a hint in the colour of placeholder text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QTableWidget, QWidget


def spread_row(first: QWidget, *rest: QWidget) -> QHBoxLayout:
    """A line whose first widget (a heading, a filter box, a status) takes the spare width; the rest (counts,
    buttons) keep their own at the right."""
    row = QHBoxLayout()
    row.addWidget(first, 1)
    for widget in rest:
        row.addWidget(widget)
    return row


def listing(labels: Sequence[str]) -> QTableWidget:
    """A table of whole rows to read and choose, not edited in place and without row numbers; `labels` name its
    columns."""
    table = QTableWidget(0, len(labels))
    table.setHorizontalHeaderLabels(list(labels))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    return table


def hint(text: str = "") -> QLabel:
    """A line of advice beside the fields, set apart from them in the colour of placeholder text."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label
