"""The question a chapter asks before it shows the value: yes/no buttons,
one button per choice, or a slider to drag to a number. After the guess the
widget shows the real value next to it, and whether the guess was right."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from lstm_gui.core.chapters import Answer, Guess, Prediction
from lstm_gui.core.formatting import format_number
from lstm_gui.core.vocabulary import GATE_WORDS

#: Slider positions between a number question's minimum and maximum.
SLIDER_STEPS = 1000


def value_words(key: str) -> str:
    """A trace key as a person reads it (``forget`` -> the forget gate's value)."""
    words = {
        "long": "long-term memory",
        "short": "short-term memory",
        "long_prev": "long-term memory before the step",
        "short_prev": "short-term memory before the step",
        "long_tanh": "potential short-term memory",
        "long_remembered": "long-term memory kept",
        "long_added": "potential long-term memory added",
        "x": "input",
    }
    if key in words:
        return words[key]
    if key.endswith("_pre") and key[: -len("_pre")] in GATE_WORDS:
        return f"{GATE_WORDS[key[: -len('_pre')]]} sum"
    return f"{GATE_WORDS.get(key, key)} value"


def guess_text(guess: Guess) -> str:
    return format_number(guess) if isinstance(guess, float) else str(guess)


class PredictionWidget(QWidget):
    """Asks ``prediction`` (see :meth:`ask`) and reveals an :class:`Answer`.

    Signals
    -------
    guessed(object) : the person answered ("yes"/"no", a choice's text, a float).
    """

    guessed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_prediction")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.question_label = QLabel()
        self.question_label.setObjectName("lesson_question")
        self.question_label.setWordWrap(True)
        font = self.question_label.font()
        font.setBold(True)
        self.question_label.setFont(font)  # a font, not a style sheet: it follows theme changes
        layout.addWidget(self.question_label)
        self.buttons_box = QWidget()
        self.buttons_layout = QVBoxLayout(self.buttons_box)
        self.buttons_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.buttons_box)
        self.number_box = QWidget()
        number_row = QHBoxLayout(self.number_box)
        number_row.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("lesson_guess_slider")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.valueChanged.connect(self._on_slider_moved)
        number_row.addWidget(self.slider, 1)
        self.number_label = QLabel()
        self.number_label.setObjectName("lesson_guess_value")
        self.number_label.setMinimumWidth(56)
        number_row.addWidget(self.number_label)
        self.number_button = QPushButton("My guess")
        self.number_button.setObjectName("lesson_guess_number")
        self.number_button.clicked.connect(lambda: self.guessed.emit(self.number_guess()))
        number_row.addWidget(self.number_button)
        layout.addWidget(self.number_box)
        self.reveal_label = QLabel()
        self.reveal_label.setObjectName("lesson_reveal")
        self.reveal_label.setWordWrap(True)
        self.reveal_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.reveal_label)
        self.choice_buttons: list[QPushButton] = []
        self._prediction: Prediction | None = None

    def ask(self, prediction: Prediction, answer: Answer | None = None) -> None:
        """Show the question; with ``answer`` (asked before): the reveal at once."""
        self._prediction = prediction
        self.question_label.setText(prediction.question)
        for button in self.choice_buttons:
            # Out of sight now: deleteLater waits for the event loop to come round.
            button.hide()
            self.buttons_layout.removeWidget(button)
            button.deleteLater()
        self.choice_buttons = []
        if prediction.kind != "number":
            labels = ["Yes", "No"] if prediction.kind == "yes/no" else list(prediction.choices)
            for k, text in enumerate(labels):
                button = QPushButton(text)
                button.setObjectName(f"lesson_choice_{k}")
                guess: Guess = text.lower() if prediction.kind == "yes/no" else text
                button.clicked.connect(lambda _=False, g=guess: self.guessed.emit(g))
                self.buttons_layout.addWidget(button)
                self.choice_buttons.append(button)
        self.buttons_box.setVisible(prediction.kind != "number")
        self.number_box.setVisible(prediction.kind == "number")
        if prediction.kind == "number":
            self.slider.setValue(SLIDER_STEPS // 2)
            self._on_slider_moved(self.slider.value())
        self.show_answer(answer)

    def number_guess(self) -> float:
        """The number the slider is at (a number question)."""
        prediction = self._prediction
        low, high = (prediction.minimum, prediction.maximum) if prediction is not None else (0.0, 1.0)
        return round(low + (high - low) * self.slider.value() / SLIDER_STEPS, 3)

    def set_number_guess(self, value: float) -> None:
        """Move the slider to ``value`` (clamped to the question's range)."""
        prediction = self._prediction
        low, high = (prediction.minimum, prediction.maximum) if prediction is not None else (0.0, 1.0)
        self.slider.setValue(round((value - low) / (high - low) * SLIDER_STEPS))

    @Slot(int)
    def _on_slider_moved(self, _position: int) -> None:
        self.number_label.setText(format_number(self.number_guess(), 2))

    def show_answer(self, answer: Answer | None) -> None:
        """The real value next to the guess (``None``: still asking)."""
        answered = answer is not None
        for button in [*self.choice_buttons, self.number_button]:
            button.setEnabled(not answered)
        self.slider.setEnabled(not answered)
        if answer is None or self._prediction is None:
            self.reveal_label.setText("<i>Answer first: the value stays hidden until you guess.</i>")
            return
        prediction = self._prediction
        verdict = (
            "<span style='color:#1a7f37'><b>Right!</b></span>"
            if answer.right
            else "<span style='color:#c0392b'><b>Not quite.</b></span>"
        )
        real = f"{value_words(prediction.key)} at step {prediction.step}: <b>{format_number(answer.real)}</b>"
        right = "" if prediction.kind == "number" else f" (so: {html.escape(guess_text(answer.right_answer))})"
        guess = html.escape(guess_text(answer.guess))
        self.reveal_label.setText(f"{verdict} Your guess: <b>{guess}</b>. The {real}{right}.")

    def reveal_text(self) -> str:
        return self.reveal_label.text()
