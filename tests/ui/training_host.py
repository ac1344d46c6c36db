"""A minimal window that hosts the training panel on its own.

It offers what the panel needs from the main window (``session``,
``undo_stack``, ``set_preview_params``, ``mark_modified``,
``session_replaced``, ``statusBar()``), so the panel can be tested,
benchmarked and pictured without the diagram.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from lstm_gui.core.cell import CellParams
from lstm_gui.core.session import Session


class TrainingHost(QMainWindow):
    """A main window whose only content is the training panel."""

    session_replaced = Signal()

    def __init__(self, session: Session | None = None, trainer: str | None = None) -> None:
        super().__init__()
        from lstm_gui.ui.training.panel import DEFAULT_TRAINER, TrainingPanel

        self.session = session if session is not None else Session()
        self.undo_stack = QUndoStack(self)
        self.preview_params: CellParams | None = None
        self.preview_count = 0
        self.modified = False
        self.setWindowTitle("lstm-gui training")
        self.panel = TrainingPanel(self, trainer or DEFAULT_TRAINER)
        self.setCentralWidget(self.panel)
        self.statusBar()

    def set_preview_params(self, params: CellParams | None) -> None:
        self.preview_params = params
        self.preview_count += 1

    def mark_modified(self) -> None:
        self.modified = True

    def replace_session(self, session: Session) -> None:
        self.session = session
        self.undo_stack.clear()
        self.session_replaced.emit()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.panel.shutdown()
        super().closeEvent(event)
