"""The sequence combo reads whole ("Dataset: Company B", not "Dataset: Compa")
at the window sizes people use, and a very long dataset name is elided in the
middle with the full name in the tooltip (issue 14 review)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

from lstm_gui.ui.widgets.input_strip import SOURCE_TEXT_CHARS, elide_middle


def text_room(combo) -> int:
    """The width the combo's text gets (its box less the arrow and frame)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    rect = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return rect.width()


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720), (1024, 700)])
def test_the_sequence_combo_shows_the_whole_dataset_name(make_window, qtbot, size):
    win = make_window()
    win.open_example("companies", ask=False)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    combo = win.input_strip.source_combo
    for index in range(combo.count()):
        text = combo.itemText(index)
        assert combo.fontMetrics().horizontalAdvance(text) <= text_room(combo), text
    assert "Dataset: Company B" in [combo.itemText(i) for i in range(combo.count())]


def test_a_long_dataset_name_is_elided_in_the_middle_with_the_full_name_in_the_tooltip(make_window):
    win = make_window()
    strip = win.input_strip
    long_name = "Quarterly revenue of the northern region, adjusted"
    strip.set_sources([long_name], 0)
    combo = strip.source_combo
    shown = combo.itemText(1)
    assert len(shown) == SOURCE_TEXT_CHARS and "\u2026" in shown
    assert shown.startswith("Dataset: Quar") and shown.endswith("adjusted")
    assert combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == f"Dataset: {long_name}"
    assert f"Dataset: {long_name}" in combo.toolTip()
    assert elide_middle("short", 30) == "short"
