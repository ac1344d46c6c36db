"""A line edit for one number: rounded when shown, exact while edited.

Commits on Enter or when focus leaves. Text is parsed with the C locale by
:func:`lstm_gui.core.parsing.parse_number`; refused text keeps a red border
and says why (``refused`` signal, tooltip); the value is not changed.
Pressing Enter on text that was not edited never commits, so an unchanged
field never rounds a weight.

A *scrubbable* field (the diagram's weights) also changes by direct
manipulation: drag sideways on it (``scrub_started``, one ``scrubbed(value)``
per move, ``scrub_finished``) or press Up/Down (each press one ``committed``).
Steps are :data:`SCRUB_STEP` per screen pixel or key press, Shift finer,
Ctrl coarser. Read-only fields never scrub.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from lstm_gui.core.formatting import format_full, format_weight
from lstm_gui.core.parsing import NumberError, parse_number


def display_text(value: float) -> str:
    """Two decimals when that is exact (``2.70``), else rounded to four."""
    return format_weight(value)


#: Change per screen pixel of a drag, or per Up/Down press.
SCRUB_STEP = 0.01
SCRUB_FINE = 0.001  # with Shift
SCRUB_COARSE = 0.1  # with Ctrl
#: A press that moves less than this many pixels is a click (edit the text).
DRAG_THRESHOLD = 3.0
# Scrubbed values are rounded to this many decimals so 2.7 + 3 x 0.01 is 2.73,
# not 2.7300000000000004.
_SCRUB_DECIMALS = 10


def scrub_step(modifiers: Qt.KeyboardModifier) -> float:
    """The change per pixel or key press: Shift finer, Ctrl coarser."""
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return SCRUB_FINE
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return SCRUB_COARSE
    return SCRUB_STEP


class NumberField(QLineEdit):
    """Signals: ``committed(float)`` with a new, different value;
    ``refused(str)`` with the reason; ``error_cleared()``."""

    committed = Signal(float)
    refused = Signal(str)
    error_cleared = Signal()
    scrub_started = Signal()
    scrubbed = Signal(float)
    scrub_finished = Signal()

    def __init__(self, value: float, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = float(value)
        self._what = what
        self._shown = ""
        self._error = ""
        self._base_tooltip = ""
        self._scrubbable = False
        self._press_x: float | None = None  # screen x of an armed press
        self._last_x = 0.0
        self._scrubbing = False
        self._scrub_start = 0.0
        self._scrub_delta = 0.0
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

    def font_pixel_size(self) -> int:
        """The text's pixel size in the field's own units (the style sheet's)."""
        self.ensurePolished()
        return self.font().pixelSize()

    def set_scrubbable(self, scrubbable: bool) -> None:
        """Let a drag or Up/Down change the value (when not read-only)."""
        self._scrubbable = scrubbable
        self.refresh_cursor()

    def can_scrub(self) -> bool:
        return self._scrubbable and not self.isReadOnly()

    def is_scrubbing(self) -> bool:
        return self._scrubbing

    def refresh_cursor(self) -> None:
        """The scrub cursor while the value can be dragged, else the text cursor."""
        if self.can_scrub() and (self._scrubbing or not self.hasFocus()):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        elif self.isReadOnly():
            self.setCursor(Qt.CursorShape.ArrowCursor)
        else:
            self.setCursor(Qt.CursorShape.IBeamCursor)

    def set_base_tooltip(self, text: str) -> None:
        self._base_tooltip = text
        if not self._error:
            self.setToolTip(self._value_tooltip())

    def _value_tooltip(self) -> str:
        """The base tooltip, led by the exact value when the field shows it
        rounded or in exponent form (``-1.235e8`` for ``-123456789.5``)."""
        shown = display_text(self._value)
        if float(shown) == self._value:
            return self._base_tooltip
        exact = f"Exact value: {format_full(self._value)}"
        return f"{exact}\n{self._base_tooltip}" if self._base_tooltip else exact

    def redisplay(self) -> None:
        """Show the value again (the display decimals changed); not while it is edited."""
        if not self.hasFocus():
            self._show_value()

    def _show_value(self) -> None:
        editing = self.hasFocus() and not self.isReadOnly() and not self._scrubbing
        self._shown = format_full(self._value) if editing else display_text(self._value)
        self.setText(self._shown)
        if not self._error:
            self.setToolTip(self._value_tooltip())
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
        self.setToolTip(reason or self._value_tooltip())
        self.setAccessibleDescription(reason)
        if reason:
            self.refused.emit(reason)
        else:
            self.error_cleared.emit()

    def _edited(self) -> bool:
        return self.text() != self._shown or bool(self._error)

    # -- direct manipulation -------------------------------------------------
    def begin_scrub(self) -> None:
        """Start a drag from the current value (``scrub_started``)."""
        if not self.can_scrub() or self._scrubbing:
            return
        self._scrubbing = True
        self._scrub_start = self._value
        self._scrub_delta = 0.0
        self.deselect()
        self.refresh_cursor()
        self.scrub_started.emit()

    def scrub_move(self, pixels: float, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """One move of a drag, ``pixels`` sideways on screen: ``scrubbed(value)``.

        The step is read per move, so pressing Shift mid-drag refines from there.
        """
        if not self._scrubbing:
            return
        self._scrub_delta += pixels * scrub_step(modifiers)
        value = round(self._scrub_start + self._scrub_delta, _SCRUB_DECIMALS)
        self.scrubbed.emit(value)  # the model answers through set_value

    def end_scrub(self) -> None:
        if not self._scrubbing:
            return
        self._scrubbing = False
        self._press_x = None
        self.refresh_cursor()
        if self.hasFocus():
            self.clearFocus()  # the drag was the edit: nothing left to type
        self._show_value()
        self.scrub_finished.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self.can_scrub() and not self._edited():
            self._press_x = event.globalPosition().x()
            self._last_x = self._press_x

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press_x is None:
            super().mouseMoveEvent(event)
            return
        x = event.globalPosition().x()
        if not self._scrubbing:
            if abs(x - self._press_x) < DRAG_THRESHOLD:
                return  # not yet a drag; a text selection would flicker
            self.begin_scrub()
        self.scrub_move(x - self._last_x, event.modifiers())
        self._last_x = x

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press_x = None
        if self._scrubbing:
            self.end_scrub()
            return
        super().mouseReleaseEvent(event)

    def _step_by_key(self, direction: int, modifiers: Qt.KeyboardModifier) -> None:
        base = self._value
        if self._edited():
            try:
                base = parse_number(self.text(), self._what)
            except NumberError as exc:
                self._set_error(str(exc))
                return
        self._set_error("")
        value = round(base + direction * scrub_step(modifiers), _SCRUB_DECIMALS)
        if value != self._value:
            self.committed.emit(value)  # one press, one committed edit
        self._show_value()

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
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.can_scrub():
            self._step_by_key(1 if event.key() == Qt.Key.Key_Up else -1, event.modifiers())
            return
        if event.key() == Qt.Key.Key_Escape and (self.text() != self._shown or self._error):
            self._set_error("")
            self._show_value()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.refresh_cursor()
        if not self._error and not self.isReadOnly():
            self._show_value()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)  # may emit editingFinished -> commit
        self.refresh_cursor()
        if not self._error:
            self._show_value()
