"""``run_app``: the application object, the main window, the event loop."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from lstm_gui.core.resources import resource
from lstm_gui.ui.error_report import install_error_hooks
from lstm_gui.ui.lessons.first_start import offer_tour, tour_offer_wanted
from lstm_gui.ui.main_window import MainWindow
from lstm_gui.ui.recovery import install_interrupt_handler
from lstm_gui.ui.settings import APPLICATION, ORGANIZATION, app_settings
from lstm_gui.ui.system_check import missing_system_libraries_message


def app_icon() -> QIcon:
    """The application's icon (``resources/icons/icon.svg``: a stylised cell)."""
    icon = QIcon()
    for name in ("icon.svg", "icon.png"):
        node = resource("icons", name)
        if node.is_file():
            icon.addFile(str(node))
    return icon


def make_app(argv: list[str] | None = None) -> QApplication:
    """The one ``QApplication`` (created if needed) with names for QSettings."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1] if argv is None else argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("lstm-gui")
    # Wayland's app id and the X11 hint that tie the window to lstm-gui.desktop (its icon, its menu entry).
    app.setDesktopFileName("lstm-gui")
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def build_window(session_path: str | None = None, example: str | None = None) -> MainWindow:
    """A :class:`MainWindow` for a session file or an example.

    A file or example that cannot be opened leaves the default session open
    and says why once the window is shown. A first start with neither
    offers the tour in a bar.
    """
    first_start = tour_offer_wanted(app_settings())  # before the window stores anything
    window = MainWindow()
    if first_start and not session_path and not example:
        offer_tour(window)
    if session_path:
        QTimer.singleShot(0, lambda: window.open_path(session_path, ask=False))
    elif example:
        QTimer.singleShot(0, lambda: window.open_example(example, ask=False))
    return window


def run_app(session_path: str | None = None, example: str | None = None) -> int:
    """Open the window (on ``session_path`` or the example ``example``) and run
    until it closes; returns the exit code."""
    problem = missing_system_libraries_message()  # before Qt aborts with a misleading one
    if problem:
        print(problem, file=sys.stderr)
        return 1
    app = make_app()
    install_error_hooks()
    window = build_window(session_path, example)
    install_interrupt_handler(window.recovery)
    # Quit when the window closes even if an embedded or helper window
    # would keep the "last window closed" rule from firing.
    window.closed.connect(app.quit)
    window.show()
    return app.exec()
