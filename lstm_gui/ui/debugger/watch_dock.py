"""The Watch dock: expressions over a trace step and their value at the
current step, each optionally a trace-table column and an over-time curve.

The session holds the watches (each change an undo step); the
:class:`WatchKeeper` computes every watch's column over the trace when the
trace or the watches change (:func:`~lstm_gui.core.debugging.watch_column`),
and on a step change only reads the current row, so stepping costs nothing.
A value that cannot be computed (``log`` of a negative, division by zero,
overflow) is ``null``: shown as ``—``, with the reason in its tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTableWidgetItem, QWidget

from lstm_gui.core.cell import Trace
from lstm_gui.core.debugging import Watch, watch_column
from lstm_gui.core.expressions import TRACE_NAMES
from lstm_gui.core.formatting import format_cell, format_full
from lstm_gui.core.session import Session
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import watches_command
from lstm_gui.ui.debugger.expression_editor import EntryList, cached_trace_expression, check_item

#: How a value that could not be computed is shown.
NO_VALUE = "—"
NO_VALUE_TIP = "No value: a math error at this step (log of a negative number, division by zero or overflow)"
BEFORE_FIRST_TIP = "No value at step 0: the cell has not computed anything before the first input"
#: Columns of the watch table.
VALUE_COLUMN, TABLE_COLUMN, PLOT_COLUMN = 1, 2, 3

WatchColumn = list[float | None]


def format_watch(value: float | None, condition: bool = False) -> str:
    """A watch's value as the table shows it (``—`` for null); a condition's
    (``x > 0``, value 1 or 0) as ``true`` or ``false``."""
    if value is None:
        return NO_VALUE
    if condition:
        return "true" if value else "false"
    return format_cell(value)


class WatchPanel(EntryList):
    """The watches, one row each: expression, value now, table and plot check boxes."""

    WORD = "watch"

    def __init__(self, session: Session, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            undo_stack,
            lambda: TRACE_NAMES,
            ("Expression", "Value", "Table", "Plot"),
            "watches",
            "input * candidate",
            parent,
        )
        for column, tip in (
            (VALUE_COLUMN, "The value at the current step"),
            (TABLE_COLUMN, "Show as a column in the trace table"),
            (PLOT_COLUMN, "Show as a curve in the over-time plot"),
        ):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(tip)
        self._values: list[float | None] = []
        self._step = 0

    def entries(self) -> tuple[Watch, ...]:
        return self._session.watches

    def expression_of(self, entry: Any) -> str:
        return str(entry.expression)

    def make_entry(self, text: str, old: Any | None) -> Watch:
        if old is None:
            return Watch(text)
        return Watch(text, old.in_table, old.in_plot)

    def fill_row(self, row: int, item: QTableWidgetItem, entry: Any) -> None:
        value = QTableWidgetItem()
        value.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, VALUE_COLUMN, value)
        self.table.setItem(row, TABLE_COLUMN, check_item(entry.in_table, "Show as a trace-table column"))
        self.table.setItem(row, PLOT_COLUMN, check_item(entry.in_plot, "Show as a curve in the over-time plot"))
        self._show_value(row)

    def entry_from_item(self, item: QTableWidgetItem, entry: Any) -> Any | None:
        checked = item.checkState() == Qt.CheckState.Checked
        if item.column() == TABLE_COLUMN and checked != entry.in_table:
            return Watch(entry.expression, checked, entry.in_plot)
        if item.column() == PLOT_COLUMN and checked != entry.in_plot:
            return Watch(entry.expression, entry.in_table, checked)
        return None

    def toggle_text(self, entry: Any, column: int) -> str:
        if column == TABLE_COLUMN:
            return f"{'Show' if entry.in_table else 'Hide'} watch {entry.expression} in the table"
        return f"{'Show' if entry.in_plot else 'Hide'} watch {entry.expression} in the plot"

    def push(self, entries: Sequence[Any], text: str) -> None:
        self._undo_stack.push(watches_command(self._session, entries, text))

    # -- values -------------------------------------------------------------------
    def show_values(self, values: Sequence[float | None], step: int) -> None:
        """Each watch's value at ``step`` (0: before the first input, no values)."""
        self._values = list(values)
        self._step = step
        for row in range(self.table.rowCount()):
            self._show_value(row)

    def _show_value(self, row: int) -> None:
        item = self.table.item(row, VALUE_COLUMN)
        if item is None:
            return
        value = self._values[row] if row < len(self._values) and self._step >= 1 else None
        entries = self.entries()
        condition = row < len(entries) and cached_trace_expression(entries[row].expression).is_condition
        item.setText(format_watch(value, condition))
        if self._step < 1:
            item.setToolTip(BEFORE_FIRST_TIP)
        else:
            item.setToolTip(NO_VALUE_TIP if value is None else format_full(value))

    def value_text(self, row: int) -> str:
        """The value shown in ``row`` (tests, screenshots)."""
        item = self.table.item(row, VALUE_COLUMN)
        return item.text() if item is not None else ""


class WatchKeeper(QObject):
    """Keeps each watch's column over the stepper's trace and hands it to
    the watch panel (the current row), the trace table and the plot."""

    def __init__(self, adapter: SessionAdapter, stepper: Any, panel: WatchPanel, table: Any, plot: Any) -> None:
        super().__init__(panel)
        self._session = adapter.session
        self._stepper = stepper
        self._panel = panel
        self._table = table
        self._plot = plot
        self.columns: list[WatchColumn] = []
        adapter.watches_changed.connect(self._on_watches_changed)
        stepper.trace_changed.connect(self.recompute)
        stepper.step_changed.connect(self._on_step_changed)
        self.recompute()

    @Slot(object)
    def _on_watches_changed(self, _watches: object) -> None:
        self._panel.show_entries()
        self.recompute()

    @Slot()
    def recompute(self) -> None:
        """Every watch over the whole trace (a new trace or new watches)."""
        trace: Trace = self._stepper.trace
        watches = self._session.watches
        # The session checked every expression, so compiling cannot fail here.
        self.columns = [watch_column(trace, cached_trace_expression(watch.expression)) for watch in watches]
        self._table.set_watch_columns(
            [(watch.expression, column) for watch, column in zip(watches, self.columns) if watch.in_table],
            [watch.expression for watch in watches if cached_trace_expression(watch.expression).is_condition],
        )
        self._plot.set_watch_curves(
            [(watch.expression, column) for watch, column in zip(watches, self.columns) if watch.in_plot]
        )
        self._on_step_changed(self._stepper.step)

    @Slot(int)
    def _on_step_changed(self, step: int) -> None:
        values = [column[step - 1] if 1 <= step <= len(column) else None for column in self.columns]
        self._panel.show_values(values, step)
