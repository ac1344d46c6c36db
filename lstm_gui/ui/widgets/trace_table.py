"""The trace table: one row per step, read lazily from the trace's columns.

Only the rows on screen are formatted, so a 100,000-step trace costs nothing
until it is scrolled. The row of the current step is highlighted; clicking a
row asks the window to jump there. Watches shown in the table are extra
columns after the cell's own (a watch's ``null`` shows as ``—``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from lstm_gui.core.cell import Trace
from lstm_gui.core.formatting import TRACE_TABLE_COLUMNS, format_cell, format_full

#: Columns shown (the step is the row header).
COLUMNS: tuple[str, ...] = tuple(c for c in TRACE_TABLE_COLUMNS if c != "step")
HEADERS: dict[str, str] = {
    "x": "x",
    "long_prev": "long\nbefore",
    "short_prev": "short\nbefore",
    "forget": "forget",
    "input": "input",
    "candidate": "candidate",
    "output": "output",
    "long": "long",
    "short": "short",
}
TOOLTIPS: dict[str, str] = {
    "x": "the input at this step",
    "long_prev": "long-term memory before the step",
    "short_prev": "short-term memory before the step",
    "forget": "% long-term to remember (sigmoid)",
    "input": "% potential memory to remember (sigmoid)",
    "candidate": "potential long-term memory (tanh)",
    "output": "% potential short-term to remember (sigmoid)",
    "long": "new long-term memory",
    "short": "new short-term memory (the output)",
}


def two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle, like the cell's own
    two-line headers ("long / before"): a watch's expression as a header fits a number's width."""
    spaces = [k for k, c in enumerate(text) if c == " "]
    if len(text) <= 10 or not spaces:
        return text
    middle = min(spaces, key=lambda k: abs(k - len(text) / 2))
    return f"{text[:middle]}\n{text[middle + 1 :]}"


class TraceTableModel(QAbstractTableModel):
    """Rows are steps 1..n of a :class:`Trace`; ``current`` is highlighted."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._trace: Trace | None = None
        self._columns: list[list[float]] = []
        #: Watches shown as columns: (expression, value per step or None).
        self._watches: list[tuple[str, Sequence[float | None]]] = []
        #: The watches that are conditions (``x > 0``): shown as true/false.
        self._conditions: frozenset[str] = frozenset()
        self._current = 0  # step number; 0 highlights nothing
        self.highlight = QColor("#ffe08a")
        self._bold = QFont()
        self._bold.setBold(True)

    def set_trace(self, trace: Trace) -> None:
        self.beginResetModel()
        self._trace = trace
        self._columns = [trace.column(name) for name in COLUMNS]
        self.endResetModel()

    def set_watch_columns(
        self, watches: Sequence[tuple[str, Sequence[float | None]]], conditions: Collection[str] = ()
    ) -> None:
        """Show these watches as columns after the cell's (``[]``: none);
        those whose expression is in ``conditions`` read ``true``/``false``
        (their values are 1 and 0, as the README says)."""
        self.beginResetModel()
        self._watches = list(watches)
        self._conditions = frozenset(conditions)
        self.endResetModel()

    def _is_condition(self, column: int) -> bool:
        return column >= len(COLUMNS) and self._watches[column - len(COLUMNS)][0] in self._conditions

    def column_count(self) -> int:
        return len(COLUMNS) + len(self._watches)

    def _value(self, row: int, column: int) -> float | None:
        if column < len(COLUMNS):
            return self._columns[column][row]
        values = self._watches[column - len(COLUMNS)][1]
        return values[row] if row < len(values) else None

    def set_current(self, step: int) -> None:
        old, self._current = self._current, step
        for s in (old, step):
            if 1 <= s <= self.rowCount():
                self.dataChanged.emit(self.index(s - 1, 0), self.index(s - 1, self.column_count() - 1))
        if old == 0 or step == 0:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(0, self.rowCount() - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self._trace is None else len(self._trace)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.column_count()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._value(index.row(), index.column())
            if value is not None and self._is_condition(index.column()):
                return "true" if value else "false"
            return "—" if value is None else format_cell(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            value = self._value(index.row(), index.column())
            return "no value (a math error at this step)" if value is None else format_full(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if index.row() == self._current - 1:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(self.highlight)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(COLUMNS):
                if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    expression = self._watches[section - len(COLUMNS)][0]
                    return two_lines(expression) if role == Qt.ItemDataRole.DisplayRole else f"watch: {expression}"
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[COLUMNS[section]]
            if role == Qt.ItemDataRole.ToolTipRole:
                return TOOLTIPS[COLUMNS[section]]
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def rows_text(self, rows: list[int]) -> str:
        """Tab-separated text of ``rows`` with a header (full precision)."""
        lines = ["\t".join(("step",) + COLUMNS + tuple(name for name, _ in self._watches))]
        for r in rows:
            values = [self._value(r, c) for c in range(self.column_count())]
            lines.append("\t".join([str(r + 1)] + ["null" if v is None else format_full(v) for v in values]))
        return "\n".join(lines) + "\n"


class TraceTable(QTableView):
    """The table view; ``step_clicked(step)`` when a row is clicked."""

    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trace_table")
        self.trace_model = TraceTableModel(self)
        self.setModel(self.trace_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # Fixed row heights: a 100,000-row table never measures its rows.
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Wide enough for "-0.0000" and the two-line headers ("long / before");
        # narrower docks scroll sideways instead of clipping the headers.
        numbers = self.fontMetrics().horizontalAdvance("-00.0000") + 12
        words = max(self.fontMetrics().horizontalAdvance(w) for w in ("before", "candidate", "output")) + 14
        hh.setMinimumSectionSize(max(numbers, words))
        self.setAccessibleName("Trace table: one row per step")
        self.clicked.connect(lambda index: self.step_clicked.emit(index.row() + 1))

    def show_step(self, step: int) -> None:
        self.trace_model.set_current(step)
        if step >= 1:
            self.scrollTo(self.trace_model.index(step - 1, 0), QAbstractItemView.ScrollHint.EnsureVisible)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedIndexes()})

    def copy_selection(self) -> str:
        """Copy the selected rows (or all, if none) to the clipboard as TSV."""
        rows = self.selected_rows() or list(range(self.trace_model.rowCount()))
        text = self.trace_model.rows_text(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)
