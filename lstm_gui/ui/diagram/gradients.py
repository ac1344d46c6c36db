"""View > Show Gradients: the backward pass through time drawn on the diagram.

At step t: the sequence's loss ``(short_T - target)**2`` under the cell,
d loss / d long and d loss / d short on the memory lines (after step t on the
right, before it on the left: what flows back out of the step), and beside
each weight field its gradient accumulated from the last step back to t
(``∂L 0.0123``). A note's colour is the sign (blue positive, red negative,
readable on both themes) and its strength the size, relative to the largest
weight gradient shown; the largest are bold. Stepping back from the end walks
the backward pass; every stage of step t shows step t's gradients.

The overlay computes nothing: it shows a
:class:`~lstm_gui.ui.gradient_model.StepGradients`.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from lstm_gui.core.vocabulary import GATES, ROLES
from lstm_gui.ui.diagram.scene import (
    BLOCK_H,
    BLOCK_TOP,
    FIELD_H,
    FIELD_W,
    LINE_END,
    LINE_START,
    LONG_Y,
    SHORT_Y,
    SMALL_PX,
    DiagramScene,
    _Note,
)
from lstm_gui.ui.gradient_model import StepGradients
from lstm_gui.ui.theme import DARK, DiagramColors, _mix, readable_text

#: (positive, negative) sign colours per theme: blue and red, both readable
#: as text on the theme's background and as a tint behind dark/light text.
SIGN_COLORS: dict[str, tuple[str, str]] = {"light": ("#1f63c6", "#c62828"), "dark": ("#6fa8ff", "#ff7a7a")}
#: How far the largest gradient tints its note towards the sign colour.
TINT = 0.55
#: Relative size from which a note is bold.
BOLD_FROM = 0.5
GRAD_PX = SMALL_PX


def format_gradient(value: float) -> str:
    """A gradient for the diagram: 4 significant digits, exponent form when
    small or large (a vanishing gradient stays readable: ``-2.48e-07``)."""
    if value == 0.0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}" if abs(value) >= 1 else f"{value:.4f}"
    return f"{value:.2e}"


def weight_note_text(value: float) -> str:
    return f"\u2202L {format_gradient(value)}"


class GradientOverlay:
    """The gradient notes on a :class:`DiagramScene` (hidden until shown)."""

    def __init__(self, scene: DiagramScene) -> None:
        self.scene = scene
        self._colors = scene._colors
        self._visible = False
        self._shown: StepGradients | None = None
        self.weight_notes: dict[tuple[str, str], _Note] = {}
        self._anchors: dict[str, tuple[float, float, str]] = {}
        for (gate, role), field in scene.fields.items():
            proxy = field.graphicsProxyWidget()
            assert proxy is not None
            x, y = proxy.pos().x(), proxy.pos().y()
            if role == "bias":
                # Inside the block, between its value and the bias field.
                anchor = (x + FIELD_W / 2 - 4, BLOCK_TOP + BLOCK_H - FIELD_H - 27, "center")
            else:
                anchor = (x + FIELD_W / 2, y + FIELD_H + 1, "center")
            self._anchors[f"{gate}.{role}"] = anchor
            self.weight_notes[(gate, role)] = self._note(z=21)
        #: d loss / d memory notes: before the step (left) and after it (right).
        self.memory_notes: dict[str, _Note] = {name: self._note(z=9, bold=True) for name in _MEMORY_PLACES}
        self.loss_note = self._note(z=9, bold=True, px=SMALL_PX + 1, pad=5)
        # A "was 0.9963" note of a step back must not hide a gradient note
        # (they share the gate blocks' free row and the memory boxes' corner).
        scene.flash_note_allowed = self._flash_note_allowed

    def _note(self, z: float, bold: bool = False, px: float = GRAD_PX, pad: float = 2.0) -> _Note:
        note = _Note(px, bold=bold, pad=pad)
        note.setZValue(z)
        note.setVisible(False)
        self.scene.addItem(note)
        return note

    # -- sharing the diagram with the "was" notes ------------------------------------
    def _visible_notes(self) -> list[_Note]:
        notes = [*self.weight_notes.values(), *self.memory_notes.values(), self.loss_note]
        return [note for note in notes if note.isVisible()]

    def _flash_note_allowed(self, rect: QRectF) -> bool:
        """Whether a "was" note at ``rect`` may show: not over a gradient
        note (while gradients are shown, they are what the person asked for)."""
        return not any(rect.intersects(note.sceneBoundingRect()) for note in self._visible_notes())

    def _hide_covering_flash_notes(self) -> None:
        # "was" notes already showing when the gradients appear or move.
        for note, *_ in self.scene._flash_note.values():
            if note.isVisible() and not self._flash_note_allowed(note.sceneBoundingRect()):
                note.setVisible(False)

    # -- showing -----------------------------------------------------------------
    def set_visible(self, visible: bool) -> None:
        self._visible = visible
        self._refresh()

    def is_visible(self) -> bool:
        return self._visible

    def show(self, grads: StepGradients | None) -> None:
        """Show step ``grads.step``'s gradients (``None``: nothing to show)."""
        self._shown = grads
        self._refresh()

    def apply_colors(self, colors: DiagramColors) -> None:
        self._colors = colors
        self._refresh()

    def _sign_color(self, value: float) -> QColor:
        positive, negative = SIGN_COLORS["dark" if self._colors == DARK else "light"]
        return QColor(positive if value >= 0 else negative)

    def _paint(self, note: _Note, value: float, relative: float, bold: bool | None = None) -> None:
        surface = QColor(self._colors.surface)
        sign = self._sign_color(value)
        fill = _mix(surface, sign, 0.12 + TINT * relative) if value != 0.0 else surface
        note.set_colors(fill.name(), readable_text(fill).name(), sign.name())
        font = note.label.font()
        font.setBold(relative >= BOLD_FROM if bold is None else bold)
        note.label.setFont(font)

    def _refresh(self) -> None:
        grads = self._shown if self._visible else None
        notes = [*self.weight_notes.values(), *self.memory_notes.values(), self.loss_note]
        if grads is None:
            for note in notes:
                note.setVisible(False)
            return
        largest = max((abs(g) for g in grads.weights), default=0.0)
        for k, (gate, role) in enumerate((g, r) for g in GATES for r in ROLES):
            value = grads.weights[k]
            note = self.weight_notes[(gate, role)]
            x, y, align = self._anchors[f"{gate}.{role}"]
            note.set_text(weight_note_text(value), x, y, align)
            self._paint(note, value, abs(value) / largest if largest > 0 else 0.0)
            note.setToolTip(
                f"d loss / d {gate} {role}, summed over steps {grads.step or 1}..{grads.steps}"
                f" (the last step back to this one): {value!r}"
            )
            note.setVisible(True)
        memory_largest = max(
            abs(grads.long_after), abs(grads.short_after), abs(grads.long_before), abs(grads.short_before)
        )
        after, before = grads.step, max(grads.step - 1, 0)
        values = {
            "long_after": (grads.long_after, f"\u2202L/\u2202long{_sub(after)} {format_gradient(grads.long_after)}"),
            "short_after": (
                grads.short_after,
                f"\u2202L/\u2202short{_sub(after)} {format_gradient(grads.short_after)}",
            ),
            # Short on the left (the line's colour says which memory; the tooltip tells).
            "long_before": (grads.long_before, f"\u2202L {format_gradient(grads.long_before)}"),
            "short_before": (grads.short_before, f"\u2202L {format_gradient(grads.short_before)}"),
        }
        for name, (value, text) in values.items():
            note = self.memory_notes[name]
            x, y, align = _MEMORY_PLACES[name]
            note.set_text(text, x, y, align)
            self._paint(note, value, abs(value) / memory_largest if memory_largest > 0 else 0.0, bold=True)
            memory, when = name.split("_")
            number = after if when == "after" else before
            note.setToolTip(f"d loss / d {memory}-term memory {number} ({when} step {grads.step}): {value!r}")
            note.setVisible(grads.step > 0 or name.endswith("after"))
        self.loss_note.set_text(
            f"loss ({grads.output:.4f} \u2212 {grads.target:g})\u00b2 = {format_gradient(grads.loss)}",
            LINE_END - 4,
            SHORT_Y + 29,
            "right",
        )
        self.loss_note.setToolTip(
            f"The sequence's loss (short{_sub(grads.steps)} \u2212 target)\u00b2: the last short-term memory"
            f" {grads.output!r} against the target {grads.target!r}"
        )
        self.loss_note.set_colors(self._colors.surface, self._colors.text, self._colors.short_term)
        self.loss_note.setVisible(True)
        self._hide_covering_flash_notes()

    # -- what is shown (tests, screenshots) ---------------------------------------------
    def weight_text(self, gate: str, role: str) -> str:
        note = self.weight_notes[(gate, role)]
        return note.label.text() if note.isVisible() else ""

    def memory_text(self, name: str) -> str:
        """``long_after``, ``short_after``, ``long_before`` or ``short_before``."""
        note = self.memory_notes[name]
        return note.label.text() if note.isVisible() else ""

    def loss_text(self) -> str:
        return self.loss_note.label.text() if self.loss_note.isVisible() else ""


_SUBSCRIPTS = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")


def _sub(number: int) -> str:
    return str(number).translate(_SUBSCRIPTS)


#: Where each memory note goes (x, top y, alignment): after the step on the
#: right ends of the lines, before it on the left ends (below both lines:
#: clear of the memories' names).
_MEMORY_PLACES: dict[str, tuple[float, float, str]] = {
    "long_before": (LINE_START + 2, LONG_Y + 8, "left"),
    "long_after": (LINE_END - 14, LONG_Y - 30, "right"),
    "short_before": (LINE_START + 2, SHORT_Y + 6, "left"),
    "short_after": (LINE_END - 4, SHORT_Y + 6, "right"),
}
