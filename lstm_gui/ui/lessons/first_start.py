"""The first start's offer of the tour: a bar inside the window, never a dialog.

Offered when no settings are stored yet (lstm-gui never ran here) and nothing
was named on the command line, and again on each start until the person
answers it (Start tour or Not now: ``tour_offer_answered``); closing the
window without answering keeps the offer. ``LSTM_GUI_NO_TOUR`` set to 1, true,
yes or on (any case) turns it off for tests and scripts; 0, false, no, off or
empty count as not set. The bar takes its colours from the theme's palette.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from lstm_gui.ui.bars import place_bar

NO_TOUR_ENV = "LSTM_GUI_NO_TOUR"
OFFER_TEXT = "New to LSTMs? Take the 6-chapter tour of StatQuest's example."
#: Set when the offer is shown (false) and answered (true).
ANSWERED_KEY = "tour_offer_answered"
_OFF_VALUES = ("1", "true", "yes", "on")
_UNSET_VALUES = ("", "0", "false", "no", "off")
#: The theme's own colours (``palette(...)``), so the bar reads in light and dark alike.
_STYLE = (
    "QFrame#tour_bar { background: palette(alternate-base); border-bottom: 1px solid palette(highlight); }"
    " QLabel { color: palette(window-text); }"
)


def tour_turned_off() -> bool:
    """``LSTM_GUI_NO_TOUR`` is 1/true/yes/on (or any other value but 0/false/no/off/empty)."""
    value = os.environ.get(NO_TOUR_ENV, "").strip().lower()
    return value in _OFF_VALUES or value not in _UNSET_VALUES


def tour_offer_wanted(settings: QSettings) -> bool:
    """True on a first start (no settings stored yet), or when an earlier
    offer was shown but never answered; never when turned off."""
    if tour_turned_off():
        return False
    if not settings.allKeys():
        return True
    return str(settings.value(ANSWERED_KEY, "")).lower() == "false"


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
    window.settings.setValue(ANSWERED_KEY, False)  # offered again next start until answered

    def start() -> None:
        if window.lessons.start_tour():
            bar.hide()
            window.settings.setValue(ANSWERED_KEY, True)

    def not_now() -> None:
        bar.hide()
        window.settings.setValue(ANSWERED_KEY, True)  # no offer next time

    bar.start_clicked.connect(start)
    bar.dismissed.connect(not_now)
    bar.show()
    window.tour_bar = bar
    return bar
