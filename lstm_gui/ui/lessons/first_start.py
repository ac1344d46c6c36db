"""The first start's offer of the tour: a bar inside the window, never a dialog.

Offered when no settings are stored yet (lstm-gui never ran here) and nothing
was named on the command line. ``LSTM_GUI_NO_TOUR=1`` turns it off for tests
and scripts.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from lstm_gui.ui.bars import place_bar

NO_TOUR_ENV = "LSTM_GUI_NO_TOUR"
OFFER_TEXT = "New to LSTMs? Take the 6-chapter tour of StatQuest's example."
_STYLE = "QFrame#tour_bar { background: #e6f2ff; border-bottom: 1px solid #5b9bd5; } QLabel { color: #0b2e4f; }"


def tour_offer_wanted(settings: QSettings) -> bool:
    """True on a first start: no settings stored yet and not turned off."""
    if os.environ.get(NO_TOUR_ENV, "").strip() not in ("", "0"):
        return False
    return not settings.allKeys()


class TourOfferBar(QFrame):
    """ "New to LSTMs? ..." with [Start tour] and [Not now].

    Signals
    -------
    start_clicked, dismissed : the person's answer.
    """

    start_clicked = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tour_bar")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName("Offer of the tour")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel(OFFER_TEXT)
        self.label.setObjectName("tour_text")
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.start_button = QPushButton("Start tour")
        self.start_button.setObjectName("tour_start")
        self.start_button.clicked.connect(self.start_clicked)
        row.addWidget(self.start_button)
        self.dismiss_button = QPushButton("Not now")
        self.dismiss_button.setObjectName("tour_not_now")
        self.dismiss_button.clicked.connect(self.dismissed)
        row.addWidget(self.dismiss_button)


def offer_tour(window: Any) -> TourOfferBar:
    """Show the offer above the window's contents (``window.tour_bar``)."""
    bar = TourOfferBar(window)
    place_bar(window, bar)

    def start() -> None:
        if window.lessons.start_tour():
            bar.hide()

    def not_now() -> None:
        bar.hide()
        window.settings.setValue("tour_offered", True)  # settings now exist: no offer next time

    bar.start_clicked.connect(start)
    bar.dismissed.connect(not_now)
    bar.show()
    window.tour_bar = bar
    return bar
