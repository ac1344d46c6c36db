"""The lesson panel and the tour (issue 14): chapters set the window up, ask
before they tell, lock and hide until the lesson is left, round-trip through
a file, resume where they were left; the first start offers the tour."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from lstm_gui.core.files.session_file import dumps_session, load_example
from lstm_gui.core.lessons import Lesson
from lstm_gui.ui.lessons.controller import TOUR
from lstm_gui.ui.lessons.restrictions import LOCKED_TOOLTIP
from lstm_gui.ui.stepper import FREE_SOURCE


@pytest.fixture
def tour_window(make_window, qtbot):
    win = make_window()
    win.resize(1280, 720)
    assert win.lessons.start_tour()
    qtbot.waitUntil(lambda: win.lessons.running)
    return win


def sequence_name(win) -> str:
    source = win.stepper.source
    return "free" if source == FREE_SOURCE else win.session.dataset[source].name


def type_into(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_tour_opens_at_chapter_1_in_the_lesson_dock(tour_window):
    win = tour_window
    assert win.dock_lesson.isVisible() and win.dock_lesson.objectName() == "lesson_dock"
    panel = win.lessons.panel
    assert panel.progress_label.text() == "Chapter 1 of 6"
    assert panel.title_label.text() == "The cell: two memory lines"
    assert "<b>long-term memory</b>" in panel.text_view.toHtml() or "long-term memory" in panel.text_view.toPlainText()
    assert not win.is_modified()
    assert [a.objectName() for a in win.lesson_menu.actions() if a.objectName()][:2] == [
        "action_start_tour",
        "action_resume_tour",
    ]


def test_each_shipped_chapter_sets_up_its_state_without_an_undo_step(tour_window):
    win = tour_window
    lesson = Lesson(load_example(TOUR))
    for index, chapter in enumerate(lesson.chapters):
        win.lessons.go_to(index)
        expected = lesson.chapter_session(index)
        assert win.session.params == expected.params, chapter.title
        assert win.session.training == expected.training, chapter.title
        assert sequence_name(win) == chapter.state.sequence, chapter.title
        assert win.step == chapter.state.step, chapter.title
        assert win.lessons.highlighter.shown == list(chapter.highlight), chapter.title
        for name in chapter.hidden:
            assert not win.find_widget(name).isVisible(), name
        for name in chapter.locked:
            assert not win.find_widget(name).isEnabled(), name
        assert win.lessons.panel.progress_label.text() == f"Chapter {index + 1} of 6"
        assert win.undo_stack.count() == 0 and not win.is_modified()


def test_a_prediction_holds_the_step_then_is_recorded_and_revealed(tour_window, qtbot):
    win = tour_window
    win.lessons.next()  # chapter 2: will the forget gate keep more than half?
    assert win.step == 0
    assert not win.dock_trace.isVisible() and not win.dock_plot.isVisible()  # they show every step
    win.step_forward()
    assert win.step == 0  # not before the guess
    assert "0.8348" not in win.value_label("forget").text()
    yes = win.lessons.panel.findChild(type(win.lessons.panel.back_button), "lesson_choice_0")
    assert yes.text() == "Yes"
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    result = win.lessons.answers[1]
    assert result.guess == "yes" and result.right
    assert "0.8348" in win.lessons.panel.prediction.reveal_text()
    assert "Right!" in win.lessons.panel.prediction.reveal_text()
    assert win.step == 1 and win.value_label("forget").text() == "0.8348"
    assert win.dock_trace.isVisible()
    # Chapter 3 asks for a number: a slider to drag to.
    win.lessons.next()
    win.lessons.panel.prediction.set_number_guess(0.5)
    qtbot.mouseClick(win.lessons.panel.prediction.number_button, Qt.MouseButton.LeftButton)
    assert win.lessons.answers[2].real == pytest.approx(0.969393, abs=1e-6)
    assert not win.lessons.answers[2].right
    # The summary lists each question, the guess, the real value, right or wrong.
    win.lessons.go_to(6)
    summary = win.lessons.panel.summary_text()
    assert "1 of 2 predictions right" in summary
    assert "0.8348" in summary and "0.9694" in summary and "wrong" in summary


def test_a_chapter_is_marked_done_when_its_step_is_reached(tour_window, qtbot):
    win = tour_window
    win.lessons.go_to(1)
    win.lessons.guess("no")
    assert not win.lessons.is_done()
    win.go_to_end()
    assert win.lessons.is_done()
    assert win.lessons.panel.status_label.text().startswith("Done")


def test_a_locked_control_refuses_changes_and_leaving_unlocks_and_unhides(tour_window, qtbot):
    win = tour_window
    win.lessons.go_to(1)  # locks the forget gate's weights, hides the training column
    field = win.find_widget("weight_forget_bias")
    before = win.session.params
    assert not field.isEnabled() and field.toolTip() == LOCKED_TOOLTIP
    type_into(qtbot, field, "5")
    field.setEnabled(True)  # an owner enabling it again while the lesson runs
    assert not field.isEnabled()
    assert win.session.params == before and win.undo_stack.count() == 0
    assert not win.dock_training.isVisible()
    win.action_reset_layout.trigger()
    assert not win.dock_training.isVisible()  # Reset Layout does not undo the chapter's hiding
    qtbot.mouseClick(win.lessons.panel.leave_button, Qt.MouseButton.LeftButton)
    assert not win.lessons.running and not win.dock_lesson.isVisible()
    assert field.isEnabled() and field.toolTip() != LOCKED_TOOLTIP
    assert win.dock_training.isVisible()
    assert win.lessons.highlighter.shown == []
    type_into(qtbot, field, "5")
    assert win.session.params.get("forget", "bias") == 5.0


def test_edits_inside_a_chapter_are_undo_steps_and_the_next_chapter_replaces_them(tour_window, qtbot):
    win = tour_window
    win.lessons.go_to(5)  # change a weight and retrain
    type_into(qtbot, win.find_widget("weight_forget_bias"), "-3")
    assert win.session.params.get("forget", "bias") == -3.0
    assert win.undo_stack.count() == 1 and win.is_modified()
    win.lessons.go_to(4)
    assert win.undo_stack.count() == 0
    assert win.session.params == Lesson(load_example(TOUR)).chapter_session(4).params
    assert win.is_modified()  # a chapter's set-up never drops unsaved changes silently


def test_a_recorded_lesson_round_trips_through_save_and_open_exactly(make_window, qtbot, tmp_path):
    win = make_window()
    win.open_example("companies", ask=False)
    win.select_sequence("Company A")
    win.set_step(3)
    win.lessons.add_chapter_from_here()
    assert win.lessons.running and win.lessons.panel.is_editing()
    panel = win.lessons.panel
    panel.title_edit.selectAll()
    qtbot.keyClicks(panel.title_edit, "Company A at day 3")
    qtbot.keyClicks(panel.text_edit, "Look at the **forget** gate.")
    assert "<b>forget</b>" in panel.text_view.toHtml() or "forget" in panel.text_view.toPlainText()
    type_into(qtbot, win.find_widget("weight_output_bias"), "0.25")
    win.select_sequence("free")
    win.set_step(1)
    win.lessons.add_chapter_from_here()
    assert [c.title for c in win.session.chapters] == ["Company A at day 3", "Chapter 2"]
    assert win.session.chapters[0].text == "Look at the **forget** gate."
    assert win.is_modified()
    path = tmp_path / "lesson.json"
    assert win.save_to(str(path))
    recorded = win.session.chapters

    other = make_window()
    assert other.open_path(str(path), ask=False)
    assert other.lessons.running and other.lessons.index == 0
    assert other.lessons.panel.progress_label.text() == "Chapter 1 of 2"
    assert other.session.chapters == recorded
    assert sequence_name(other) == "Company A" and other.step == 3
    assert other.session.params.get("output", "bias") == 0.59  # chapter 1 was recorded before the edit
    other.lessons.next()
    assert other.session.params.get("output", "bias") == 0.25 and sequence_name(other) == "free"
    assert dumps_session(other.session) == path.read_text(encoding="utf-8")
    assert not other.is_modified()


def test_removing_and_editing_chapters_are_undo_steps(tour_window):
    win = tour_window
    win.lessons.go_to(2)
    win.lessons.remove_chapter()
    assert len(win.session.chapters) == 5 and win.lessons.panel.progress_label.text() == "Chapter 3 of 5"
    win.undo_stack.undo()
    assert len(win.session.chapters) == 6 and win.lessons.panel.progress_label.text() == "Chapter 3 of 6"
    win.lessons.set_edit_mode(True)
    win.lessons.panel.text_edit.setPlainText("New text")
    win.lessons.panel.text_edit.setPlainText("Newer text")
    assert win.session.chapters[2].text == "Newer text"
    assert win.undo_stack.index() == 1  # the typing is one step (merged)
    win.undo_stack.undo()
    assert win.session.chapters[2].text == load_example(TOUR).chapters[2].text


def test_the_lesson_resumes_where_it_was_left(tour_window, make_window):
    win = tour_window
    win.lessons.go_to(3)
    win.lessons.leave()
    assert win.lessons.left_at(TOUR) == 3
    assert win.lessons.action_resume_tour.isEnabled()
    win.new_session()
    assert not win.lessons.running
    win.lessons.action_resume_tour.trigger()
    assert win.lessons.running and win.lessons.index == 3
    assert win.lessons.panel.title_label.text() == "Why the two outputs differ"
    # Starting again offers to resume; finishing forgets the place.
    other = make_window()
    other.lessons.start_tour()
    assert other.lessons.index == 0 and other.lessons.panel.resume_button.isVisibleTo(other.lessons.panel)
    other.lessons.resume()
    assert other.lessons.index == 3
    other.lessons.go_to(6)
    assert other.lessons.left_at(TOUR) is None


def test_a_lesson_file_on_the_command_line_opens_into_the_lesson(qtbot, tmp_path):
    from lstm_gui.core.files.session_file import save_session
    from lstm_gui.ui.app import build_window

    path = tmp_path / "lesson.json"
    save_session(load_example(TOUR), path)
    win = build_window(str(path), None)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.lessons.running, timeout=3000)
    assert win.lessons.index == 0 and win.dock_lesson.isVisible()
    assert not hasattr(win, "tour_bar")  # a file was named: no offer
    assert json.loads(path.read_text(encoding="utf-8"))["chapters"]


@pytest.mark.parametrize(
    ("stored", "no_tour", "example", "offered"),
    [
        (False, False, None, True),
        (True, False, None, False),
        (False, True, None, False),
        (False, False, "companies", False),
    ],
)
def test_the_first_start_offers_the_tour_only_when_it_should(qtbot, monkeypatch, stored, no_tour, example, offered):
    from lstm_gui.ui.app import build_window
    from lstm_gui.ui.settings import app_settings

    if no_tour:
        monkeypatch.setenv("LSTM_GUI_NO_TOUR", "1")
    else:
        monkeypatch.delenv("LSTM_GUI_NO_TOUR", raising=False)
    if stored:
        app_settings().setValue("theme", "light")
    win = build_window(None, example)
    qtbot.addWidget(win)
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.show()
    qtbot.waitExposed(win)
    assert (hasattr(win, "tour_bar") and win.tour_bar.isVisible()) == offered
    if offered:
        assert "6-chapter tour" in win.tour_bar.label.text()
        qtbot.mouseClick(win.tour_bar.start_button, Qt.MouseButton.LeftButton)
        assert win.lessons.running and win.lessons.index == 0
        assert not win.tour_bar.isVisible()
    win.undo_stack.setClean()


def test_not_now_hides_the_offer_and_stores_a_setting(qtbot, monkeypatch):
    from lstm_gui.ui.app import build_window
    from lstm_gui.ui.lessons.first_start import tour_offer_wanted
    from lstm_gui.ui.settings import app_settings

    monkeypatch.delenv("LSTM_GUI_NO_TOUR", raising=False)
    win = build_window(None, None)
    qtbot.addWidget(win)
    win.show()
    qtbot.mouseClick(win.tour_bar.dismiss_button, Qt.MouseButton.LeftButton)
    assert not win.tour_bar.isVisible() and not win.lessons.running
    assert not tour_offer_wanted(app_settings())


def test_chapter_text_has_bold_italic_paragraphs_and_bullets_and_nothing_else():
    from lstm_gui.ui.lessons.markup import chapter_html

    text = "The **green** line is *long-term*.\n\n- one <b>x</b>\n- two\n  continued\n\n<script>alert(1)</script> 2 * 3"
    assert chapter_html(text) == (
        "<p>The <b>green</b> line is <i>long-term</i>.</p>\n"
        "<ul><li>one &lt;b&gt;x&lt;/b&gt;</li><li>two continued</li></ul>\n"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; 2 * 3</p>"
    )


def test_the_answer_is_checked_on_the_chapters_sequence_with_the_weights_shown(tour_window, qtbot):
    win = tour_window
    win.lessons.go_to(1)  # Company A's forget gate at step 1
    win.select_sequence("Company B")  # looking elsewhere before answering
    win.toggle_run()
    win.step_forward()
    assert win.step == 0 and not win.is_running()
    result = win.lessons.guess("yes")
    assert result.real == pytest.approx(0.834795, abs=1e-6)
    assert sequence_name(win) == "Company A" and win.step == 1


def test_train_and_nudge_refuse_while_the_lesson_locks_weights_and_work_after_leave(tour_window, qtbot):
    win = tour_window
    win.lessons.go_to(1)  # locks the forget gate's weights
    assert win.lessons.locks_weights()
    assert win.step == 0 and win.scene.hint_text() == "Answer the question in the lesson panel first"
    assert not win.action_step_forward.isEnabled()  # the question about step 1 waits
    train = win.training_panel.action_train
    for action in (train, win.action_nudge):
        assert not action.isEnabled() and action.toolTip() == LOCKED_TOOLTIP
    before = win.session.params
    win.action_nudge.trigger()
    win.gradients.nudge()  # a direct call refuses too
    train.trigger()
    train.setEnabled(True)  # its owner enabling it again (after a run) while the lesson runs
    assert not train.isEnabled()
    assert win.session.params == before and not win.training_panel.is_training()
    assert "Locked by the lesson" in win.statusBar().currentMessage()
    win.lessons.leave()
    assert train.isEnabled() and win.action_nudge.isEnabled()
    win.action_nudge.trigger()
    assert win.session.params != before


def test_a_landscape_click_refuses_while_the_lesson_locks_weights(tour_window, qtbot):
    win = tour_window
    win.lessons.go_to(1)  # locks the forget gate's weights
    win.action_view_landscape.trigger()
    view = win.landscape_view
    qtbot.waitUntil(lambda: view.shown is not None and not view.is_computing(), timeout=20_000)
    xs, ys, _ = view.shown
    before, steps = win.session.params, win.undo_stack.count()
    assert not view.set_point(xs[1], ys[1] if ys is not None else None)
    assert "Locked by the lesson" in view.message.text()
    assert win.session.params == before and win.undo_stack.count() == steps
    win.lessons.leave()
    assert view.set_point(xs[1], ys[1] if ys is not None else None)
    assert win.session.params != before


def test_guesses_survive_leave_resume_and_a_restart_until_start_over(tour_window, make_window):
    win = tour_window
    win.lessons.go_to(1)
    win.lessons.guess("yes")
    win.lessons.go_to(2)
    win.lessons.leave()
    win.new_session()
    win.lessons.action_resume_tour.trigger()
    assert win.lessons.index == 2 and set(win.lessons.answers) == {1}
    win.lessons.go_to(6)
    assert "0.8348" in win.lessons.panel.summary_text()
    # Kept in the settings with the position: a new window (a restart) has them.
    win.lessons.go_to(2)
    other = make_window()
    other.lessons.resume_tour()
    assert other.lessons.answers[1].guess == "yes"
    other.lessons.restart()  # Start over forgets them
    assert other.lessons.answers == {} and other.lessons.is_pending() is False
    other.lessons.go_to(1)
    assert other.lessons.is_pending()


def test_a_waiting_question_hides_every_view_of_its_answer_and_holds_stepping(tour_window, qtbot):
    win = tour_window
    win.gradients.set_shown(True)
    win.dock_watches.show()
    win.dock_gradient_plot.show()
    win.lessons.go_to(2)  # chapter 3: Company B's final short-term memory, asked before shown
    assert win.lessons.is_pending()
    assert not win.action_show_gradients.isChecked() and not win.action_show_gradients.isEnabled()
    assert not win.dock_gradient_plot.isVisible() and not win.dock_watches.isVisible()
    assert win.find_widget("live_outputs").isHidden()
    held = win.lessons.chapter.prediction.step - 1
    if win.step < held:
        assert win.action_step_forward.isEnabled()  # up to the held step, stepping works
    win.go_to_end()
    assert win.step == held
    for action in (win.action_step_forward, win.action_run, win.action_go_to_end):
        assert not action.isEnabled() and action.toolTip() == "Answer the question first"
    win.reset()
    if held == 0:
        assert win.scene.hint_text() == "Answer the question in the lesson panel first"
    assert "Answer the question" in win.statusBar().currentMessage()
    win.lessons.guess(0.5)
    assert "Answer the question" not in win.statusBar().currentMessage()  # answered: no stale reminder
    assert win.action_show_gradients.isChecked() and win.action_show_gradients.isEnabled()
    assert win.dock_gradient_plot.isVisible() and win.dock_watches.isVisible()
    assert not win.find_widget("live_outputs").isHidden()
    win.reset()
    assert win.action_step_forward.isEnabled() and win.action_step_forward.toolTip() != "Answer the question first"
    assert "press" in win.scene.hint_text()


def test_an_unanswered_offer_comes_back_next_start_and_an_answer_ends_it(qtbot, monkeypatch):
    from lstm_gui.ui.app import build_window
    from lstm_gui.ui.lessons.first_start import tour_offer_wanted
    from lstm_gui.ui.settings import app_settings

    monkeypatch.delenv("LSTM_GUI_NO_TOUR", raising=False)
    win = build_window(None, None)
    qtbot.addWidget(win)
    win.show()
    assert win.tour_bar.isVisible()
    win.close()  # closed without answering (the window stores its layout meanwhile)
    assert app_settings().allKeys() and tour_offer_wanted(app_settings())
    again = build_window(None, None)
    qtbot.addWidget(again)
    again.show()
    assert again.tour_bar.isVisible()
    qtbot.mouseClick(again.tour_bar.dismiss_button, Qt.MouseButton.LeftButton)
    assert not tour_offer_wanted(app_settings())


@pytest.mark.parametrize(
    ("value", "off"),
    [
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_lstm_gui_no_tour_reads_common_true_and_false_words(monkeypatch, value, off):
    from lstm_gui.ui.lessons.first_start import tour_turned_off

    monkeypatch.setenv("LSTM_GUI_NO_TOUR", value)
    assert tour_turned_off() == off


def test_the_offer_bar_takes_the_themes_colours(qtbot):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from lstm_gui.ui.lessons.first_start import TourOfferBar
    from lstm_gui.ui.theme import make_palette

    app = QApplication.instance()
    old = app.palette()
    app.setPalette(make_palette("dark"))  # as apply_theme does
    try:
        bar = TourOfferBar()
        qtbot.addWidget(bar)
        bar.resize(600, 40)
        image = bar.grab().toImage()
    finally:
        app.setPalette(old)
    background = image.pixelColor(300, 20)
    assert "#e6f2ff" not in bar.styleSheet()
    assert background.lightness() < 128  # dark, not the light-blue of the light theme
    assert bar.label.palette().color(QPalette.ColorRole.WindowText).lightness() > 128


def test_the_examples_menu_shows_display_titles(make_window):
    win = make_window()
    titles = {a.objectName(): a.text() for a in win.examples_menu.actions()}
    assert titles["action_example_statquest-tour"] == "StatQuest tour"
    assert titles["action_example_long-memory"] == "Long memory"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_locked_field_looks_greyed_in_both_themes(tour_window, theme):
    win = tour_window
    win._apply_theme(theme, save=False)
    win.lessons.go_to(1)
    locked, free = win.find_widget("weight_forget_bias"), win.find_widget("weight_input_bias")

    def background(field):
        image = field.grab().toImage()
        return image.pixelColor(image.width() // 6, image.height() // 2)

    assert not locked.isEnabled() and free.isEnabled()
    assert background(locked) != background(free)  # greyed, not only a tooltip
