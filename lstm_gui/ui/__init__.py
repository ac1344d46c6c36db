"""Qt widgets: they draw the core's session and forward a person's actions.

Kept light: ``MainWindow`` is imported on first use, so importing this
package does not build anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lstm_gui.ui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from lstm_gui.ui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'lstm_gui.ui' has no attribute {name!r}")
