"""A session's description shows in the window (issue 13: the long-memory
example's figures were saved but never shown)."""

from __future__ import annotations

from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.session import Session
from lstm_gui.ui.about_note import first_sentence


def test_first_sentence():
    assert first_sentence("Why LSTMs exist. 8 sequences.") == "Why LSTMs exist."
    assert first_sentence("No full stop") == "No full stop"


def test_the_long_memory_example_shows_its_explanation_and_more_unfolds_the_figures(make_window):
    window = make_window(load_example("long-memory"))
    note = window.about_note
    assert note.isVisibleTo(window)
    assert note.label.text() == "About Long memory: Why LSTMs exist."
    assert note.more_button.isVisibleTo(window) and note.more_button.text() == "More\u2026"
    note.more_button.click()
    assert "6 of 10 seeds" in note.label.text() and "0 of 10" in note.label.text()
    assert note.more_button.text() == "Less"
    note.more_button.click()
    assert not note.is_expanded()


def test_a_session_without_a_description_hides_the_note_and_opening_an_example_shows_it(make_window):
    window = make_window(Session())
    assert not window.about_note.isVisibleTo(window)
    window.open_example("companies", ask=False)
    assert window.about_note.isVisibleTo(window)
    assert window.about_note.label.text().startswith("About Companies A and B: The video's dataset")
