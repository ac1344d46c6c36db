"""The parts both debugger docks share: a line that checks an expression as
it is typed, and a list of entries edited through it.

The rule is :func:`~lstm_gui.core.expressions.compile_expression`'s (the
session's setters call the same function); the line only shows its verdict:
the reason and the column of an error in red under it, never a dialog. An
entry list turns Add, Change and Remove into one undo command each, built by
its subclass (breakpoints or watches).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPalette, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core.debugging import compile_trace_expression
from lstm_gui.core.expressions import Expression, ExpressionError, compile_expression
from lstm_gui.core.session import Session

#: A trace expression compiled once per text: the trace is scanned again on
#: every weight edit (a drag is dozens a second), the text rarely changes.
#: Only for texts the session has checked (an invalid one raises).
cached_trace_expression: Callable[[str], Expression] = lru_cache(maxsize=512)(compile_trace_expression)

#: The red of a refused value (the training settings' form uses the same).
INVALID_STYLE = "#{name} {{ border: 1px solid #d32f2f; background: #fff4f4; color: #1b1b1b; }}"
ERROR_STYLE = "color: #b00020;"
#: The row of the breakpoint that fired.
FIRED_COLOR = QColor("#ffd54f")


def mix(a: QColor, b: QColor, share: float) -> QColor:
    """``share`` of ``b`` mixed into ``a``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * share,
        a.greenF() + (b.greenF() - a.greenF()) * share,
        a.blueF() + (b.blueF() - a.blueF()) * share,
    )


