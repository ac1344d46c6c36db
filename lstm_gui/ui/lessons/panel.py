"""The lesson panel: a chapter's title, text and question, the progress, Back,
Next and Leave; an edit mode for teachers (title and text boxes, no dialog);
a summary page of the guesses at the end. It shows what the controller gives
it and turns clicks into signals; it decides nothing."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core.chapters import Answer, Chapter
from lstm_gui.core.formatting import format_number
from lstm_gui.ui.lessons.markup import chapter_html
from lstm_gui.ui.lessons.prediction import PredictionWidget, guess_text

_DONE_STYLE = (
    "QPushButton#lesson_next { font-weight: bold; border: 2px solid #7b3fe4; border-radius: 4px; padding: 3px 10px; }"
)


class LessonPanel(QWidget):
    """What the lesson dock shows.

    Signals
    -------
    back_clicked, next_clicked, leave_clicked, resume_clicked, restart_clicked
    guessed(object) : an answer to the chapter's question.
    title_edited(str), text_edited(str) : typed in edit mode.
    """

    back_clicked = Signal()
    next_clicked = Signal()
    leave_clicked = Signal()
    resume_clicked = Signal()
    restart_clicked = Signal()
    guessed = Signal(object)
    title_edited = Signal(str)
    text_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_panel")
        self.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        top = QHBoxLayout()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("lesson_progress")
        top.addWidget(self.progress_label, 1)
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("lesson_resume")
        self.resume_button.clicked.connect(self.resume_clicked)
        self.resume_button.hide()
        top.addWidget(self.resume_button)
        layout.addLayout(top)
        self.title_label = QLabel()
        self.title_label.setObjectName("lesson_title")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.title_label.setFont(font)  # a font, not a style sheet: it follows theme changes
        layout.addWidget(self.title_label)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("lesson_title_edit")
        self.title_edit.setPlaceholderText("The chapter's title")
        self.title_edit.textEdited.connect(self.title_edited)
        layout.addWidget(self.title_edit)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("lesson_text_edit")
        self.text_edit.setPlaceholderText(
            "What this chapter explains. Blank lines split paragraphs; '- ' starts a bullet; **bold**, *italic*."
        )
        self.text_edit.textChanged.connect(self._on_text_changed)
        layout.addWidget(self.text_edit, 1)
        self.text_view = QTextBrowser()
        self.text_view.setObjectName("lesson_text")
        self.text_view.setOpenLinks(False)
        layout.addWidget(self.text_view, 1)
        self.prediction = PredictionWidget()
        self.prediction.guessed.connect(self.guessed)
        layout.addWidget(self.prediction)
        self.status_label = QLabel()
        self.status_label.setObjectName("lesson_status")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.setObjectName("lesson_back")
        self.back_button.setToolTip("The previous chapter")
        self.back_button.clicked.connect(self.back_clicked)
        buttons.addWidget(self.back_button)
        self.next_button = QPushButton("Next")
        self.next_button.setObjectName("lesson_next")
        self.next_button.setToolTip("The next chapter (sets the window up for it)")
        self.next_button.clicked.connect(self.next_clicked)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        self.restart_button = QPushButton("Start Again")
        self.restart_button.setObjectName("lesson_restart")
        self.restart_button.clicked.connect(self.restart_clicked)
        buttons.addWidget(self.restart_button)
        self.leave_button = QPushButton("Leave")
        self.leave_button.setObjectName("lesson_leave")
        self.leave_button.setToolTip("Leave the lesson (Lesson > Resume takes you back to this chapter)")
        self.leave_button.clicked.connect(self.leave_clicked)
        buttons.addWidget(self.leave_button)
        layout.addLayout(buttons)
        self._editing = False
        self._filling = False
        self.set_edit_mode(False)

    # -- a chapter -------------------------------------------------------------------
    def show_chapter(self, index: int, count: int, chapter: Chapter, answer: Answer | None, done: bool) -> None:
        """Chapter ``index`` (from 0) of ``count``; ``answer``: its question answered."""
        self.progress_label.setText(f"Chapter {index + 1} of {count}")
        self.title_label.setText(chapter.title)
        self.text_view.setHtml(chapter_html(chapter.text))
        self._filling = True
        if self.title_edit.text() != chapter.title:
            self.title_edit.setText(chapter.title)
        if self.text_edit.toPlainText() != chapter.text:
            self.text_edit.setPlainText(chapter.text)
        self._filling = False
        self.prediction.setVisible(chapter.prediction is not None)
        if chapter.prediction is not None:
            self.prediction.ask(chapter.prediction, answer)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(True)
        self.next_button.setText("Summary" if index + 1 == count else "Next")
        self.restart_button.hide()
        self.set_done(done, chapter)

    def set_done(self, done: bool, chapter: Chapter | None = None) -> None:
        """Mark the chapter done (what it asked was done): Next stands out."""
        font = self.next_button.font()
        font.setBold(done)
        self.next_button.setFont(font)
        self.next_button.setDefault(done)
        if done:
            self.status_label.setText("Done: press Next when you are ready.")
        elif chapter is not None and chapter.advance_when is not None:
            goal = chapter.advance_when
            todo = "Train" if goal.trained else f"Step to step {goal.step}"
            self.status_label.setText(f"To do: {todo}. (Or press Next.)")
        else:
            self.status_label.setText("")

    def show_summary(self, answers: Sequence[Answer], count: int) -> None:
        """The end: each question, the guess, the real value, right or wrong."""
        self.progress_label.setText(f"Summary of {count} chapters")
        self.title_label.setText("Your predictions")
        right = sum(answer.right for answer in answers)
        # One paragraph per question (a table's columns are too narrow beside the diagram).
        items = "".join(
            f"<p><b>Chapter {answer.chapter + 1}.</b> {html.escape(answer.question)}<br>"
            f"Your guess: <b>{html.escape(guess_text(answer.guess))}</b>; the real value: "
            f"<b>{format_number(answer.real)}</b>"
            + ("" if isinstance(answer.right_answer, float) else f" ({html.escape(guess_text(answer.right_answer))})")
            + (
                " <span style='color:#1a7f37'><b>right</b></span></p>"
                if answer.right
                else " <span style='color:#c0392b'><b>wrong</b></span></p>"
            )
            for answer in answers
        )
        intro = (
            f"<p><b>{right} of {len(answers)}</b> predictions right.</p>"
            if answers
            else "<p>No predictions answered yet.</p>"
        )
        self.text_view.setHtml(intro + items + "<p>Leave the lesson to explore on your own.</p>")
        self.prediction.hide()
        self.back_button.setEnabled(count > 0)
        self.next_button.setEnabled(False)
        self.next_button.setText("Next")
        self.set_done(False)
        self.restart_button.show()
        self.status_label.setText("")

    def summary_text(self) -> str:
        return self.text_view.toPlainText()

    def set_resume(self, chapter: int | None) -> None:
        """Offer to go back to chapter ``chapter`` (from 0) where it was left."""
        self.resume_button.setVisible(chapter is not None)
        if chapter is not None:
            self.resume_button.setText(f"Resume at chapter {chapter + 1}")

    # -- edit mode ------------------------------------------------------------------------
    def set_edit_mode(self, editing: bool) -> None:
        """Title and text as editable boxes (a teacher writing the lesson);
        the formatted text stays below the box as a preview."""
        self._editing = editing
        self.title_edit.setVisible(editing)
        self.text_edit.setVisible(editing)
        self.title_label.setVisible(not editing)

    def is_editing(self) -> bool:
        return self._editing

    @Slot()
    def _on_text_changed(self) -> None:
        if not self._filling:
            self.text_edited.emit(self.text_edit.toPlainText())
