"""The lesson controller: which chapter is shown, the guesses, what is
outlined, hidden and locked, where a lesson was left; the Lesson menu.

A chapter's set-up replaces the window's contents like Open (through
:meth:`Document.set_up`: not an undo step), then picks the sequence and the
step on the stepper. The learner's edits inside a chapter are ordinary undo
steps; so are a teacher's (Add Chapter from Here, Remove Chapter, typing a
chapter's title or text), which is what makes Save write the chapters.

While a chapter's question waits for its answer, the step cannot reach the
step it asks about, and the trace table and the over-time plot (which show
every step) are hidden, and so is every other view of the asked value (the
gradient overlay and plot, the watch and comparison docks, the training
column's live outputs); stepping past the held step is disabled ("Answer the
question first"). The answer reveals the value and goes to that step.

While a chapter locks any weight field, the actions that would change weights
behind the lock (Train, Nudge) are disabled with the tooltip "Locked by the
lesson"; :meth:`LessonController.locks_weights` is the one query for it.

Guesses are kept for the lesson across Leave and Resume (and a restart, in
the settings with the resume position); only Start over or finishing the
lesson forgets them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu

from lstm_gui.core.chapters import Answer, Chapter, Guess
from lstm_gui.core.errors import FieldError
from lstm_gui.core.lessons import (
    FREE_SEQUENCE,
    Lesson,
    answer,
    answers_from_text,
    answers_to_text,
    record_state,
    sequence_trace,
    state_session,
)
from lstm_gui.ui.commands import SetValueCommand
from lstm_gui.ui.lessons.highlight import Highlighter
from lstm_gui.ui.lessons.panel import LessonPanel
from lstm_gui.ui.lessons.restrictions import ANSWER_FIRST_TOOLTIP, LOCKED_TOOLTIP, ActionLocks, Restrictions
from lstm_gui.ui.lessons.reveal_guard import RevealGuard
from lstm_gui.ui.stepper import FREE_SOURCE

#: The shipped tour (an example session with chapters).
TOUR = "statquest-tour"
#: Hidden while a question waits: they show every step's values.
REVEALING_DOCKS = ("dock_trace", "dock_plot", "gradient_plot_dock", "watch_dock", "comparison_dock")
#: Hidden while a question about the short-term memory waits: the final one is each sequence's output.
REVEALING_OUTPUTS = ("live_outputs", "live_loss")
#: The object names of weight fields start so (``weight_forget_bias``).
WEIGHT_PREFIX = "weight_"
#: Shown in the diagram's banner and the status bar while a question waits.
ANSWER_FIRST = "Answer the question in the lesson panel first"


def position_key(lesson_name: str) -> str:
    """The QSettings key of the chapter a lesson was left at."""
    return f"lessons/{lesson_name or 'untitled'}/chapter"


def answers_key(lesson_name: str) -> str:
    """The QSettings key of a lesson's guesses (kept with its position)."""
    return f"lessons/{lesson_name or 'untitled'}/answers"


