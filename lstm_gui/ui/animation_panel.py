"""File > Export Animation: a small panel (a tool window, never modal) with
the animation's size, speed and what to animate, and a Save GIF button.

The GIF shows the sequence the window steps (free inputs or a dataset
sequence) with the weights the diagram shows, each step's three stages
before it when "Stages" is ticked (off by default, as ``lstm-gui animate``
without ``--stages``), or the training run's replay (whole steps only);
the theme and View > Show Sums follow the window. The work runs in small
pieces on the event loop (:class:`~lstm_gui.ui.animation.AnimationExport`),
with progress in the panel and a Stop button; the status bar says where the
GIF went and how many frames it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core.animation import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    FREE_INPUTS,
    MAX_FPS,
    MAX_REPLAY_FRAMES,
    MIN_FPS,
    animated_sequence,
    check_pixel_budget,
    frame_count,
    parse_size,
)
from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import check_writable_target
from lstm_gui.core.formatting import show_path
from lstm_gui.ui.animation import AnimationExport, Frame, replay_frames, step_frames
from lstm_gui.ui.stepper import FREE_SOURCE
from lstm_gui.ui.theme import diagram_colors

#: Sizes offered (any WIDTHxHEIGHT can be typed).
SIZE_PRESETS = ("640x360", "800x450", "1280x720", "1920x1080")


class AnimationPanel(QWidget):
    """The options and the Save GIF button of File > Export Animation."""

    def __init__(self, window: Any) -> None:
        super().__init__(window, Qt.WindowType.Tool)
        self.setObjectName("animation_panel")
        self.setWindowTitle("Export animation")
        self._window = window
        self._job: AnimationExport | None = None
        self._blocked = False  # a problem shown that disables Save GIF (a bad size)
        self._steps: Iterator[int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_tick)

        self.what_label = QLabel()
        self.what_label.setObjectName("animation_what")
        self.what_label.setWordWrap(True)
        self.steps_button = QRadioButton("Stepping through the sequence")
        self.steps_button.setObjectName("animation_steps")
        self.steps_button.setChecked(True)
        self.replay_button = QRadioButton("Training replay (last step, each epoch)")
        self.replay_button.setObjectName("animation_replay")
        self._kind = QButtonGroup(self)
        self._kind.addButton(self.steps_button)
        self._kind.addButton(self.replay_button)
        self._kind.buttonToggled.connect(self._on_kind_toggled)
        self.stages_box = QCheckBox("Stages: each step's three stages, then the whole step")
        self.stages_box.setObjectName("animation_stages")
        self.stages_box.setToolTip(
            "Forget, remember something new, output: as Step Into shows them (4 frames a step). "
            "A training replay shows whole steps."
        )
        self.stages_box.toggled.connect(self._on_kind_toggled)

        self.size_box = QComboBox()
        self.size_box.setObjectName("animation_size")
        self.size_box.setEditable(True)
        self.size_box.addItems(SIZE_PRESETS)
        self.size_box.setCurrentText(f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}")
        self.size_box.setToolTip("The GIF's exact size in pixels, WIDTHxHEIGHT (the diagram is fitted inside)")
        self.size_box.currentTextChanged.connect(self._on_size_edited)
        self.fps_box = QDoubleSpinBox()
        self.fps_box.setObjectName("animation_fps")
        self.fps_box.setRange(MIN_FPS, MAX_FPS)
        self.fps_box.setDecimals(1)
        self.fps_box.setSingleStep(0.5)
        self.fps_box.setValue(DEFAULT_FPS)
        self.fps_box.setSuffix(" frames/s")
        self.fps_box.setToolTip("How many frames (steps) a second")

        self.error_label = QLabel()
        self.error_label.setObjectName("animation_error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("animation_progress")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.save_button = QPushButton("Save GIF...")
        self.save_button.setObjectName("animation_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_dialog)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("animation_stop")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        close_button = QPushButton("Close")
        close_button.setObjectName("animation_close")
        close_button.clicked.connect(self.close)

        form = QFormLayout()
        form.addRow("Size:", self.size_box)
        form.addRow("Speed:", self.fps_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what_label)
        layout.addWidget(self.steps_button)
        stages_row = QHBoxLayout()
        stages_row.addSpacing(20)  # under "Stepping through the sequence": it belongs to that choice
        stages_row.addWidget(self.stages_box)
        layout.addLayout(stages_row)
        layout.addWidget(self.replay_button)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.setMinimumWidth(340)
        window.stepper.trace_changed.connect(self.refresh)
        window.adapter.history_changed.connect(self.refresh)
        window.closed.connect(self.stop)

    # -- what is animated ------------------------------------------------------------
    def sequence_name(self) -> str:
        """The sequence the window steps: a dataset sequence's name or :data:`FREE_INPUTS`."""
        stepper = self._window.stepper
        dataset = self._window.session.dataset
        if stepper.source != FREE_SOURCE and 0 <= stepper.source < len(dataset):
            return str(dataset[stepper.source].name)
        return FREE_INPUTS

    def _history(self) -> Any:
        history = self._window.session.history
        return history if history is not None and len(history) >= 2 else None

    @Slot()
    def refresh(self, *_: object) -> None:
        """Say what will be animated (the window's sequence may have changed)."""
        name = self.sequence_name()
        steps = len(self._window.stepper.trace)
        history = self._history()
        self.replay_button.setEnabled(history is not None)
        if history is None and self.replay_button.isChecked():
            self.steps_button.setChecked(True)
        self.stages_box.setEnabled(self.steps_button.isChecked())
        if self.replay_button.isChecked() and history is not None:
            frames = min(len(history), MAX_REPLAY_FRAMES)
            text = f"{name[:1].upper()}{name[1:]}: its last step at {frames} epochs of the training run."
        elif self.stages_box.isChecked():
            text = (
                f"{name[:1].upper()}{name[1:]}: the start and {steps} step{'s' if steps != 1 else ''}, "
                f"3 stages each ({frame_count(steps, stages=True)} frames)."
            )
        else:
            text = f"{name[:1].upper()}{name[1:]}: the start and {steps} step{'s' if steps != 1 else ''}."
        self.what_label.setText(text)
        if self.isVisible() and self.height() < self.sizeHint().height():
            # A longer line wrapped: grow rather than squeeze the rows below it.
            self.resize(self.width(), self.sizeHint().height())

    @Slot()
    def _on_kind_toggled(self, *_: object) -> None:
        self.refresh()

    def frames(self) -> list[Frame]:
        """The frames to write; :class:`FieldError` if the sequence cannot be animated."""
        history = self._history()
        if self.replay_button.isChecked() and history is not None:
            return list(replay_frames(history, animated_sequence(self._window.session, self.sequence_name())))
        stages = self.stages_box.isChecked()
        sequence = animated_sequence(self._window.session, self.sequence_name(), stages=stages)
        return list(step_frames(self._window.stepper.params(), sequence, stages=stages))

    def size_value(self) -> tuple[int, int]:
        return parse_size(self.size_box.currentText(), "Size")

    @Slot(str)
    def _on_size_edited(self, _text: str) -> None:
        try:
            self.size_value()
        except FieldError as exc:
            self._show_problem(exc.reason)
        else:
            self._show_problem("")

    def _show_problem(self, text: str, blocks: bool = True) -> None:
        """Show ``text`` in the panel's message line ("" hides it). A problem
        that ``blocks`` (a bad size) disables Save GIF until it is fixed; one
        about the chosen file does not (Save GIF asks for another)."""
        # The theme's error colour (readable on the dark theme too).
        self.error_label.setStyleSheet(f"color: {diagram_colors(self._window.theme).error};")
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        self._blocked = bool(text) and blocks
        self.save_button.setEnabled(not self._blocked and self._job is None)

    # -- exporting ---------------------------------------------------------------------
    @Slot()
    def save_dialog(self) -> None:
        """Ask where, then export."""
        window = self._window
        stem = window.document.display_name().removesuffix(".json")
        suffix = "replay" if self.replay_button.isChecked() else self.sequence_name().replace(" ", "_")
        suggested = str(Path(window.document.folder()) / f"{stem}-{suffix}.gif")
        path, _ = QFileDialog.getSaveFileName(window, "Export animation", suggested, "GIF animations (*.gif)")
        if path:
            self.export_to(path if path.lower().endswith(".gif") else path + ".gif")

    def export_to(self, path: str) -> bool:
        """Start writing the GIF to ``path``; False (and the reason shown) if it cannot start."""
        if self._job is not None:
            return False
        try:
            size = self.size_value()
            frames = self.frames()
            check_pixel_budget(len(frames), size, "Size")
            # Before rendering every frame: a missing or read-only folder is said at once.
            check_writable_target(path)
        except FieldError as exc:
            self._show_problem(_sentence(exc.reason if exc.where in ("Size", "") else str(exc)), blocks=False)
            return False
        self._show_problem("")  # the last attempt's problem, if any, is past
        window = self._window
        self._job = AnimationExport(
            frames,
            gif_path=path,
            size=size,
            fps=self.fps_box.value(),
            theme=window.theme,
            show_sums=window.scene.show_sums(),
        )
        self._steps = self._job.steps()
        self.progress.setRange(0, self._job.total)
        self.progress.setValue(0)
        self.progress.show()
        self.stop_button.show()
        self.save_button.setEnabled(False)
        window.statusBar().showMessage(f"Exporting the animation to {path}...")
        self._timer.start()
        return True

    def is_exporting(self) -> bool:
        return self._job is not None

    @Slot()
    def _on_tick(self) -> None:
        assert self._job is not None and self._steps is not None
        job = self._job
        try:
            done = next(self._steps)
        except StopIteration:
            done = job.total
        except OSError as exc:  # a failed write (disk full...) is the person's to know, not a crash
            self._finish()
            where = exc.filename or job.gif_path
            self._show_problem(f"Could not write {show_path(str(where))}: {exc.strerror or exc}", blocks=False)
            self._window.statusBar().clearMessage()
            return
        except Exception as exc:
            self._finish()
            self._window.show_error("Could not export the animation", f"{job.gif_path}:\n{exc}")
            self._window.statusBar().clearMessage()
            return
        self.progress.setValue(done)
        if job.result is not None:
            result = job.result
            self._finish()
            width, height = job.renderer.width, job.renderer.height
            self._window.statusBar().showMessage(
                f"Wrote {result.gif_path}: {result.frame_count} frames, {width}x{height}", 10000
            )

    @Slot()
    def stop(self) -> None:
        """Stop an export: nothing is written."""
        if self._job is not None:
            self._finish()
            self._window.statusBar().showMessage("Animation export stopped; nothing written", 5000)

    def _finish(self) -> None:
        self._timer.stop()
        if self._job is not None:
            self._job.close()
        self._job = None
        self._steps = None
        self.progress.hide()
        self.stop_button.hide()
        self._show_problem(self.error_label.text() if self.error_label.isVisible() else "", self._blocked)

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)


def _sentence(text: str) -> str:
    """``text`` as the panel's one line: a capital first letter, no line breaks."""
    line = " ".join(text.split())
    return line[:1].upper() + line[1:]


def show_animation_panel(window: Any) -> AnimationPanel:
    """Show File > Export Animation's panel (created on first use) beside the window's top right."""
    panel = getattr(window, "animation_panel", None)
    if panel is None:
        panel = AnimationPanel(window)
        window.animation_panel = panel
    panel.refresh()
    if not panel.isVisible():
        panel.adjustSize()
        top_right = window.mapToGlobal(window.rect().topRight())
        panel.move(top_right.x() - panel.width() - 40, top_right.y() + 80)
    panel.show()
    panel.raise_()
    panel.activateWindow()
    return panel