class CheckDelegate(QStyledItemDelegate):
    """Draws the style's own check boxes with an outline that reads in
    both themes: Fusion outlines an item's check box in the Window colour
    darkened, which on the dark theme's near-black Base left an unchecked
    box invisible. Here the Window colour is halfway between Base and Text,
    taken from the current palette (so a theme change follows at once)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        palette = option.palette
        middle = mix(palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.5)
        palette.setColor(QPalette.ColorRole.Window, middle)
        option.palette = palette


class ExpressionLine(QWidget):
    """A line edit for one expression over ``names()``, checked on every
    keystroke; an error's reason and column show in red under it.

    Signals
    -------
    validity_changed(bool) : the text became valid or invalid (empty is invalid, silently).
    submitted : Enter pressed on a valid text.
    """

    validity_changed = Signal(bool)
    submitted = Signal()

    def __init__(
        self, names: Callable[[], Collection[str]], placeholder: str, name: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._names = names
        self._valid = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line = QLineEdit()
        self.line.setObjectName(name)
        self.line.setPlaceholderText(placeholder)
        self.line.setClearButtonEnabled(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.line.setFont(mono)
        layout.addWidget(self.line)
        self.error_label = QLabel("")
        self.error_label.setObjectName(f"{name}_error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.line.textChanged.connect(self.recheck)
        self.line.returnPressed.connect(self._on_return)

    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str) -> None:
        self.line.setText(text)  # rechecked through textChanged

    def is_valid(self) -> bool:
        return self._valid

    def error_text(self) -> str:
        """What the red line under the editor says ("" when valid or empty)."""
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    @Slot()
    def recheck(self, *_: object) -> None:
        """Check the text again (typed, or the names changed: a new dataset size)."""
        text = self.line.text()
        error = ""
        if text.strip():
            try:
                # The names as given: training names also accept every loss_ago_N.
                compile_expression(text, self._names())
            except ExpressionError as exc:
                # The text is right above: the problem and its column are enough.
                error = exc.detail
        valid = bool(text.strip()) and not error
        self.error_label.setText(error)
        self.error_label.setVisible(bool(error))
        self.line.setStyleSheet(INVALID_STYLE.format(name=self.line.objectName()) if error else "")
        self.line.setToolTip(error)
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)

    def show_refusal(self, reason: str) -> None:
        """Say in red under the line why a valid text was still not taken
        (a duplicate); the next keystroke checks the text afresh."""
        self.error_label.setText(reason)
        self.error_label.setVisible(bool(reason))

    @Slot()
    def _on_return(self) -> None:
        if self._valid:
            self.submitted.emit()


class EntryList(QWidget):
    """A table of entries (breakpoints or watches) with an expression line,
    Add / Change / Remove buttons and room for extra buttons (Presets).

    Subclasses say what an entry is: :meth:`entries` (the session's tuple),
    :meth:`expression_of`, :meth:`make_entry`, :meth:`fill_row`,
    :meth:`push` (one undo command) and :attr:`WORD` ("breakpoint").
    """

    WORD = "entry"

    def __init__(
        self,
        session: Session,
        undo_stack: QUndoStack,
        names: Callable[[], Collection[str]],
        headers: Sequence[str],
        name: str,
        placeholder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._session = session
        self._undo_stack = undo_stack
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(f"{name}_table")
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setItemDelegate(CheckDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.setMinimumHeight(90)
        layout.addWidget(self.table, 1)
        self.editor = ExpressionLine(names, placeholder, f"{name}_editor")
        layout.addWidget(self.editor)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(4)
        # Tool buttons: a push button is at least ~75 px wide in most styles,
        # and four of them would widen the training column of a 1024 px window.
        self.add_button = compact_button("Add")
        self.add_button.setObjectName(f"{name}_add")
        self.add_button.setToolTip(f"Add the {self.WORD} typed above (Enter)")
        self.change_button = compact_button("Change")
        self.change_button.setObjectName(f"{name}_change")
        self.change_button.setToolTip(f"Replace the selected {self.WORD} with the text typed above")
        self.remove_button = compact_button("Remove")
        self.remove_button.setObjectName(f"{name}_remove")
        self.remove_button.setToolTip(f"Remove the selected {self.WORD}")
        for button in (self.add_button, self.change_button, self.remove_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        self.add_button.clicked.connect(self.add_typed)
        self.change_button.clicked.connect(self.change_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.editor.submitted.connect(self.add_typed)
        self.editor.line.textChanged.connect(self._update_buttons)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.itemChanged.connect(self._on_item_changed)
        # Delete in the list removes the selected entry (in the editor it deletes text).
        # Named for its list: the Keyboard Shortcuts panel lists each action once.
        remove = QAction(f"Remove the selected one from {name.replace('_', ' ')}", self.table)
        remove.setObjectName(f"action_remove_{name}")
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.table.addAction(remove)

    # -- what subclasses say -------------------------------------------------------
    def entries(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def expression_of(self, entry: Any) -> str:
        raise NotImplementedError

    def make_entry(self, text: str, old: Any | None) -> Any:
        """A new entry for ``text`` (keeping ``old``'s switches when it is changed)."""
        raise NotImplementedError

    def fill_row(self, row: int, item: QTableWidgetItem, entry: Any) -> None:
        """Put ``entry`` into ``row`` (``item``: its text, in column 0)."""

    def entry_from_item(self, item: QTableWidgetItem, entry: Any) -> Any | None:
        """The entry after a check box in its row was clicked (``None``: nothing changed)."""
        return None

    def push(self, entries: Sequence[Any], text: str) -> None:
        raise NotImplementedError

    def refusal(self, text: str, row: int | None) -> str:
        """Why ``text`` may not become an entry (at ``row``; ``None``: a new
        one) although it is a valid expression; "" when it may."""
        return ""

    # -- showing -------------------------------------------------------------------
    def show_entries(self, *_: object) -> None:
        """Show the session's entries (after any change, an undo too), keeping the selected row."""
        entries = self.entries()
        row = self.selected_row()
        self._filling = True
        try:
            self.table.setRowCount(len(entries))
            for k, entry in enumerate(entries):
                item = QTableWidgetItem(self.expression_of(entry))
                item.setToolTip(self.expression_of(entry))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(k, 0, item)
                self.fill_row(k, item, entry)
        finally:
            self._filling = False
        if row is not None and row < len(entries):
            self.table.selectRow(row)
        self._update_buttons()

    def selected_row(self) -> int | None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return rows[0] if rows else None

    @Slot()
    def _update_buttons(self, *_: object) -> None:
        valid = self.editor.is_valid()
        row = self.selected_row()
        self.add_button.setEnabled(valid)
        self.change_button.setEnabled(
            valid and row is not None and self.editor.text() != self.expression_of(self.entries()[row])
        )
        self.remove_button.setEnabled(row is not None)

    @Slot()
    def _on_selection_changed(self) -> None:
        row = self.selected_row()
        if row is not None and row < len(self.entries()):
            self.editor.set_text(self.expression_of(self.entries()[row]))
        self._update_buttons()

    # -- a person's actions: each one undo step ----------------------------------
    @Slot()
    def add_typed(self) -> None:
        """Add the typed expression (if valid) as a new entry at the end."""
        if not self.editor.is_valid():
            return
        text = self.editor.text().strip()
        reason = self.refusal(text, None)
        if reason:
            self.editor.show_refusal(reason)
            return
        self.push(self.entries() + (self.make_entry(text, None),), f"Add {self.WORD} {text}")
        self.table.selectRow(len(self.entries()) - 1)

    @Slot()
    def change_selected(self) -> None:
        """Replace the selected entry's expression with the typed one."""
        row = self.selected_row()
        if row is None or not self.editor.is_valid():
            return
        entries = list(self.entries())
        text = self.editor.text().strip()
        reason = self.refusal(text, row)
        if reason:
            self.editor.show_refusal(reason)
            return
        entries[row] = self.make_entry(text, entries[row])
        self.push(entries, f"Change {self.WORD} to {text}")

    @Slot()
    def remove_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        entries = list(self.entries())
        removed = entries.pop(row)
        self.push(entries, f"Remove {self.WORD} {self.expression_of(removed)}")

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        entries = list(self.entries())
        if not 0 <= item.row() < len(entries):
            return
        changed = self.entry_from_item(item, entries[item.row()])
        if changed is not None and changed != entries[item.row()]:
            entries[item.row()] = changed
            self.push(entries, self.toggle_text(changed, item.column()))

    def toggle_text(self, entry: Any, column: int) -> str:
        """The undo step's name for a check box clicked in ``column``."""
        return f"Change {self.WORD} {self.expression_of(entry)}"


def compact_button(text: str) -> QToolButton:
    """A button with text only, as narrow as its text."""
    button = QToolButton()
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    return button


def check_item(checked: bool, tip: str) -> QTableWidgetItem:
    """A check box cell (no text) for a table row."""
    item = QTableWidgetItem()
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    item.setToolTip(tip)
    return item
