"""A minimal window that hosts the training panel on its own.

It gives the panel what the main window gives it (the session adapter, the
undo stack, a preview callable) and follows its signals the way the main
window does, so the panel can be tested, benchmarked and pictured without the
diagram. Its Undo/Redo actions are deliberately not tied to
``running_changed``: a test can see that the panel never touches them.
"""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QScrollArea, QVBoxLayout, QWidget

from lstm_gui.core.cell import CellParams
from lstm_gui.core.session import Session
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.training.live_results import LiveResults
from lstm_gui.ui.training.panel import DEFAULT_TRAINER, TrainingPanel
from lstm_gui.ui.training.trainers import Trainer


class TrainingHost(QMainWindow):
    """A main window whose only content is the training panel and the live
    results (wired as the main window wires them: the session's weights, or
    the preview's with the history scrubber's label)."""

    def __init__(self, session: Session | None = None, trainer: str | Trainer | None = None) -> None:
        super().__init__()
        #: One session for the window's whole life (New/Open update it).
        self.session = session if session is not None else Session()
        self.undo_stack = QUndoStack(self)
        self.adapter = SessionAdapter(self.session, self)
        self.action_undo = self.undo_stack.createUndoAction(self, "Undo")
        self.action_undo.setObjectName("action_undo")
        self.action_redo = self.undo_stack.createRedoAction(self, "Redo")
        self.action_redo.setObjectName("action_redo")
        self.preview_params: CellParams | None = None
        self.preview_label: str | None = None
        self.preview_count = 0
        self.running_seen: list[bool] = []
        self.status_seen: list[str] = []
        self.setWindowTitle("lstm-gui training")
        self.panel = TrainingPanel(
            self.adapter, self.undo_stack, self.set_preview_params, self, trainer or DEFAULT_TRAINER
        )
        self.panel.running_changed.connect(self.running_seen.append)
        self.panel.status_message.connect(self._on_status_message)
        self.live_results = LiveResults()
        self.panel.history_preview.connect(self._on_history_preview)
        self.adapter.weights_changed.connect(self._show_results)
        self.adapter.dataset_changed.connect(self._show_results)
        # As in the main window: the panel scrolls (vertically), its status
        # strip stays in sight below it.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.panel)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.live_results)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.panel.status_strip)
        self.setCentralWidget(central)
        self._show_results()

    def set_preview_params(self, params: CellParams | None) -> None:
        self.preview_params = params
        self.preview_count += 1
        if params is None:
            self.preview_label = None
        self._show_results()

    def _on_history_preview(self, params: CellParams | None, label: str) -> None:
        self.preview_label = label if params is not None else None
        self._show_results()

    def _show_results(self, *_: object) -> None:
        params = self.preview_params if self.preview_params is not None else self.session.params
        label = self.preview_label if self.preview_params is not None else None
        self.live_results.show_results(params, self.session.dataset, label)

    def _on_status_message(self, text: str) -> None:
        self.status_seen.append(text)
        self.statusBar().showMessage(text, 8000)

    @property
    def modified(self) -> bool:
        """What the title's [*] shows: the undo stack is not clean."""
        return not self.undo_stack.isClean()

    def replace_session(self, other: Session) -> None:
        """New / Open: the one session takes ``other``'s values."""
        self.panel.reset()
        self.session.update_from(other)
        self.undo_stack.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.panel.shutdown()
        self.adapter.unbind()
        super().closeEvent(event)
