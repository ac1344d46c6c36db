"""Small pieces the training panel's parts share: a collapsible section, a
combo box that ignores the wheel until focused, and how a setting's number is
shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QFrame, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from lstm_gui.core.formatting import format_full
from lstm_gui.ui.settings import app_settings


def format_value(x: float) -> str:
    """``0.001`` as typed when that is exact, else every digit."""
    return f"{x:g}" if float(f"{x:g}") == x else format_full(x)


def combo(name: str, choices: tuple[tuple[Any, str], ...]) -> QComboBox:
    """A combo box named ``name`` with ``(data, label)`` choices."""
    box = QComboBox()
    box.setObjectName(name)
    # The wheel scrolls the panel; it changes a choice only once focused.
    box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    for key, label in choices:
        box.addItem(label, key)
    return box


class CollapsibleSection(QWidget):
    """A header button that shows or hides its content; the choice is
    remembered (``training/<name>_expanded`` in the app settings)."""

    expanded_changed = Signal(bool)

    def __init__(
        self, name: str, title: str, content: QWidget, parent: QWidget | None = None, expanded: bool = True
    ) -> None:
        super().__init__(parent)
        self._title = title
        self.setObjectName(f"{name}_section")
        self._key = f"training/{name}_expanded"
        self.toggle = QToolButton()
        self.toggle.setObjectName(f"{name}_toggle")
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.toggle.font()
        font.setBold(True)
        self.toggle.setFont(font)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toggle)
        layout.addWidget(content, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        value = app_settings().value(self._key, expanded)
        expanded = value not in (False, "false", "0", 0)
        self.toggle.toggled.connect(self._on_toggled)
        self.toggle.setChecked(expanded)
        self._on_toggled(expanded)

    @Slot(bool)
    def _on_toggled(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)
        # Collapsed, the header takes only its own height.
        vertical = QSizePolicy.Policy.Preferred if expanded else QSizePolicy.Policy.Maximum
        self.setSizePolicy(QSizePolicy.Policy.Preferred, vertical)
        app_settings().setValue(self._key, expanded)
        self.expanded_changed.emit(expanded)

    def set_summary(self, summary: str) -> None:
        """What the section holds, in its header (``Dataset: 2 sequences``), so
        a collapsed section still says what is inside."""
        self.toggle.setText(f"{self._title}: {summary}" if summary else self._title)
        self.toggle.setToolTip(summary)

    def is_expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)
