"""Message bars inside the window: errors (with the details a developer
needs) and the offer to restore unsaved changes. Non-modal: the window keeps
working while a bar is shown, and a bar closes with its own buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

_ERROR_STYLE = "QFrame#error_bar { background: #fde8e8; border-bottom: 1px solid #d9534f; } QLabel { color: #5a1111; }"
_OFFER_STYLE = (
    "QFrame#recovery_bar { background: #fff6d5; border-bottom: 1px solid #d8b23a; } QLabel { color: #4a3b00; }"
)


def place_bar(window: QMainWindow, bar: QWidget) -> None:
    """Put ``bar`` above the window's central contents (first in its layout)."""
    central = window.centralWidget()
    layout = central.layout() if central is not None else None
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(0, bar)
    else:  # a central widget without a box layout: the bar floats over its top
        bar.setParent(central if central is not None else window)
        bar.move(0, 0)


class ErrorBar(QFrame):
    """What went wrong, in a sentence, with a Details toggle (the traceback)
    and a Dismiss button. A newer message replaces the one shown.

    Signals
    -------
    shown(str) : a message was shown (its one-line text).
    """

    shown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_bar")
        self.setStyleSheet(_ERROR_STYLE)
        self.setAccessibleName("Error message")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 4)
        row = QHBoxLayout()
        self.label = QLabel()
        self.label.setObjectName("error_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.label, 1)
        self.details_toggle = QToolButton()
        self.details_toggle.setObjectName("error_details_toggle")
        self.details_toggle.setText("Details")
        self.details_toggle.setCheckable(True)
        self.details_toggle.toggled.connect(self._on_details_toggled)
        row.addWidget(self.details_toggle)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("error_dismiss")
        self.dismiss_button.clicked.connect(self.dismiss)
        row.addWidget(self.dismiss_button)
        outer.addLayout(row)
        self.details = QPlainTextEdit()
        self.details.setObjectName("error_details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(140)
        self.details.hide()
        outer.addWidget(self.details)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def show_message(self, title: str, text: str, details: str = "") -> None:
        """Show ``title: text``; ``details`` (e.g. a traceback) behind the toggle."""
        line = f"{title}: {text}" if title else text
        self.label.setText(line)
        self.label.setToolTip(line)
        self.details.setPlainText(details)
        self.details_toggle.setVisible(bool(details))
        self.details_toggle.setChecked(False)
        self.details.hide()
        self.show()
        self.shown.emit(line)

    @Slot(str, str, str)
    def _on_reported(self, title: str, text: str, details: str) -> None:
        self.show_message(title, text, details)

    @Slot(bool)
    def _on_details_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)

    @Slot()
    def dismiss(self) -> None:
        self.hide()


class RecoveryBar(QFrame):
    """The offer to bring back changes that were not saved when lstm-gui
    last ended without closing (a crash, a kill, a power cut).

    Signals
    -------
    restore_clicked, discard_clicked : the person's answer.
    """

    restore_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_bar")
        self.setStyleSheet(_OFFER_STYLE)
        self.setAccessibleName("Unsaved changes can be restored")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setObjectName("recovery_text")
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("recovery_restore")
        self.restore_button.setToolTip("Bring the unsaved changes back (one undo step)")
        self.restore_button.clicked.connect(self.restore_clicked)
        row.addWidget(self.restore_button)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("recovery_discard")
        self.discard_button.setToolTip("Delete the kept copy of the unsaved changes")
        self.discard_button.clicked.connect(self.discard_clicked)
        row.addWidget(self.discard_button)
        self.hide()

    def offer(self, text: str) -> None:
        self.label.setText(text)
        self.show()


def add_error_bar(window: QMainWindow) -> ErrorBar:
    """An :class:`ErrorBar` above ``window``'s contents that also shows the
    errors nobody caught (see :mod:`lstm_gui.ui.error_report`)."""
    from lstm_gui.ui.error_report import error_reporter

    bar = ErrorBar(window)
    place_bar(window, bar)
    error_reporter().reported.connect(bar._on_reported)
    return bar
