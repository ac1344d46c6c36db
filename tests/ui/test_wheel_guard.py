"""The wheel scrolls the panel; it changes a value only in a focused control."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from lstm_gui.ui.widgets.wheel_guard import install_wheel_guard


def _wheel(widget: QWidget, steps: int = -1) -> None:
    center = QPointF(widget.rect().center())
    event = QWheelEvent(
        center,
        QPointF(widget.mapToGlobal(center.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _panel(qtbot) -> tuple[QScrollArea, QComboBox, QSpinBox]:
    install_wheel_guard(QApplication.instance())
    scroll = QScrollArea()
    content = QWidget()
    layout = QVBoxLayout(content)
    combo = QComboBox()
    combo.addItems(["Per sequence", "Per full batch"])
    spin = QSpinBox()
    layout.addWidget(combo)
    layout.addWidget(spin)
    layout.addSpacing(2000)  # something to scroll
    scroll.setWidget(content)
    scroll.resize(300, 200)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitExposed(scroll)
    return scroll, combo, spin


def test_the_wheel_over_an_unfocused_combo_box_scrolls_the_panel_and_changes_nothing(qtbot):
    scroll, combo, spin = _panel(qtbot)
    scroll.setFocus()
    _wheel(combo)  # down
    assert combo.currentIndex() == 0
    scrolled = scroll.verticalScrollBar().value()
    assert scrolled > 0  # the panel scrolled instead
    _wheel(spin, steps=1)  # up
    assert spin.value() == 0
    assert scroll.verticalScrollBar().value() < scrolled


def test_a_focused_combo_box_still_takes_the_wheel(qtbot):
    _scroll, combo, _spin = _panel(qtbot)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo)
    assert combo.currentIndex() == 1


def test_the_main_window_guards_the_training_settings(qtbot):
    from lstm_gui.core.session import Session
    from lstm_gui.ui import MainWindow

    window = MainWindow(Session())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    updates = window.training_panel.findChild(QComboBox, "train_updates")
    before = updates.currentIndex()
    window.diagram.setFocus()
    _wheel(updates)
    assert updates.currentIndex() == before
    window.undo_stack.setClean()
