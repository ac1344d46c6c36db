"""Training panel (dock): dataset table, settings, Train/Pause/Stop, live plots.

STUB owned by the training-panel work; the main window builds it with
``TrainingPanel(window)`` and calls ``shutdown()`` when closing.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class TrainingPanel(QWidget):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Training panel (coming soon)"))

    def is_training(self) -> bool:
        return False

    def shutdown(self) -> None:
        """Stop and join any training worker (called before the window closes)."""
