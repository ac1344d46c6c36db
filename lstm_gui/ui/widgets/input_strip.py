"""The strip above the diagram: which sequence the stepper runs, its inputs
(one editable cell each, the current one highlighted) and the initial memories.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolButton,
    QWidget,
)

from lstm_gui.core.formatting import format_full
from lstm_gui.core.parsing import NumberError, parse_number
from lstm_gui.ui.stepper import FREE_SOURCE
from lstm_gui.ui.widgets.number_field import NumberField, display_text


class InputsModel(QAbstractTableModel):
    """One row; column k is input k+1. Edits are requests (``edited``)."""

    edited = Signal(int, float)
    refused = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._inputs: tuple[float, ...] = ()
        self._editable = True
        self._current = 0
        self.highlight = QColor("#ffe08a")
        self._bold = QFont()
        self._bold.setBold(True)

    def set_inputs(self, inputs: tuple[float, ...], editable: bool) -> None:
        self.beginResetModel()
        self._inputs = tuple(inputs)
        self._editable = editable
        self.endResetModel()

    def set_current(self, step: int) -> None:
        old, self._current = self._current, step
        for s in (old, step):
            if 1 <= s <= len(self._inputs):
                self.dataChanged.emit(self.index(0, s - 1), self.index(0, s - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._inputs)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._inputs[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(value)
        if role == Qt.ItemDataRole.EditRole:
            return format_full(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"input {index.column() + 1} = {format_full(value)}" + (
                "" if self._editable else " (edit the dataset in the Training panel)"
            )
        if index.column() == self._current - 1:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(self.highlight)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        text = str(value)
        if text == format_full(self._inputs[index.column()]):
            return False  # not edited
        try:
            number = parse_number(text, f"input {index.column() + 1}")
        except NumberError as exc:
            self.refused.emit(str(exc))
            return False
        self.edited.emit(index.column(), number)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return f"x{section + 1}"
        return None


#: The sequence combo's items are elided in the middle beyond this many characters.
SOURCE_TEXT_CHARS = 30
SOURCE_TOOLTIP = "What the stepper runs: the free input sequence, or a sequence of the dataset"


def elide_middle(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters with "…" in the middle (both ends stay readable)."""
    if len(text) <= chars:
        return text
    head = (chars - 1) // 2 + (chars - 1) % 2
    tail = chars - 1 - head
    return f"{text[:head]}\u2026{text[len(text) - tail :]}"


