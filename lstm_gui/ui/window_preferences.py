"""The window's native-feel parts: Preferences applied at once, the Keyboard
Shortcuts and Preferences panels (floating docks, never modal), the About
window, and the theme following the desktop's light or dark scheme.

Functions that take the main window (the window imports this module, not the
other way round, so ``window`` is typed loosely). Preferences are not session
data and not undo steps: they are stored in QSettings as they change.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget

from lstm_gui.core.formatting import set_display_decimals
from lstm_gui.core.preferences import Preferences, validate_preferences
from lstm_gui.ui.about import AboutWindow
from lstm_gui.ui.preferences_panel import PreferencesPanel
from lstm_gui.ui.settings import load_preferences, save_preferences
from lstm_gui.ui.shortcuts_panel import ShortcutsPanel
from lstm_gui.ui.theme import system_theme
from lstm_gui.ui.window_docks import add_dock, show_beside
from lstm_gui.ui.window_settings import apply_window_theme, follow_system_scheme


def load_window_preferences(window: Any) -> None:
    """Before anything is drawn: the stored preferences (``window.preferences``),
    the display decimals, and the desktop's scheme (``window.system_theme``)."""
    window.preferences = load_preferences(window.settings)
    set_display_decimals(window.preferences.decimals)
    window.system_theme = system_theme()


def build_preference_docks(window: Any) -> None:
    """The Preferences and Keyboard Shortcuts panels (hidden floating docks),
    the preferences' parts that need no redraw, and the scheme listener."""
    window.preferences_panel = PreferencesPanel()
    window.preferences_panel.show_preferences(window.preferences)
    window.preferences_panel.changed.connect(lambda p: set_preferences(window, p))
    window.dock_preferences = add_dock(
        window, "Preferences", "dock_preferences", window.preferences_panel, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.preferences_panel.close_requested.connect(window.dock_preferences.hide)
    window.dock_preferences.hide()
    window.shortcuts_panel = ShortcutsPanel(window)
    window.dock_shortcuts = add_dock(
        window, "Keyboard shortcuts", "dock_shortcuts", window.shortcuts_panel, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.dock_shortcuts.hide()
    window.about_window = None
    _apply_without_redraw(window, window.preferences)
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        app.styleHints().colorSchemeChanged.connect(window._on_color_scheme_changed)


def disconnect_scheme(window: Any) -> None:
    """The window closes: stop listening to the desktop's scheme."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        with contextlib.suppress(RuntimeError, TypeError):  # not connected
            app.styleHints().colorSchemeChanged.disconnect(window._on_color_scheme_changed)


def on_color_scheme_changed(window: Any, scheme: Qt.ColorScheme) -> None:
    """The desktop switched between light and dark: follow it unless the
    person chose a theme (View > Theme > Light or Dark)."""
    follow_system_scheme(window, "dark" if scheme == Qt.ColorScheme.Dark else "light")


def _apply_without_redraw(window: Any, preferences: Preferences) -> None:
    set_display_decimals(preferences.decimals)
    window.scene.set_animation_speed(preferences.animation_speed)
    window.training_panel.controller.set_plot_rate(preferences.plot_rate)


def set_preferences(window: Any, preferences: Preferences, save: bool = True) -> None:
    """Apply ``preferences`` at once (every value label redrawn with the new
    decimals, blocks with the new colour map) and store them if ``save``.

    Raises
    ------
    FieldError
        A value refused by :func:`~lstm_gui.core.preferences.validate_preferences`
        (nothing is applied).
    """
    validate_preferences(preferences)
    window.preferences = preferences
    _apply_without_redraw(window, preferences)
    if window.preferences_panel.preferences() != preferences:
        window.preferences_panel.show_preferences(preferences)
    # The theme redraws the diagram (fills, every value label, the legend);
    # the trace table, the weight fields and the live results re-read their text.
    apply_window_theme(window, window.theme_choice, save=False)
    for field in window.scene.fields.values():
        field.redisplay()
    model = window.trace_table.trace_model
    if model.rowCount() and model.columnCount():
        model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))
    window._show_live_results()
    if save:
        save_preferences(window.settings, preferences)


def show_dock(window: Any, dock: QDockWidget, width: int, height: int) -> None:
    """``dock`` floating beside the window (or where the person left it)."""
    if dock is window.dock_shortcuts:
        window.shortcuts_panel.refresh()
    show_beside(window, dock, width, height)


def show_about(window: Any) -> None:
    """The About window, non-modal, made once and shown again."""
    if window.about_window is None:
        window.about_window = AboutWindow(window)
    about = window.about_window
    about.refresh()
    about.show()
    about.raise_()
    about.activateWindow()
