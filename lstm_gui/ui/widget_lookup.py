"""Finding the window's widgets by name, inside the diagram's scene too (its
weight fields and value labels are embedded there, out of ``findChild``'s
reach). Used by tests, benchmarks and the screenshots."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from lstm_gui.ui.diagram.scene import DiagramScene

#: Every value label's name (see :func:`value_label`).
VALUE_LABEL_NAMES = (
    "forget",
    "input",
    "candidate",
    "output",
    "long",
    "short",
    "long_prev",
    "short_prev",
    "x",
    "long_tanh",
)


def value_label(scene: DiagramScene, name: str) -> QLabel:
    """A value label by its name: a gate, ``long``, ``short`` (after the
    step) or ``long_prev``, ``short_prev``, ``x``."""
    if name in scene.value_labels:
        return scene.value_labels[name]
    return {
        "long": scene.long_label,
        "short": scene.short_label,
        "long_prev": scene.long_prev_label,
        "short_prev": scene.short_prev_label,
        "x": scene.input_label,
        "long_tanh": scene.tanh_label,
    }[name]


def find_widget(root: QWidget, scene: DiagramScene, object_name: str) -> QWidget | None:
    """``root.findChild`` that also looks inside the diagram's scene."""
    found = root.findChild(QWidget, object_name)
    if found is not None:
        return found
    candidates: list[QWidget] = list(scene.fields.values()) + [value_label(scene, n) for n in VALUE_LABEL_NAMES]
    for widget in candidates:
        if widget.objectName() == object_name:
            return widget
    return None
