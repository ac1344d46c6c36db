"""A line edit for one number: rounded when shown, exact while edited.

Commits on Enter or when focus leaves. Text is parsed with the C locale by
:func:`lstm_gui.core.parsing.parse_number`; refused text keeps a red border
and says why (``refused`` signal, tooltip); the value is not changed.
Pressing Enter on text that was not edited never commits, so an unchanged
field never rounds a weight.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

from lstm_gui.core.formatting import format_full, format_number
from lstm_gui.core.parsing import NumberError, parse_number


def display_text(value: float) -> str:
    """Two decimals when that is exact (``2.70``), else rounded to four."""
    short = format_number(value, 2)
    return short if float(short) == value else format_number(value, 4)


class NumberField(QLineEdit):
    """Signals: ``committed(float)`` with a new, different value;
    ``refused(str)`` with the reason; ``error_cleared()``."""

    committed = Signal(float)
    refused = Signal(str)
    error_cleared = Signal()

    def __init__(self, value: float, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = float(value)
        self._what = what
        self._shown = ""
        self._error = ""
        self._base_tooltip = ""
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setProperty("invalid", False)
        self.editingFinished.connect(self._on_editing_finished)
        self._show_value()

    # -- state ---------------------------------------------------------------
    def value(self) -> float:
        return self._value

    def error(self) -> str:
        """The reason the current text was refused ("" when it is fine)."""
        return self._error

    def set_value(self, value: float) -> None:
        """Show a new model value (clears a pending error)."""
        self._value = float(value)
        self._set_error("")
        self._show_value()

    def set_base_tooltip(self, text: str) -> None:
        self._base_tooltip = text
        if not self._error:
            self.setToolTip(text)

    def _show_value(self) -> None:
        editing = self.hasFocus() and not self.isReadOnly()
        self._shown = format_full(self._value) if editing else display_text(self._value)
        self.setText(self._shown)
        if editing:
            self.selectAll()
        else:
            self.setCursorPosition(0)

    def _set_error(self, reason: str) -> None:
        if reason == self._error:
            return
        self._error = reason
        self.setProperty("invalid", bool(reason))
        # Re-polish so the [invalid="true"] style rule applies at once.
        self.style().unpolish(self)
        self.style().polish(self)
        self.setToolTip(reason or self._base_tooltip)
        self.setAccessibleDescription(reason)
        if reason:
            self.refused.emit(reason)
        else:
            self.error_cleared.emit()

    # -- editing -------------------------------------------------------------
    def commit(self) -> bool:
        """Parse the text; emit ``committed`` if it is a new value.

        Returns False if the text was refused.
        """
        text = self.text()
        if text == self._shown and not self._error:
            return True  # not edited: keep the exact value, never round it
        try:
            value = parse_number(text, self._what)
        except NumberError as exc:
            self._set_error(str(exc))
            return False
        self._set_error("")
        if value != self._value:
            self.committed.emit(value)  # the model answers through set_value
        self._show_value()
        return True

    def _on_editing_finished(self) -> None:
        if not self.isReadOnly():
            self.commit()

    def event(self, event: QEvent) -> bool:
        # A line edit claims Ctrl+Z / Ctrl+Shift+Z for its own text undo even
        # when it has nothing to undo (right after a commit, which resets its
        # text); then the window's Undo/Redo of the model must get the key.
        nothing_to_undo = isinstance(event, QKeyEvent) and (
            (event.matches(QKeySequence.StandardKey.Undo) and not self.isUndoAvailable())
            or (event.matches(QKeySequence.StandardKey.Redo) and not self.isRedoAvailable())
        )
        if event.type() == QEvent.Type.ShortcutOverride and nothing_to_undo:
            event.ignore()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and (self.text() != self._shown or self._error):
            self._set_error("")
            self._show_value()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self._error and not self.isReadOnly():
            self._show_value()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)  # may emit editingFinished -> commit
        if not self._error:
            self._show_value()
