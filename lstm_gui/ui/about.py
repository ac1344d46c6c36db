"""Help > About: a small window beside the main one, never modal.

It says what lstm-gui is and lists the versions a bug report needs
(:func:`~lstm_gui.core.versions.component_versions`), with a button that
copies them as text. The main window keeps one and shows it again.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lstm_gui.core.versions import component_versions, versions_text
from lstm_gui.ui.help_text import ABOUT_HTML


class AboutWindow(QWidget):
    """The About window: the help text, a table of versions (``about_versions``),
    Copy Versions (``about_copy``) and Close (``about_close``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("about_window")
        self.setWindowTitle("About lstm-gui")
        self.setWindowModality(Qt.WindowModality.NonModal)
        text = QLabel(ABOUT_HTML)
        text.setObjectName("about_text")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.versions_label = QLabel()
        self.versions_label.setObjectName("about_versions")
        self.versions_label.setTextFormat(Qt.TextFormat.RichText)
        self.versions_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("&Copy Versions")
        self.copy_button.setObjectName("about_copy")
        self.copy_button.setToolTip("Copy the versions as text, e.g. for a bug report")
        self.copied_label = QLabel("")
        self.copied_label.setObjectName("about_copied")
        close = QPushButton("Close")
        close.setObjectName("about_close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied_label, 1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.versions_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.copy_button.clicked.connect(self._on_copy)
        close.clicked.connect(self.close)
        self.setMinimumWidth(420)
        self.refresh()

    def refresh(self) -> None:
        """Read the versions again (torch may have been loaded since)."""
        rows = "".join(
            f"<tr><td><b>{escape(name)}</b>&nbsp;&nbsp;</td><td>{escape(version)}</td></tr>"
            for name, version in component_versions()
        )
        self.versions_label.setText(f"<table>{rows}</table>")
        self.copied_label.setText("")

    def versions_text(self) -> str:
        return versions_text()

    @Slot()
    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(versions_text())
        self.copied_label.setText("Copied.")