class LessonController(QObject):
    """Runs a lesson in ``window`` (the main window: typed loosely, it imports this package).

    Signals
    -------
    chapter_shown(int) : a chapter (from 0) was set up and shown; the number
        of chapters for the summary page.
    running_changed(bool) : a lesson started or was left.
    """

    chapter_shown = Signal(int)
    running_changed = Signal(bool)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.session = window.session
        self.stepper = window.stepper
        self.lesson: Lesson | None = None
        #: The chapter shown (from 0); ``len(lesson)``: the summary page.
        self.index = 0
        #: chapter index -> the answer to its question.
        self.answers: dict[int, Answer] = {}
        self._trained = False
        self._setting_up = False
        self._resume_at: int | None = None
        self.panel = LessonPanel()
        self.highlighter = Highlighter(window.scene, window.find_widget)
        self.restrictions = Restrictions(window.find_widget, self)
        self.action_locks = ActionLocks(self)
        self.reveal_guard = RevealGuard(window, self)

    # -- state ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.lesson is not None

    @property
    def chapter(self) -> Chapter | None:
        """The chapter shown (``None`` on the summary page or without a lesson)."""
        if self.lesson is None or not 0 <= self.index < len(self.lesson):
            return None
        return self.lesson.chapters[self.index]

    def is_pending(self) -> bool:
        """The chapter's question waits for its answer."""
        chapter = self.chapter
        return chapter is not None and chapter.prediction is not None and self.index not in self.answers

    def locks_weights(self) -> bool:
        """The chapter shown locks a weight field: nothing may change the weights (Train, Nudge)."""
        chapter = self.chapter
        return chapter is not None and any(name.startswith(WEIGHT_PREFIX) for name in chapter.locked)

    def holds_step(self) -> bool:
        """A question waits and the step is at (or past) the one before the asked step."""
        chapter = self.chapter
        return (
            chapter is not None
            and chapter.prediction is not None
            and self.is_pending()
            and self.stepper.step >= chapter.prediction.step - 1
        )

    def is_done(self) -> bool:
        """What the chapter asked for is done (reached the step, trained)."""
        chapter = self.chapter
        if chapter is None or chapter.advance_when is None or self.is_pending():
            return False
        return chapter.advance_when.is_met(self.stepper.step, self._trained)

    def lesson_name(self) -> str:
        if self.document.path:
            return Path(self.document.path).stem
        return self.session.name or "untitled"

    def left_at(self, name: str) -> int | None:
        """The chapter (from 0) the lesson ``name`` was left at, if any but the first."""
        value = self.window.settings.value(position_key(name))
        try:
            chapter = int(str(value))
        except (TypeError, ValueError):
            return None
        return chapter if chapter > 0 else None

    # -- running a lesson -----------------------------------------------------------------
    def start(self, index: int = 0, set_up: bool = True) -> None:
        """Run the session's chapters from chapter ``index`` (from 0)."""
        if not self.session.chapters:
            return
        was_running = self.running
        self.lesson = Lesson(self.session)
        # Guesses survive Leave, Resume and a restart; only Start over forgets them.
        self.answers = answers_from_text(self.window.settings.value(answers_key(self.lesson_name())))
        self.window.dock_lesson.show()
        self.window.dock_lesson.raise_()
        left = self.left_at(self.lesson_name())
        #: Where the lesson was left before this start (offered by the Resume button).
        self._resume_at = left if left is not None and left != index else None
        self.panel.set_resume(self._resume_at)
        self.go_to(index, set_up)
        if not was_running:
            self.running_changed.emit(True)

    def go_to(self, index: int, set_up: bool = True) -> None:
        """Show chapter ``index`` (setting the window up for it), or the summary page."""
        lesson = self.lesson
        if lesson is None:
            return
        self.index = max(0, min(int(index), len(lesson)))
        self._remember_position()
        self._trained = False
        chapter = self.chapter
        if chapter is None:
            self.highlighter.clear()
            self.restrictions.release()
            self.reveal_guard.set_pending(False)
            self._lock_actions()
            ordered = [self.answers[k] for k in sorted(self.answers) if k < len(lesson)]
            self.panel.show_summary(ordered, len(lesson))
            self._update_actions()
            self.chapter_shown.emit(self.index)
            return
        if set_up:
            self._set_up(chapter)
        self._apply_restrictions()
        self.highlighter.show(chapter.highlight)
        self._show_panel()
        self._update_actions()
        self.chapter_shown.emit(self.index)

    def _set_up(self, chapter: Chapter) -> None:
        assert self.lesson is not None
        session = state_session(chapter.state, self.lesson.base)
        self._setting_up = True
        try:
            self.window._before_replace()
            self.document.set_up(session)
            self.stepper.select_sequence(chapter.state.sequence)
            step = chapter.state.step
            if chapter.prediction is not None and self.index not in self.answers:
                step = min(step, chapter.prediction.step - 1)  # the asked value not shown yet
            self.stepper.set_step(step)
            # ``chapter.state.stage``: for step-into stages (issue 12); ignored here.
            self.window.scene.stop_flash()
        finally:
            self._setting_up = False

    @Slot()
    def _apply_restrictions(self) -> None:
        chapter = self.chapter
        if chapter is None:
            return
        hidden = list(chapter.hidden)
        if self.is_pending():
            revealing = list(REVEALING_DOCKS)
            if chapter.prediction is not None and chapter.prediction.key == "short":
                revealing += REVEALING_OUTPUTS
            hidden += [name for name in revealing if name not in hidden]
        self.restrictions.apply(hidden, chapter.locked)
        self.reveal_guard.set_pending(self.is_pending())
        self._lock_actions()

    def _lock_actions(self) -> None:
        """Train and Nudge while weights are locked; stepping past a waiting question."""
        window = self.window
        weight_actions = [window.training_panel.action_train, window.action_nudge]
        self.action_locks.set_locked(weight_actions if self.locks_weights() else [], LOCKED_TOOLTIP)
        stepping = [
            window.action_step_forward,
            window.action_run,
            window.action_go_to_end,
            window.action_step_into,
            window.action_run_stages,
        ]
        held = self.holds_step()
        self.action_locks.set_locked(stepping if held else [], ANSWER_FIRST_TOOLTIP)
        window.scene.set_hint_override(ANSWER_FIRST if held else None)
        if held:
            window.statusBar().showMessage(ANSWER_FIRST, 8000)
        elif not self.is_pending() and window.statusBar().currentMessage() == ANSWER_FIRST:
            window.statusBar().clearMessage()  # answered: the reminder would now mislead

    def _show_panel(self) -> None:
        chapter = self.chapter
        if self.lesson is None or chapter is None:
            return
        self.panel.show_chapter(self.index, len(self.lesson), chapter, self.answers.get(self.index), self.is_done())

    def _remember_position(self) -> None:
        if self.lesson is None:
            return
        key = position_key(self.lesson_name())
        if self.index >= len(self.lesson):
            self.window.settings.remove(key)  # finished: the next start is from the beginning
            self.window.settings.remove(answers_key(self.lesson_name()))
        else:
            self.window.settings.setValue(key, self.index)
            self._remember_answers()

    def _remember_answers(self) -> None:
        if self.lesson is not None and self.index < len(self.lesson):
            self.window.settings.setValue(answers_key(self.lesson_name()), answers_to_text(self.answers))

    @Slot()
    def next(self) -> None:
        if self.lesson is not None and self.index < len(self.lesson):
            self.go_to(self.index + 1)

    @Slot()
    def back(self) -> None:
        if self.lesson is not None and self.index > 0:
            self.go_to(self.index - 1)

    @Slot()
    def restart(self) -> None:
        """Start over: the only way (besides finishing) to forget the guesses."""
        self.answers = {}
        self._remember_answers()
        self.go_to(0)

    @Slot()
    def resume(self) -> None:
        """Go back to the chapter the lesson was left at."""
        left, self._resume_at = self._resume_at, None
        self.panel.set_resume(None)
        if left is not None:
            self.go_to(left)

    @Slot()
    def leave(self) -> None:
        """Stop the lesson: everything hidden or locked comes back; the
        window keeps what it shows; Resume comes back to this chapter."""
        if self.lesson is None:
            return
        self._remember_position()
        self.highlighter.clear()
        self.restrictions.release()
        self.reveal_guard.set_pending(False)
        self.panel.set_edit_mode(False)
        self.window.dock_lesson.hide()
        self.lesson = None
        self._lock_actions()
        self._update_actions()
        self.running_changed.emit(False)

    # -- the question -----------------------------------------------------------------------
    @Slot(object)
    def guess(self, value: Guess) -> Answer | None:
        """Answer the chapter's question: the real value is revealed beside the
        guess and the window goes to the step it is about."""
        chapter = self.chapter
        if chapter is None or chapter.prediction is None or self.lesson is None or not self.is_pending():
            return None
        prediction = chapter.prediction
        sequence = chapter.state.sequence
        try:  # the weights the diagram shows (the learner may have edited them), the chapter's sequence
            trace = sequence_trace(self.session, sequence)
            self.stepper.select_sequence(sequence)
        except (FieldError, ValueError):  # the sequence was renamed or removed meanwhile
            trace = self.lesson.chapter_trace(self.index)
        if len(trace) < prediction.step:
            trace = self.lesson.chapter_trace(self.index)
        result = answer(prediction, value, trace, self.index)
        self.answers[self.index] = result
        self._remember_answers()
        self._apply_restrictions()
        self.stepper.set_step(prediction.step)
        self._show_panel()
        return result

    @Slot(int)
    def _on_step_changed(self, step: int) -> None:
        if self._setting_up or self.chapter is None:
            return
        chapter = self.chapter
        if self.is_pending() and chapter.prediction is not None and step >= chapter.prediction.step:
            self.stepper.stop_running()  # Run would keep knocking at the held step
            self.stepper.set_step(chapter.prediction.step - 1)
            self.panel.status_label.setText("Answer the question first: then the value is shown.")
            return
        self._lock_actions()
        self.panel.set_done(self.is_done(), chapter)

    @Slot(object)
    def _on_history_changed(self, history: object) -> None:
        if self._setting_up or self.chapter is None:
            return
        if history is not None and len(history):  # type: ignore[arg-type]
            self._trained = True
            self.panel.set_done(self.is_done(), self.chapter)

    @Slot(bool)
    def _on_dock_visibility(self, visible: bool) -> None:
        if visible and self.lesson is None:
            self.window.dock_lesson.hide()

    # -- opening, and the chapters changing -----------------------------------------------
    @Slot()
    def _on_replaced(self) -> None:
        """New, Open or an example: a lesson opens at chapter 1; anything else ends one."""
        if self.session.chapters:
            self.start(0)
        else:
            self.leave()

    @Slot(object)
    def _on_chapters_changed(self, chapters: tuple[Chapter, ...]) -> None:
        if self._setting_up or self.lesson is None:
            return
        self.lesson.set_chapters(chapters)
        if not chapters:
            self.leave()
            return
        self.index = min(self.index, len(chapters))
        # The window keeps what it shows: a teacher's edit of the chapters is
        # an undo step, and setting a chapter up would clear the undo history.
        self.go_to(self.index, set_up=False)

    # -- writing a lesson --------------------------------------------------------------------
    def _push_chapters(self, chapters: list[Chapter], text: str, merge_key: str | None = None) -> None:
        undo_stack = self.window.undo_stack
        undo_stack.push(
            SetValueCommand(text, self.session.set_chapters, self.session.chapters, tuple(chapters), merge_key)
        )

    @Slot()
    def add_chapter_from_here(self) -> None:
        """Record a chapter from what the window shows (the session, the
        sequence, the step) after the chapter shown; its text is then typed in
        the panel (edit mode)."""
        source = self.stepper.source
        sequence = FREE_SEQUENCE if source == FREE_SOURCE else self.session.dataset[source].name
        state = record_state(self.session, sequence, self.stepper.step)
        chapters = list(self.session.chapters)
        where = self.index + 1 if self.lesson is not None and self.index < len(chapters) else len(chapters)
        chapters.insert(where, Chapter(f"Chapter {where + 1}", "", state))
        self._push_chapters(chapters, "Add chapter")
        self.panel.set_edit_mode(True)
        self.action_edit.setChecked(True)
        if self.lesson is None:
            self.start(where, set_up=False)
        else:
            self.go_to(where, set_up=False)

    @Slot()
    def remove_chapter(self) -> None:
        """Remove the chapter shown (one undo step)."""
        if self.chapter is None:
            return
        chapters = list(self.session.chapters)
        del chapters[self.index]
        self.answers = {k if k < self.index else k - 1: a for k, a in self.answers.items() if k != self.index}
        self._remember_answers()
        if self.index < len(chapters):
            self._set_up(chapters[self.index])  # first: a set-up clears the undo history
        self._push_chapters(chapters, "Remove chapter")

    @Slot(bool)
    def set_edit_mode(self, editing: bool) -> None:
        self.panel.set_edit_mode(editing)
        if self.action_edit.isChecked() != editing:
            self.action_edit.setChecked(editing)

    def _edit_chapter(self, what: str, value: str) -> None:
        chapter = self.chapter
        if chapter is None:
            return
        try:
            changed = Chapter(
                title=value if what == "title" else chapter.title,
                text=value if what == "text" else chapter.text,
                state=chapter.state,
                highlight=chapter.highlight,
                prediction=chapter.prediction,
                hidden=chapter.hidden,
                locked=chapter.locked,
                advance_when=chapter.advance_when,
            )
        except FieldError as exc:
            self.panel.status_label.setText(f"The chapter's {exc.where}: {exc.reason}")
            return
        chapters = list(self.session.chapters)
        chapters[self.index] = changed
        self._push_chapters(chapters, f"Edit chapter {self.index + 1}'s {what}", f"chapter_{what}:{self.index}")

    @Slot(str)
    def _on_title_edited(self, title: str) -> None:
        self._edit_chapter("title", title)

    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        self._edit_chapter("text", text)

    # -- the tour and the menu ----------------------------------------------------------------
    @Slot()
    def start_tour(self) -> bool:
        """Open the StatQuest tour at chapter 1 (asks about unsaved changes first)."""
        return bool(self.window.open_example(TOUR))

    @Slot()
    def resume_tour(self) -> bool:
        """Open the tour where it was left."""
        left = self.left_at(TOUR)
        if not self.window.open_example(TOUR):
            return False
        if left is not None:
            self.go_to(left)
            self.panel.set_resume(None)
        return True

    def _update_actions(self) -> None:
        running = self.running
        self.action_resume_tour.setEnabled(self.left_at(TOUR) is not None)
        self.action_remove.setEnabled(self.chapter is not None)
        self.action_edit.setEnabled(running)
        self.action_leave.setEnabled(running)

    def build_menu(self, menu: QMenu) -> None:
        """Start Tour, Resume Tour, Add Chapter from Here, Remove Chapter, Edit Chapter Text, Leave Lesson."""
        window = self.window

        def action(text: str, name: str, slot: Any, tip: str) -> QAction:
            made = QAction(text, window)
            made.setObjectName(name)
            made.setToolTip(tip)
            made.setStatusTip(tip)
            made.triggered.connect(slot)
            menu.addAction(made)
            return made

        self.action_start_tour = action(
            "Start &Tour", "action_start_tour", self.start_tour, "A 6-chapter tour of StatQuest's LSTM example"
        )
        self.action_resume_tour = action(
            "&Resume Tour", "action_resume_tour", self.resume_tour, "Back to the tour's chapter where you left it"
        )
        menu.addSeparator()
        self.action_add = action(
            "&Add Chapter from Here",
            "action_add_chapter",
            self.add_chapter_from_here,
            "Record a chapter from what the window shows now (weights, inputs, sequence, step); type its text in the panel",
        )
        self.action_remove = action(
            "Re&move Chapter", "action_remove_chapter", self.remove_chapter, "Remove the chapter shown from the lesson"
        )
        self.action_edit = action(
            "&Edit Chapter Text",
            "action_edit_chapter",
            self.set_edit_mode,
            "Type the chapter's title and text in the panel",
        )
        self.action_edit.setCheckable(True)
        menu.addSeparator()
        self.action_leave = action(
            "&Leave Lesson", "action_leave_lesson", self.leave, "Leave the lesson: hidden and locked controls come back"
        )
        self._update_actions()


