"""Issue 14's native feel: Keyboard Shortcuts read from the actions, a
non-modal About with the versions, the theme following the desktop's scheme
unless the person chose one, and Preferences applied at once and remembered."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from lstm_gui.core.preferences import DEFAULTS, Preferences
from lstm_gui.core.session import Session
from lstm_gui.core.versions import versions_text
from lstm_gui.ui.settings import SETTINGS_DIR_ENV
from lstm_gui.ui.shortcuts_panel import OTHER_GROUP, shortcut_conflicts, shortcut_rows
from lstm_gui.ui.theme import diagram_colors, value_fill


def _decimals(text: str) -> set[int]:
    """The decimals of every number in ``text``."""
    return {len(part) for part in re.findall(r"\d+\.(\d+)", text)}


# -- Keyboard Shortcuts ----------------------------------------------------------------
def test_every_action_with_a_shortcut_is_listed_once_under_its_menu(make_window, qtbot):
    window = make_window()
    window.action_keyboard_shortcuts.trigger()
    dock = window.dock_shortcuts
    qtbot.waitUntil(dock.isVisible)
    assert dock.isFloating() and QApplication.activeModalWidget() is None
    with_keys = {id(a) for a in window.findChildren(QAction) if any(not s.isEmpty() for s in a.shortcuts())}
    rows = shortcut_rows(window)
    assert {id(row.action) for row in rows} == with_keys
    assert len(rows) == len(with_keys)
    listed = {(group, text): keys for group, text, keys in window.shortcuts_panel.visible_rows()}
    assert len(listed) == len(rows)
    assert listed[("Step", "Step forward")] == "Right"
    assert listed[("File", "Save")] == "Ctrl+S"
    assert listed[("Training", "Train")] == "Ctrl+T"
    assert listed[("Edit", "Preferences...")] == "Ctrl+,"
    assert listed[(OTHER_GROUP, "Back to current")] == "Esc"  # the history scrubber's, in no menu
    assert "Ctrl+Shift+Z" in listed[("Edit", "Redo")]


def test_undo_and_redo_are_listed_by_a_stable_name_and_no_name_is_cut_off(make_window, qtbot):
    from lstm_gui.ui.commands import params_command

    window = make_window()
    long = "Set weights from the loss landscape's lowest point"
    for bias in (5.0, 6.0):
        window.undo_stack.push(
            params_command(window.session, window.session.params.with_value("forget", "bias", bias), long)
        )
    window.undo_stack.undo()
    assert window.action_undo.text() == f"&Undo {long}" and window.action_redo.text() == f"&Redo {long}"
    window.show_keyboard_shortcuts()
    panel = window.shortcuts_panel
    qtbot.waitUntil(panel.isVisible)
    panel.refresh()
    texts = {text for _group, text, _keys in panel.visible_rows()}
    assert {"Undo", "Redo"} <= texts
    assert not any(text.startswith(("Undo ", "Redo ")) for text in texts)
    tree = panel.tree
    width = tree.header().sectionSize(0)
    for group in range(tree.topLevelItemCount()):
        branch = tree.topLevelItem(group)
        for i in range(branch.childCount()):
            item = branch.child(i)
            assert tree.fontMetrics().horizontalAdvance(item.text(0)) <= width - 8, item.text(0)
            assert item.toolTip(0).startswith(item.text(0))
    window.undo_stack.setClean()


def test_no_two_actions_of_the_window_share_a_shortcut(make_window):
    window = make_window()
    assert shortcut_conflicts(window.findChildren(QAction)) == {}


def test_the_conflict_check_finds_a_shared_key(make_window):
    window = make_window()
    clash = QAction("Clash", window)
    clash.setObjectName("action_clash")
    clash.setShortcut("Ctrl+T")
    conflicts = shortcut_conflicts(window.findChildren(QAction))
    assert list(conflicts) == ["Ctrl+T"]
    assert sorted(conflicts["Ctrl+T"]) == ["action_clash", "action_train"]


def test_the_filter_keeps_the_rows_with_every_word_typed(make_window, qtbot):
    window = make_window()
    window.show_keyboard_shortcuts()
    panel = window.shortcuts_panel
    qtbot.keyClicks(panel.filter, "ctrl+shift")
    rows = panel.visible_rows()
    assert rows and all("ctrl+shift" in keys.lower() for _group, _text, keys in rows)
    panel.filter.setText("step forw")
    assert panel.visible_rows() == [("Step", "Step forward", "Right")]
    panel.filter.setText("no such action")
    assert panel.visible_rows() == []
    panel.filter.clear()
    assert len(panel.visible_rows()) == len(shortcut_rows(window))


# -- About -----------------------------------------------------------------------------
def test_about_is_non_modal_shows_the_versions_and_copies_them(make_window, qtbot):
    import pyqtgraph
    import PySide6

    window = make_window(Session(inputs=(1.0, 0.5, 0.25)))
    window.action_about.trigger()
    about = window.about_window
    qtbot.waitUntil(about.isVisible)
    assert not about.isModal() and QApplication.activeModalWidget() is None
    text = about.findChild(QLabel, "about_versions").text()
    for version in (qVersion(), PySide6.__version__, pyqtgraph.__version__):
        assert version in text
    assert "torch" in text
    qtbot.mouseClick(about.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == versions_text()
    assert about.copied_label.text() == "Copied."
    # The window behind still takes edits while About is open.
    window.step_forward()
    assert window.step == 2
    window.action_about.trigger()
    assert window.about_window is about  # one About window, shown again


# -- Theme follows the system ----------------------------------------------------------
def test_the_theme_follows_the_desktop_until_the_person_chooses_one(make_window):
    window = make_window()
    assert window.theme_choice == "system" and window.theme_actions["system"].isChecked()
    window._on_color_scheme_changed(Qt.ColorScheme.Dark)
    assert window.theme == "dark"
    assert window.scene.backgroundBrush().color().name() == diagram_colors("dark").background
    window._on_color_scheme_changed(Qt.ColorScheme.Light)
    assert window.theme == "light"

    window.theme_actions["light"].trigger()
    window._on_color_scheme_changed(Qt.ColorScheme.Dark)
    assert window.theme == "light"  # an explicit choice overrides the desktop
    assert window.settings.value("theme") == "light"
    window.theme_actions["system"].trigger()
    assert window.theme == "dark"  # back to following: the desktop is dark now
    window._on_color_scheme_changed(Qt.ColorScheme.Light)
    assert window.theme == "light"


def test_the_theme_choice_is_remembered_across_a_restart(make_window):
    window = make_window()
    window.theme_actions["dark"].trigger()
    window.close()
    again = make_window()
    assert again.theme_choice == "dark" and again.theme == "dark"
    assert again.theme_actions["dark"].isChecked()
    again._on_color_scheme_changed(Qt.ColorScheme.Light)
    assert again.theme == "dark"
    again.theme_actions["light"].trigger()


# -- Preferences -----------------------------------------------------------------------
def test_preferences_open_as_a_non_modal_panel(make_window, qtbot):
    window = make_window()
    window.action_preferences.trigger()
    qtbot.waitUntil(window.dock_preferences.isVisible)
    assert window.dock_preferences.isFloating() and QApplication.activeModalWidget() is None
    assert window.preferences_panel.preferences() == DEFAULTS
    qtbot.mouseClick(window.preferences_panel.close_button, Qt.MouseButton.LeftButton)
    assert not window.dock_preferences.isVisible()


def test_six_decimals_show_at_once_on_the_diagram_the_trace_table_and_the_live_results(make_window):
    window = make_window()
    assert _decimals(window.value_label("forget").text()) == {4}
    undo_steps = window.undo_stack.count()
    window.show_preferences()
    window.preferences_panel.decimals.setValue(6)  # as if typed: applied with no OK button
    assert window.preferences.decimals == 6
    for name in ("forget", "input", "candidate", "output", "long", "short", "long_prev", "short_prev", "x"):
        assert _decimals(window.value_label(name).text()) == {6}, name
    model = window.trace_table.trace_model
    assert _decimals(model.data(model.index(0, 3))) == {6}
    assert _decimals(window.live_results.loss_label.text()) == {6}
    assert _decimals(window.findChild(QLabel, "live_output_0").text()) == {6}
    # Not session data: no undo step, not modified.
    assert window.undo_stack.count() == undo_steps and not window.is_modified()

    window.preferences_panel.restore_button.click()
    assert window.preferences == DEFAULTS
    assert window.preferences_panel.decimals.value() == 4
    assert _decimals(window.value_label("forget").text()) == {4}
    assert _decimals(model.data(model.index(0, 3))) == {4}


def test_a_weight_not_exact_in_two_decimals_shows_the_chosen_decimals(make_window):
    window = make_window()
    window.session.set_weight("forget", "bias", 0.123456789)
    field = window.weight_field("forget", "bias")
    assert field.text() == "0.1235"
    window.set_preferences(Preferences(decimals=8))
    assert field.text() == "0.12345679"
    assert window.weight_field("forget", "w_short").text() == "2.70"  # exact in two: stays short


def test_colour_map_animation_speed_and_plot_rate_apply_at_once(make_window):
    window = make_window()
    forget = window.scene.blocks["forget"]
    video = forget.brush().color().name()
    window.preferences_panel.fill_map.setCurrentIndex(window.preferences_panel.fill_map.findData("grey"))
    value = window.trace[window.step - 1].forget
    expected = value_fill(diagram_colors(window.theme, "grey"), "sigmoid", value)
    assert forget.brush().color().name() == expected.name() != video

    panel = window.preferences_panel
    panel.animation_speed.setCurrentIndex(panel.animation_speed.findData(2.0))
    assert window.animation_speed() == 2.0
    assert window.scene.flash_ms() == 300
    panel.plot_rate.setCurrentIndex(panel.plot_rate.findData(10))
    assert window.training_panel.controller.plot_interval_ms() == 33

    panel.restore_button.click()
    assert forget.brush().color().name() == video
    assert window.scene.flash_ms() == 600
    assert window.training_panel.controller.plot_interval_ms() == 8


def test_preferences_persist_across_a_window_restart(make_window, monkeypatch):
    window = make_window()
    chosen = Preferences(decimals=7, animation_speed=0.5, plot_rate=20, fill_map="viridis")
    window.set_preferences(chosen)
    window.close()
    again = make_window()
    assert again.preferences == chosen
    assert again.preferences_panel.preferences() == chosen
    assert _decimals(again.value_label("forget").text()) == {7}
    assert again.scene.flash_ms() == 1200


def test_a_broken_stored_preference_opens_with_its_default(make_window, monkeypatch):
    import os

    folder = Path(os.environ[SETTINGS_DIR_ENV])
    (folder / "lstm-gui.ini").write_text("[preferences]\ndecimals=99\nfill_map=viridis\n", encoding="utf-8")
    window = make_window()
    assert window.preferences == Preferences(fill_map="viridis")
    assert _decimals(window.value_label("forget").text()) == {4}