class InputStrip(QWidget):
    """Signals are requests; the window turns them into undo commands."""

    source_selected = Signal(int)  # FREE_SOURCE or a dataset index
    input_edited = Signal(int, float)
    input_added = Signal()
    input_removed = Signal(int)
    memories_edited = Signal(float, float)
    target_edited = Signal(float)
    step_clicked = Signal(int)
    refused = Signal(str)

    message: QLabel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("input_strip_bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(6)

        self.source_combo = QComboBox()
        self.source_combo.setObjectName("sequence_source")
        self.source_combo.setToolTip(SOURCE_TOOLTIP)
        # As wide as its longest item, so "Dataset: Company B" reads whole; a long
        # dataset name is elided in the middle (SOURCE_TEXT_CHARS) and cannot push
        # the inputs out of the strip; the full name is in the tooltip.
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_combo.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.source_combo.currentIndexChanged.connect(self._update_source_tooltip)
        self.source_combo.activated.connect(lambda i: self.source_selected.emit(self.source_combo.itemData(i)))
        layout.addWidget(self.source_combo)

        self.model = InputsModel(self)
        self.model.edited.connect(self.input_edited)
        self.model.refused.connect(self._on_refused)
        self.view = QTableView()
        self.view.setObjectName("input_strip")
        self.view.setAccessibleName("Input sequence")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        hh.setDefaultSectionSize(52)
        hh.setHighlightSections(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        row_h = self.view.fontMetrics().height() + 10
        self.view.verticalHeader().setDefaultSectionSize(row_h)
        self.view.setFixedHeight(
            row_h + hh.sizeHint().height() + 4 + self.view.horizontalScrollBar().sizeHint().height()
        )
        self.view.setToolTip("Inputs, one per step. Click one to go to its step; double-click to edit.")
        self.view.clicked.connect(lambda index: self.step_clicked.emit(index.column() + 1))
        self.view.setMinimumWidth(4 * 52 + 6)  # StatQuest's four inputs without scrolling
        layout.addWidget(self.view, 1)

        self.add_button = QToolButton()
        self.add_button.setObjectName("add_input")
        self.add_button.setText("+")
        self.add_button.setToolTip("Add an input at the end")
        self.add_button.clicked.connect(self.input_added)
        self.remove_button = QToolButton()
        self.remove_button.setObjectName("remove_input")
        self.remove_button.setText("\u2212")
        self.remove_button.setToolTip("Remove the selected input (or the last one)")
        self.remove_button.clicked.connect(self._on_remove)
        layout.addWidget(self.add_button)
        layout.addWidget(self.remove_button)

        layout.addSpacing(4)  # room for the sequence combo at 1024 wide
        start = QLabel("Start: long")
        start.setToolTip("The memories before the first input")
        layout.addWidget(start)
        self.long_field = NumberField(0.0, "initial long-term memory")
        self.long_field.setObjectName("initial_long")
        self.long_field.setAccessibleName("initial long-term memory")
        self.short_field = NumberField(0.0, "initial short-term memory")
        self.short_field.setObjectName("initial_short")
        self.short_field.setAccessibleName("initial short-term memory")
        for field in (self.long_field, self.short_field):
            field.setFixedWidth(62)
            field.setStyleSheet('QLineEdit[invalid="true"] { border: 2px solid #d32f2f; }')
            field.refused.connect(self._on_refused)
            field.error_cleared.connect(lambda: self.message.setText(""))
        self.long_field.committed.connect(lambda v: self.memories_edited.emit(v, self.short_field.value()))
        self.short_field.committed.connect(lambda v: self.memories_edited.emit(self.long_field.value(), v))
        layout.addWidget(self.long_field)
        layout.addWidget(QLabel("short"))
        layout.addWidget(self.short_field)
        # The sequence's target (the loss of View > Show Gradients): shown only
        # with the gradients, so the strip stays narrow enough for 1024 px.
        self.target_label = QLabel("target")
        self.target_label.setToolTip("What the last short-term memory should be: the loss is (short_T - target)^2")
        layout.addWidget(self.target_label)
        self.target_field = NumberField(0.0, "target")
        self.target_field.setObjectName("sequence_target")
        self.target_field.setAccessibleName("target")
        self.target_field.setFixedWidth(62)
        self.target_field.setStyleSheet('QLineEdit[invalid="true"] { border: 2px solid #d32f2f; }')
        self.target_field.refused.connect(self._on_refused)
        self.target_field.error_cleared.connect(lambda: self.message.setText(""))
        self.target_field.committed.connect(self.target_edited)
        layout.addWidget(self.target_field)
        self.set_target_visible(False)

        self.message = QLabel("")
        self.message.setObjectName("input_strip_message")
        self.message.setStyleSheet("color: #d32f2f; font-weight: 600;")
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(260)
        layout.addWidget(self.message)

    def refresh_style(self) -> None:
        """Re-apply the style sheets after a theme change: Qt keeps a widget's
        style-sheet palette from when it was polished, so without this the
        memory fields kept the old theme's colours."""
        for widget in (self.long_field, self.short_field, self.target_field, self.message, self.view):
            widget.setStyleSheet(widget.styleSheet())

    def _on_refused(self, reason: str) -> None:
        self.message.setText(reason)
        self.refused.emit(reason)

    def _on_remove(self) -> None:
        selected = self.view.selectionModel().selectedIndexes()
        column = selected[0].column() if selected else self.model.columnCount() - 1
        if column >= 0:
            self.input_removed.emit(column)

    def set_sources(self, names: list[str], current: int) -> None:
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem("Free inputs", FREE_SOURCE)
        for k, name in enumerate(names):
            full = f"Dataset: {name}"
            self.source_combo.addItem(elide_middle(full, SOURCE_TEXT_CHARS), k)
            self.source_combo.setItemData(k + 1, full, Qt.ItemDataRole.ToolTipRole)
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(current)))
        self.source_combo.blockSignals(False)
        self._update_source_tooltip()

    def _update_source_tooltip(self, *_: object) -> None:
        full = self.source_combo.currentData(Qt.ItemDataRole.ToolTipRole)
        self.source_combo.setToolTip(f"{full}\n{SOURCE_TOOLTIP}" if full else SOURCE_TOOLTIP)

    def set_sequence(self, inputs: tuple[float, ...], free: bool, long0: float, short0: float) -> None:
        self.model.set_inputs(inputs, editable=free)
        self.add_button.setEnabled(free)
        self.remove_button.setEnabled(free and len(inputs) > 1)
        for field, value in ((self.long_field, long0), (self.short_field, short0)):
            # A dataset sequence starts from memories 0: shown, greyed, not editable.
            field.setReadOnly(not free)
            field.setEnabled(free)
            if field.value() != value or not field.error():
                field.set_value(value)
            tip = (
                f"{field.accessibleName().capitalize()} before the first input"
                if free
                else "Dataset sequences start from memories 0, as in training"
            )
            field.set_base_tooltip(tip)
        if not free:
            self.message.setStyleSheet("color: palette(mid); font-style: italic;")
            self.message.setText("")
        elif not (self.long_field.error() or self.short_field.error()):
            self.message.setText("")
        if free:
            self.message.setStyleSheet("color: #d32f2f; font-weight: 600;")

    def set_target_visible(self, visible: bool) -> None:
        self.target_label.setVisible(visible)
        self.target_field.setVisible(visible)

    def set_target(self, target: float, free: bool) -> None:
        """Show the stepped sequence's target: editable for the free inputs,
        the dataset's (greyed) for a dataset sequence."""
        field = self.target_field
        field.setReadOnly(not free)
        field.setEnabled(free)
        if field.value() != target or not field.error():
            field.set_value(target)
        field.set_base_tooltip(
            "The free inputs' target: the loss is (short_T - target)^2 (saved with the session)"
            if free
            else "The dataset sequence's own target (edit it in the dataset)"
        )

    def set_current(self, step: int) -> None:
        self.model.set_current(step)
        if 1 <= step <= self.model.columnCount():
            self.view.scrollTo(self.model.index(0, step - 1))