def install_lessons(window: Any) -> LessonController:
    """The lesson dock (``window.dock_lesson``, object name ``lesson_dock``,
    above the training column), the Lesson menu before Help, and the
    controller (``window.lessons``) listening to the window."""
    controller = LessonController(window)
    dock = QDockWidget("Lesson", window)
    dock.setObjectName("lesson_dock")
    dock.setWidget(controller.panel)
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.splitDockWidget(dock, window.dock_training, Qt.Orientation.Vertical)
    dock.hide()
    window.dock_lesson = dock
    # A dock layout restored from an earlier run must not show an empty panel.
    dock.visibilityChanged.connect(controller._on_dock_visibility)

    menu = QMenu("&Lesson", window)
    menu.setObjectName("menu_lesson")
    controller.build_menu(menu)
    bar = window.menuBar()
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_menu is not None:
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    window.lesson_menu = menu

    panel = controller.panel
    panel.back_clicked.connect(controller.back)
    panel.next_clicked.connect(controller.next)
    panel.leave_clicked.connect(controller.leave)
    panel.resume_clicked.connect(controller.resume)
    panel.restart_clicked.connect(controller.restart)
    panel.guessed.connect(controller.guess)
    panel.title_edited.connect(controller._on_title_edited)
    panel.text_edited.connect(controller._on_text_edited)
    window.document.replaced.connect(controller._on_replaced)
    window.adapter.chapters_changed.connect(controller._on_chapters_changed)
    window.adapter.history_changed.connect(controller._on_history_changed)
    window.stepper.step_changed.connect(controller._on_step_changed)
    # Reset Layout shows every dock: a chapter's hidden ones hide again (connected after the window's own slot).
    window.action_reset_layout.triggered.connect(controller._apply_restrictions)
    if window.session.chapters:
        controller.start(0)
    return controller
