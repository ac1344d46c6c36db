"""The Breakpoints dock: conditions where Run and Go to end stop, and where
a training run pauses.

Two tabs over the same language (:mod:`lstm_gui.core.expressions`):
*Steps* (a trace step's names: ``forget < 0.1``) and *Training* (``epoch``,
``loss``, the weights, ``out_i``). Each condition has a check box to enable
it; the line under the list checks a condition as it is typed. Adding,
changing, enabling and removing are undo steps (the session holds the
conditions, the dock only shows them). The breakpoint that fired last is
highlighted until the step moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QFont, QUndoStack
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSpinBox,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core.debugging import BREAKPOINT_PRESETS, TRAINING_PRESETS, Breakpoint, plateau_condition
from lstm_gui.core.expressions import MAX_LOSS_LAG, TRACE_NAMES, training_names
from lstm_gui.core.session import Session
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import breakpoints_command
from lstm_gui.ui.debugger.expression_editor import FIRED_COLOR, EntryList, compact_button

#: After the condition of the breakpoint that fired.
FIRED_SUFFIX = "  \u25c0 fired"


class BreakpointList(EntryList):
    """The step breakpoints (or, ``training``, the training breakpoints):
    a check box and the condition per row."""

    WORD = "breakpoint"

    def __init__(
        self,
        session: Session,
        undo_stack: QUndoStack,
        names: Callable[[], Collection[str]],
        training: bool,
        parent: QWidget | None = None,
    ) -> None:
        self._training = training
        name = "training_breakpoints" if training else "breakpoints"
        placeholder = "loss < 0.01" if training else "forget < 0.1"
        super().__init__(session, undo_stack, names, ("Condition (check to enable)",), name, placeholder, parent)
        self._fired: int | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self.presets_button = QToolButton()
        self.presets_button.setObjectName(f"{name}_presets")
        self.presets_button.setText("Presets")
        self.presets_button.setToolTip("Add a ready-made condition")
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_menu = QMenu(self.presets_button)
        presets = TRAINING_PRESETS if training else BREAKPOINT_PRESETS
        for label, condition in presets:
            action = self.presets_menu.addAction(label)
            action.setToolTip(condition)
            action.setStatusTip(condition)
            action.triggered.connect(lambda _=False, c=condition, w=label: self.add_condition(c, w))
        self.presets_button.setMenu(self.presets_menu)
        self.buttons.insertWidget(self.buttons.count() - 1, self.presets_button)

    def entries(self) -> tuple[Breakpoint, ...]:
        return self._session.training_breakpoints if self._training else self._session.breakpoints

    def expression_of(self, entry: Any) -> str:
        return str(entry.condition)

    def make_entry(self, text: str, old: Any | None) -> Breakpoint:
        return Breakpoint(text, old.enabled if old is not None else True)

    def fill_row(self, row: int, item: QTableWidgetItem, entry: Any) -> None:
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if entry.enabled else Qt.CheckState.Unchecked)
        if row == self._fired:
            # A selected row paints the selection colour over the background:
            # the words and the bold text say "fired" whatever the selection.
            item.setText(f"{item.text()}{FIRED_SUFFIX}")
            item.setToolTip(f"{entry.condition} (this breakpoint fired)")
            item.setBackground(QBrush(FIRED_COLOR))
            item.setForeground(QBrush(Qt.GlobalColor.black))
            item.setFont(self._bold)

    def entry_from_item(self, item: QTableWidgetItem, entry: Any) -> Any | None:
        enabled = item.checkState() == Qt.CheckState.Checked
        return Breakpoint(entry.condition, enabled) if enabled != entry.enabled else None

    def toggle_text(self, entry: Any, column: int) -> str:
        return f"{'Enable' if entry.enabled else 'Disable'} breakpoint {entry.condition}"

    def refusal(self, text: str, row: int | None) -> str:
        """An exact duplicate of another condition is refused: it would fire
        at the same places and only make the list harder to read."""
        for k, entry in enumerate(self.entries()):
            if k != row and entry.condition == text:
                return f"already a breakpoint (row {k + 1}): {text}"
        return ""

    def push(self, entries: Sequence[Any], text: str) -> None:
        self._undo_stack.push(breakpoints_command(self._session, entries, text, training=self._training))

    def add_condition(self, condition: str, label: str = "") -> None:
        """Add ``condition`` (a preset) as an enabled breakpoint: one undo step
        (refused, with the reason under the editor, when it is already there)."""
        reason = self.refusal(condition, None)
        if reason:
            self.editor.show_refusal(reason)
            return
        self.push(self.entries() + (Breakpoint(condition),), f"Add breakpoint {label or condition}")
        self.table.selectRow(len(self.entries()) - 1)

    def set_fired(self, index: int | None) -> None:
        """Highlight the breakpoint that fired (``None``: none)."""
        if index != self._fired:
            self._fired = index
            self.show_entries()

    @property
    def fired(self) -> int | None:
        return self._fired


class BreakpointsPanel(QWidget):
    """The dock's contents: the Steps and Training tabs, each a
    :class:`BreakpointList`; the Training tab adds the plateau preset with
    its two numbers."""

    def __init__(self, adapter: SessionAdapter, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breakpoints_panel")
        session = adapter.session
        self._session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("breakpoints_tabs")
        layout.addWidget(self.tabs)
        self.steps = BreakpointList(session, undo_stack, lambda: TRACE_NAMES, training=False)
        self.steps.setToolTip("Run and Go to end stop at the first step where an enabled condition holds")
        self.tabs.addTab(self.steps, "Steps")
        self.training = BreakpointList(session, undo_stack, lambda: training_names(len(session.dataset)), training=True)
        self.training.setToolTip("A training run pauses at the first epoch where an enabled condition holds")
        self.tabs.addTab(self.training, "Training")
        self._build_plateau()
        self.names_hint = QLabel()
        self.names_hint.setObjectName("breakpoint_names")
        self.names_hint.setWordWrap(True)
        self.names_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.names_hint)
        self.tabs.currentChanged.connect(self._show_names_hint)
        adapter.breakpoints_changed.connect(self.steps.show_entries)
        adapter.training_breakpoints_changed.connect(self.training.show_entries)
        adapter.dataset_changed.connect(self._on_dataset_changed)
        self.steps.show_entries()
        self.training.show_entries()
        self._show_names_hint()

    def _build_plateau(self) -> None:
        # Two short rows: one long row would widen the dock past a 1280 px window.
        title = QLabel("Plateau: pause when the loss changed less than")
        title.setWordWrap(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.plateau_change = QDoubleSpinBox()
        self.plateau_change.setObjectName("plateau_change")
        self.plateau_change.setDecimals(8)
        self.plateau_change.setRange(1e-8, 10.0)  # a narrow box: a 1280 px window has a 380 px column
        self.plateau_change.setValue(1e-6)
        self.plateau_change.setToolTip("How little the loss may change ...")
        row.addWidget(self.plateau_change)
        row.addWidget(QLabel("over"))
        self.plateau_epochs = QSpinBox()
        self.plateau_epochs.setObjectName("plateau_epochs")
        self.plateau_epochs.setRange(1, MAX_LOSS_LAG)
        self.plateau_epochs.setValue(100)
        self.plateau_epochs.setSuffix(" epochs")
        self.plateau_epochs.setToolTip("... over this many epochs")
        row.addWidget(self.plateau_epochs)
        self.plateau_add = compact_button("Add")
        self.plateau_add.setObjectName("plateau_add")
        self.plateau_add.setToolTip("Add this plateau condition: abs(loss_ago_N - loss) < change")
        self.plateau_add.clicked.connect(self.add_plateau)
        row.addWidget(self.plateau_add)
        row.addStretch(1)
        layout = self.training.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(title)
        layout.addLayout(row)

    @Slot()
    def add_plateau(self) -> None:
        """Add the plateau preset with the two numbers chosen (one undo step)."""
        condition = plateau_condition(self.plateau_change.value(), self.plateau_epochs.value())
        self.training.add_condition(condition)

    @Slot()
    def _on_dataset_changed(self, *_: object) -> None:
        self.training.editor.recheck()  # out_i exist for this many sequences
        self._show_names_hint()

    @Slot()
    def _show_names_hint(self, *_: object) -> None:
        if self.tabs.currentWidget() is self.training:
            count = len(self._session.dataset)
            outputs = "out_0" if count == 1 else f"out_0 … out_{count - 1}" if count else "no outputs (no dataset)"
            text = (
                f"Names: epoch, loss, wlr1 … bo1 (or forget.w_short …), {outputs}, "
                "loss_ago_N (the loss N epochs earlier). Example: abs(wo1) > 5"
            )
        else:
            text = f"Names: {', '.join(TRACE_NAMES)}. Example: abs(long - long_prev) > 1 and step > 2"
        self.names_hint.setText(text)

    def show_fired(self, index: int | None, training: bool = False) -> None:
        """Highlight the breakpoint that fired (and show its tab)."""
        lst = self.training if training else self.steps
        lst.set_fired(index)
        if index is not None:
            self.tabs.setCurrentWidget(lst)
