"""The history scrubber: a slider over the session's training history.

Epoch N is the weights after N epochs. Moving the slider previews that
epoch's weights (the ``preview`` callable and ``history_preview``); "Use
these weights" makes them the session's (one undo step); Esc or the end of
the slider goes back to the session's weights. While a run goes the
scrubber rests (the plot shows the run's rows).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from lstm_gui.core.cell import CellParams
from lstm_gui.core.session import Session
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import params_command
from lstm_gui.ui.training.plot import TrainingPlot


class _EpochSlider(QSlider):
    """A slider that keeps its arrow, Home and End keys while it has focus
    (the window's stepper uses the same plain keys as shortcuts)."""

    KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End)

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in self.KEYS
            and not event.modifiers()
        ):
            event.accept()  # a key for the slider, not for the window's shortcut
            return True
        return super().event(event)


class HistoryScrubber(QWidget):
    """The slider, its epoch label and the Use / Back buttons.

    Signals
    -------
    history_preview(object, str) : the weights (``CellParams``) of the epoch
        scrubbed to and their label, or ``(None, "")`` back to the session's.
    status_message(str) : a short note for the window's status bar.
    """

    history_preview = Signal(object, str)
    status_message = Signal(str)

    def __init__(
        self,
        adapter: SessionAdapter,
        undo_stack: QUndoStack,
        preview: Callable[[CellParams | None], None],
        plot: TrainingPlot,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("history_scrubber")
        self._adapter = adapter
        self._undo_stack = undo_stack
        self._preview = preview
        self._plot = plot
        #: A run goes (or is paused): the scrubber rests.
        self._live = False
        #: The epoch previewed (None: the session's weights).
        self._scrub_epoch: int | None = None

        self.action_back_to_current = QAction("Back to current", self)
        self.action_back_to_current.setObjectName("action_history_back")
        self.action_back_to_current.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.action_back_to_current.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action_back_to_current.setToolTip("Leave the history preview: the session's weights again (Esc)")
        self.action_back_to_current.triggered.connect(self.back_to_current)
        self.history_slider = _EpochSlider(Qt.Orientation.Horizontal)
        self.history_slider.setObjectName("history_epoch")
        self.history_slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.history_slider.setToolTip(
            "Look at the weights after any epoch of the history: the diagram and the results preview them "
            "(Esc or the end of the slider: back to the current weights)"
        )
        self.history_slider.valueChanged.connect(self._on_scrubbed)
        self.history_label = QLabel("Epoch --")
        self.history_label.setObjectName("history_label")
        self.history_label.setMinimumWidth(90)
        self.history_use = QPushButton("Use these weights")
        self.history_use.setObjectName("history_use")
        self.history_use.setToolTip("Make the previewed epoch's weights the session's (one undo step)")
        self.history_use.clicked.connect(self.use_history_weights)
        self.history_back = QPushButton("Back to current")
        self.history_back.setObjectName("history_back")
        self.history_back.setToolTip(self.action_back_to_current.toolTip())
        self.history_back.clicked.connect(self.back_to_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        slider_row = QHBoxLayout()
        slider_row.addWidget(self.history_label)
        slider_row.addWidget(self.history_slider, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.history_use)
        buttons_row.addWidget(self.history_back)
        buttons_row.addStretch(1)
        layout.addLayout(slider_row)
        layout.addLayout(buttons_row)
        plot.epoch_clicked.connect(self._on_plot_clicked)

    @property
    def session(self) -> Session:
        return self._adapter.session

    def _usable(self) -> bool:
        history = self.session.history
        return not self._live and history is not None and len(history) > 1

    def set_live(self, live: bool) -> None:
        """A run started (the slider rests) or ended (usable again)."""
        self._live = live
        if live:
            self.update_range()
        self.history_slider.setEnabled(self._usable())

    def update_range(self) -> None:
        """The slider spans the session's history (idle) and sits at its end."""
        history = self.session.history if not self._live else None
        usable = history is not None and len(history) > 1
        with QSignalBlocker(self.history_slider):
            if history is not None and usable:
                self.history_slider.setRange(int(history.epochs[0]), history.last_epoch)
                self.history_slider.setValue(history.last_epoch)
                self.history_slider.setPageStep(max(1, (history.last_epoch - int(history.epochs[0])) // 20))
            else:
                self.history_slider.setRange(0, 0)
        self.history_slider.setEnabled(usable)
        self._show_scrub_state()

    def sit_at(self, epoch: int) -> None:
        """A run paused at ``epoch`` (a training breakpoint): the slider shows
        it over the session's history, which now ends there; it stays
        disabled until the run ends."""
        history = self.session.history
        if history is None or not len(history):
            return
        with QSignalBlocker(self.history_slider):
            self.history_slider.setRange(int(history.epochs[0]), max(epoch, history.last_epoch))
            self.history_slider.setValue(epoch)
        self.history_label.setText(f"Epoch {epoch} (breakpoint)")

    def _show_scrub_state(self) -> None:
        previewing = self._scrub_epoch is not None
        self.history_use.setEnabled(previewing)
        self.history_back.setEnabled(previewing)
        self.action_back_to_current.setEnabled(previewing)
        if previewing:
            self.history_label.setText(f"Epoch {self._scrub_epoch}")
        elif self.history_slider.isEnabled():
            self.history_label.setText(f"Epoch {self.history_slider.value()} (current)")
        else:
            self.history_label.setText("Epoch --")
        self._plot.set_cursor(self._scrub_epoch)

    def _scrubbed_row(self) -> int | None:
        history = self.session.history
        if self._scrub_epoch is None or history is None or not len(history):
            return None
        return history.nearest_row(self._scrub_epoch)

    @Slot(int)
    def _on_scrubbed(self, epoch: int) -> None:
        """Preview the weights after ``epoch`` (snapped to the nearest kept
        epoch of a thinned history); the end of the history: the current ones."""
        history = self.session.history
        if self._live or history is None or len(history) < 2:
            return
        row = history.nearest_row(epoch)
        kept = int(history.epochs[row])
        if kept != epoch:
            with QSignalBlocker(self.history_slider):
                self.history_slider.setValue(kept)
        if row == len(history) - 1:
            self.leave_preview()
            return
        self._scrub_epoch = kept
        params = CellParams.from_flat(history.weights[row].tolist())
        # The label first: the window then draws the preview once, already named.
        self.history_preview.emit(params, f"preview of epoch {kept}")
        self._preview(params)
        self._show_scrub_state()

    def preview_epoch(self, epoch: int) -> None:
        """Move the scrubber to ``epoch`` (as a person would)."""
        self.history_slider.setValue(epoch)

    @Slot(float)
    def _on_plot_clicked(self, epoch: float) -> None:
        if self.history_slider.isEnabled():
            self.history_slider.setValue(round(epoch))

    def leave_preview(self) -> None:
        """The session's weights again (if an epoch was previewed)."""
        if self._scrub_epoch is None:
            return
        self._scrub_epoch = None
        self.history_preview.emit(None, "")
        self._preview(None)
        self._show_scrub_state()

    @Slot()
    def back_to_current(self) -> None:
        """Leave the history preview: the slider to the end, the session's weights."""
        if self._scrub_epoch is None:
            return
        self.leave_preview()
        with QSignalBlocker(self.history_slider):
            self.history_slider.setValue(self.history_slider.maximum())
        self._show_scrub_state()

    @Slot()
    def use_history_weights(self) -> None:
        """The previewed epoch's weights become the session's (one undo step)."""
        row = self._scrubbed_row()
        history = self.session.history
        if row is None or history is None:
            return
        epoch = int(history.epochs[row])
        params = CellParams.from_flat(history.weights[row].tolist())
        self.leave_preview()
        self._undo_stack.push(params_command(self.session, params, f"Use the weights of epoch {epoch}"))
        with QSignalBlocker(self.history_slider):
            self.history_slider.setValue(epoch)
        self.history_label.setText(f"Epoch {epoch} (in use)")
        self.status_message.emit(f"The weights of epoch {epoch} are now the session's")
