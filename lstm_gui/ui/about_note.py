""" "About this example": a session's ``description`` in the window.

An example's (or a file's) description says what it is for; the
``long-memory`` example's holds the measured figures of issue 13 (LSTM
against plain RNN over 10 seeds). It was saved and loaded but never shown.
A one-line note under the input strip shows its first sentence, with
"More…" to unfold the whole text in place (no dialog); hidden when the
session has no description.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from lstm_gui.core.example_titles import EXAMPLE_TITLES


def first_sentence(text: str) -> str:
    """The text up to its first ". " (all of it when there is none)."""
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


class AboutNote(QWidget):
    """The note: a title, the first sentence (or everything) and More/Less."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_note")
        self._name = ""
        self._text = ""
        self._expanded = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.setSpacing(6)
        self.label = QLabel()
        self.label.setObjectName("about_text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.more_button = QToolButton()
        self.more_button.setObjectName("about_more")
        self.more_button.setAutoRaise(True)
        self.more_button.clicked.connect(self.toggle)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.more_button)
        column.addStretch(1)
        layout.addLayout(column)
        self.hide()

    def set_description(self, name: str, text: str) -> None:
        """Show ``text`` (a session's description) folded; hide the note when empty."""
        self._name = name
        self._text = " ".join(text.split())
        self._expanded = False
        self._show()

    def is_expanded(self) -> bool:
        return self._expanded

    def shown_text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget() or self) else ""

    @Slot()
    def toggle(self) -> None:
        """More… / Less: the whole description, or its first sentence."""
        self._expanded = not self._expanded
        self._show()

    def _show(self) -> None:
        if not self._text:
            self.hide()
            return
        short = first_sentence(self._text)
        folded = short != self._text
        body = self._text if self._expanded or not folded else short
        name = EXAMPLE_TITLES.get(self._name, self._name)  # "StatQuest tour", not "statquest-tour"
        self.label.setText(f"About {name or 'this session'}: {body}")
        self.label.setToolTip("" if self._expanded else self._text)
        self.more_button.setVisible(folded)
        self.more_button.setText("Less" if self._expanded else "More\u2026")
        self.more_button.setToolTip("Fold the description" if self._expanded else "Show the whole description")
        self.show()


def install(window: Any) -> AboutNote:
    """Put the note under ``window``'s input strip (``window.about_note``),
    following every session opened (New, Open, an example)."""
    note = AboutNote()
    layout = window.centralWidget().layout()
    layout.insertWidget(layout.indexOf(window.input_strip) + 1, note)
    window.about_note = note

    def refresh() -> None:
        note.set_description(window.session.name, window.session.description)

    window.session_replaced.connect(refresh)
    refresh()
    return note
