"""What the window remembers between runs: its geometry and dock layout, the
theme, whether the diagram shows sums and parameter names, the run speed.

Functions that take the main window (the window imports this module, not the
other way round, so ``window`` is typed loosely).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from lstm_gui.ui.settings import THEME_KEY
from lstm_gui.ui.stepper import DEFAULT_SPEED
from lstm_gui.ui.theme import DEFAULT_THEME_CHOICE, THEME_CHOICES, apply_theme, diagram_colors, resolve_theme


def restore_settings(window: Any) -> None:
    """Geometry, dock layout, sums and names shown, run speed, as last saved."""
    settings = window.settings
    geometry = settings.value("geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
        # A window remembered on a larger screen still fits this one.
        size = window.fitting_size(window.size())
        if size != window.size():
            window.resize(size)
    state = settings.value("window_state")
    if isinstance(state, QByteArray) and not state.isEmpty():
        window._restored_state = window.restoreState(state)
    for action, key, show in (
        (window.action_show_sums, "show_sums", window.scene.set_show_sums),
        (window.action_show_names, "show_names", window.scene.set_show_names),
        (window.action_show_gradients, "show_gradients", window.gradients.set_shown),
    ):
        shown = str(settings.value(key, "false")).lower() == "true"
        action.setChecked(shown)
        show(shown)
    speed = settings.value("run_speed")
    try:
        window.set_speed(float(speed) if speed is not None else DEFAULT_SPEED)
    except (TypeError, ValueError):
        window.set_speed(DEFAULT_SPEED)


def save_settings(window: Any) -> None:
    """Geometry, dock layout, theme, run speed and the session's folder."""
    settings = window.settings
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("window_state", window.saveState())
    settings.setValue(THEME_KEY, window.theme_choice)
    settings.setValue("run_speed", window.stepper.speed)
    if window.document.path:
        settings.setValue("last_folder", str(Path(window.document.path).parent))
    settings.sync()


def apply_window_theme(window: Any, choice: str, save: bool = True) -> None:
    """Colour the application, the diagram, the plot, the trace table and the
    input strip for the theme ``choice``: "light", "dark", or "system" (the
    desktop's scheme, ``window.system_theme``; also for an unknown choice).
    Remember the choice if ``save``. ``window.theme`` is the theme drawn."""
    window.theme_choice = choice if choice in THEME_CHOICES else DEFAULT_THEME_CHOICE
    window.theme = resolve_theme(window.theme_choice, window.system_theme)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, window.theme)
    colors = diagram_colors(window.theme, window.preferences.fill_map)
    window.scene.apply_colors(colors)
    window.plot.apply_colors(colors)
    if hasattr(window, "comparison_view"):
        window.comparison_view.set_colors(colors)
    window.gradients.apply_colors(colors)
    window.trace_table.trace_model.highlight = QColor(colors.current)
    window.input_strip.model.highlight = QColor(colors.current)
    window.input_strip.refresh_style()
    window.trace_table.viewport().update()
    window.input_strip.view.viewport().update()
    if window.theme_choice in getattr(window, "theme_actions", {}):
        window.theme_actions[window.theme_choice].setChecked(True)
    if save:
        window.settings.setValue(THEME_KEY, window.theme_choice)


def follow_system_scheme(window: Any, system: str) -> None:
    """The desktop switched to ``system`` ("light" or "dark"): redraw in it
    when the person's choice is "system"; an explicit choice stays."""
    window.system_theme = system
    if window.theme_choice == DEFAULT_THEME_CHOICE and resolve_theme(window.theme_choice, system) != window.theme:
        apply_window_theme(window, window.theme_choice, save=False)


def show_sums(window: Any, shown: bool) -> None:
    """Write (or hide) each gate's sum on the diagram, and remember it."""
    window.scene.set_show_sums(shown)
    window.settings.setValue("show_sums", shown)


def show_names(window: Any, shown: bool) -> None:
    """Label (or not) each weight with its notebook name, and remember it."""
    window.scene.set_show_names(shown)
    window.settings.setValue("show_names", shown)
