"""The run controller: one :class:`~lstm_gui.ui.training.trainers.Trainer`
and what a run shows and leaves behind.

It owns the Train / Pause / Stop actions and the progress bar and status
line, starts, pauses, resumes and stops runs, keeps the live history (the
plot draws it), moves the diagram's preview on its own timer, and turns a
run's result into undo steps on the session: "Training (paused at epoch N)"
on Pause, "Training" when the run ends. It never reads the form: the panel
hands it a checked :class:`~lstm_gui.training.config.TrainConfig`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy

from lstm_gui.core.cell import CellParams
from lstm_gui.core.debugging import TrainingBreak
from lstm_gui.core.expressions import ExpressionError
from lstm_gui.core.preferences import plot_interval_ms
from lstm_gui.core.session import Session
from lstm_gui.training.child import TrainJob
from lstm_gui.training.config import TrainConfig, start_params
from lstm_gui.training.history import TrainingHistory
from lstm_gui.training.run import Progress, TrainResult
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import training_command
from lstm_gui.ui.training.controls import format_value
from lstm_gui.ui.training.plot import TrainingPlot
from lstm_gui.ui.training.trainers import Trainer, make_trainer

#: While training, one of the three plots is redrawn per tick of this timer
#: (ms): no single redraw stalls the window for long, and with 5-20 ms per
#: redraw each plot and the progress still change 20-30 times a second.
REFRESH_MS = 8
#: Move the diagram's preview at most this often (s): the window recomputes
#: and repaints the diagram, trace table and over-time plot for it (20-80 ms
#: offscreen, the largest pause while training; benchmarks/bench_responsive.py).
PREVIEW_INTERVAL = 0.2
STATUS_WORDS: dict[str, str] = {
    "finished": "Done",
    "stopped": "Stopped",
    "stopped_below": "Loss below the threshold",
    "diverged": "Diverged",
    "breakpoint": "Stopped at a breakpoint",
}


def format_seconds(seconds: float) -> str:
    """``75`` -> ``1 min 15 s``; ``--`` when unknown."""
    if not math.isfinite(seconds) or seconds < 0:
        return "--"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def finish_text(status: str, epochs: int, total: int, loss: float) -> str:
    """The status line after a run: "finished" only for one that did all its epochs."""
    if status == "finished":
        return f"Done: finished {epochs} epochs, loss {loss:.6g}"
    if status == "stopped":
        return f"Stopped at epoch {epochs} of {total}, loss {loss:.6g}"
    if status == "stopped_below":
        return f"Loss below the threshold at epoch {epochs}, loss {loss:.6g}"
    if status == "diverged":
        return f"Diverged after epoch {epochs}, loss {loss:.6g}"
    return f"{status.capitalize()} at epoch {epochs}, loss {loss:.6g}"


def enabled_training_breakpoints(session: Session) -> tuple[str, ...]:
    """The conditions a run pauses at: the session's enabled training breakpoints."""
    return tuple(b.condition for b in session.training_breakpoints if b.enabled)


class TrainingController(QObject):
    """Runs training and shows its progress.

    Signals
    -------
    running_changed(bool) : a run started or resumed (True), or ended or
        paused for edits (False).
    run_active_changed(bool) : a run (going or paused) began or ended.
    status_message(str) : a short note for the window's status bar.
    message(str) : a note for the person in the panel ("" hides it).
    breakpoint_paused(str, int) : the run paused itself at a training
        breakpoint: its condition and the history's epoch there.
    """

    running_changed = Signal(bool)
    run_active_changed = Signal(bool)
    status_message = Signal(str)
    message = Signal(str)
    breakpoint_paused = Signal(str, int)

    def __init__(
        self,
        adapter: SessionAdapter,
        undo_stack: QUndoStack,
        preview: Callable[[CellParams | None], None],
        plot: TrainingPlot,
        trainer: str | Trainer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._adapter = adapter
        self._undo_stack = undo_stack
        self._preview = preview
        self._plot = plot
        #: The running run's history (None when idle): the session's copied
        #: and continued, or a new one. The plot draws it; it becomes the
        #: session's when the run ends.
        self._run_history: TrainingHistory | None = None
        self._last_progress: Progress | None = None
        self._paused = False
        #: Paused, waiting for the run's paused report to make its weights the session's.
        self._pause_pending = False
        #: The run's epoch at the last "Training (paused ...)" step (None: none).
        self._pause_epoch: int | None = None
        #: The training breakpoint the run is paused at ("" when none, or resumed).
        self._break_condition = ""
        #: This run's epoch of the last breakpoint pause handled (a late copy of its report is not a new one).
        self._break_epoch: int | None = None
        self._dirty = False
        self._refresh_part = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._on_refresh)
        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(int(PREVIEW_INTERVAL * 1000))
        self._preview_timer.timeout.connect(self._on_preview_due)
        self._trainer = self._adopt_trainer(trainer)
        # Issue 12: training breakpoints edited during a run apply to it at once.
        adapter.training_breakpoints_changed.connect(self._on_training_breakpoints_changed)

        self.action_train = QAction("Train", self)
        self.action_train.setObjectName("action_train")
        self.action_train.setToolTip("Train the cell on the dataset with these settings (Ctrl+T)")
        self.action_train.setShortcut(QKeySequence("Ctrl+T"))
        self.action_pause = QAction("Pause", self)
        self.action_pause.setObjectName("action_pause")
        self.action_pause.setCheckable(True)
        self.action_pause.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.action_pause.setToolTip(
            "Pause the run: its weights become the session's and can be edited; press again to resume "
            "from them with the optimizer's state kept (Ctrl+Shift+P)"
        )
        self.action_pause.toggled.connect(self._on_pause_toggled)
        self.action_stop = QAction("Stop", self)
        self.action_stop.setObjectName("action_stop")
        self.action_stop.setShortcut(QKeySequence("Ctrl+."))
        self.action_stop.setToolTip("Stop the run and keep the weights reached so far (Ctrl+.)")
        self.action_stop.triggered.connect(self.stop_training)

        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("train_progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("Not trained yet")
        self.status_label = QLabel("Ready to train")
        self.status_label.setObjectName("train_status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its text changes 25 times a second while training: a size hint that
        # followed the text would re-layout (and repaint) the whole panel each
        # time. It has the strip's whole width, under the progress bar.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._update_enabled()

    @property
    def session(self) -> Session:
        return self._adapter.session

    # -- the trainer -------------------------------------------------------------
    @property
    def trainer(self) -> Trainer:
        """What runs the training (its signals show every progress report)."""
        return self._trainer

    def _adopt_trainer(self, trainer: str | Trainer) -> Trainer:
        adopted = make_trainer(trainer, self) if isinstance(trainer, str) else trainer
        if adopted.parent() is None:
            adopted.setParent(self)  # lives and dies with the controller (and its panel)
        adopted.progressed.connect(self._on_progress)
        adopted.finished.connect(self._on_finished)
        adopted.failed.connect(self._on_failed)
        return adopted

    def set_trainer(self, trainer: str | Trainer) -> None:
        """Train with ``trainer`` from the next run on; ends any run without applying it."""
        self.discard_run()
        old = self._trainer
        for signal, slot in (
            (old.progressed, self._on_progress),
            (old.finished, self._on_finished),
            (old.failed, self._on_failed),
        ):
            signal.disconnect(slot)
        if old.parent() is self:
            old.deleteLater()
        self._trainer = self._adopt_trainer(trainer)

    # -- state -------------------------------------------------------------------
    def in_run(self) -> bool:
        """A run goes or is paused (its result is not yet the session's)."""
        return self._run_history is not None

    def can_start(self) -> bool:
        return self._run_history is None and not self._trainer.is_running()

    def is_training(self) -> bool:
        """True while a run changes the weights; False when idle and while
        a run is paused for edits (its weights are then the session's)."""
        return self._trainer.is_running() and self._pause_epoch is None

    def show_history(self, history: TrainingHistory | None) -> None:
        """The session's history on the plot, with its last epoch and loss
        (or "Not trained yet") as progress and status (when no run goes)."""
        self._plot.show_history(history)
        if history is not None and len(history):
            epoch, loss = history.last_epoch, float(history.loss[-1])
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1)
            self.progress_bar.setFormat(f"Trained to epoch {epoch} · loss {loss:.6g}")
            self.status_label.setText(f"Epoch {epoch}, loss {loss:.6g}")
        else:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("Not trained yet")
            self.status_label.setText("Ready to train")

    def _update_enabled(self) -> None:
        training = self._run_history is not None
        self.action_train.setEnabled(not training)
        self.action_pause.setEnabled(training)
        self.action_stop.setEnabled(training)

    # -- settings that a run takes at once ---------------------------------------
    @Slot(float)
    def on_lr_edited(self, lr: float) -> None:
        if self._run_history is not None:
            self._trainer.set_lr(lr)
            self.status_message.emit(f"Learning rate now {format_value(lr)}")

    @Slot(object, str)
    def on_speed_changed(self, speed: float | None, label: str) -> None:
        if self._run_history is not None:
            self._trainer.set_max_rate(speed)
            self.status_message.emit(f"Training speed: {label}")

    @Slot(object)
    def _on_training_breakpoints_changed(self, _breakpoints: object) -> None:
        if self._run_history is None:
            return
        stop_when = enabled_training_breakpoints(self.session)
        try:
            for condition in stop_when:
                TrainingBreak(condition, len(self.session.dataset), "training breakpoint")
        except ExpressionError as error:  # the session checked them; only a dataset change could do this
            self.message.emit(f"This run keeps its breakpoints: training breakpoint {error.reason}")
            return
        self._trainer.set_stop_when(stop_when)
        self.status_message.emit(
            f"This run now pauses at: {'; '.join(stop_when)}" if stop_when else "This run now pauses at no breakpoint"
        )

    # -- running -----------------------------------------------------------------
    def start(self, config: TrainConfig, continue_plot: bool, speed: float | None) -> None:
        """Start a new run (a fresh optimizer) on the session's dataset with
        ``config`` (already checked); ``continue_plot``: the session's history
        goes on, else a new one starts."""
        session = self.session
        try:
            params = start_params(config, session.params)
        except (ValueError, KeyError) as error:
            self.message.emit(f"Cannot train: {error}")
            return
        stop_when = enabled_training_breakpoints(session)
        try:
            for condition in stop_when:
                TrainingBreak(condition, len(session.dataset), "training breakpoint")
        except ExpressionError as error:  # e.g. out_3 after the dataset lost sequences
            self.message.emit(f"Cannot train: training breakpoint {error.reason}")
            return
        names = tuple(item.name for item in session.dataset)
        history = session.history if continue_plot else None
        if history is not None and history.sequence_count != len(names):
            history = None  # the old outputs do not match the sequences any more
        tail: TrainingHistory | None = None
        if history is not None and len(history):
            # The run continues the epoch count from a one-row copy of the
            # history's end; its rows come back in the progress reports and
            # are appended to a copy of the session's history (the session
            # keeps its own until the run's result is one undo step).
            run_history = history.copy()
            tail = TrainingHistory(history.sequence_names)
            tail.append_chunk(history.chunk(len(history) - 1))
            tail.run_starts = []
            first_epoch, start_x = history.last_epoch, float(history.epochs[0])
        else:
            run_history = TrainingHistory(names)
            first_epoch, start_x = 0, 0.0
        self._last_progress = None
        self._refresh_part = 0
        self._pause_epoch = None
        self._break_condition, self._break_epoch = "", None
        self.message.emit("")
        self._set_run(run_history)
        self.progress_bar.setRange(0, config.epochs)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Starting…")
        self.status_label.setText("Training…")
        self._plot.show_history(run_history)
        self._plot.set_live(True, (start_x, float(first_epoch + config.epochs)))
        self._trainer.start(
            TrainJob(
                params.to_flat(),
                session.dataset,
                config,
                tail,
                max_rate=speed,
                stop_when=stop_when,
                pause_at_break=True,  # a training breakpoint pauses the run; Resume goes on
            )
        )
        self._preview(params)
        self._refresh_timer.start()
        self._preview_timer.start()
        self.running_changed.emit(True)

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        if not self._trainer.is_running():
            return
        self._paused = paused
        if paused:
            self._trainer.pause()
            self._preview_timer.stop()
            # The run's paused report brings its weights (see _on_progress).
            self._pause_pending = True
            self.action_pause.setText("Resume")
            self.progress_bar.setFormat(self.progress_bar.format().split(" · paused")[0] + " · paused")
        else:
            self._pause_pending = False
            self._break_condition = ""
            if self._pause_epoch is not None:
                # Continue from the session's weights: edited, undone, or as reached.
                params = self.session.params
                self._trainer.set_params(params.to_flat())
                self._pause_epoch = None
                self._preview(params)
                self.running_changed.emit(True)
            self._trainer.resume()
            self._preview_timer.start()
            self.action_pause.setText("Pause")

    def _commit_pause(self, progress: Progress) -> None:
        """The paused run's weights and history become the session's (one
        undo step) and the diagram shows them editable."""
        history = self._run_history
        if history is None:
            return
        epoch = history.last_epoch
        params = CellParams.from_flat(progress.weights)
        self._pause_epoch = progress.epoch
        if progress.epoch > 0 or params != self.session.params:
            # (Paused before the first epoch from the current weights: nothing changed, no step.)
            command = training_command(
                self.session, params, history.copy(), replace(self.session.training, init="current")
            )
            command.setText(f"Training (paused at epoch {epoch})")
            self._undo_stack.push(command)
        self._preview(None)
        self.status_label.setText(self._paused_text(epoch, progress.epoch, self._break_condition))
        self.running_changed.emit(False)
        if self._break_condition:
            self.status_message.emit(f"Training paused at epoch {epoch}: {self._break_condition}")
            self.breakpoint_paused.emit(self._break_condition, epoch)

    @staticmethod
    def _paused_text(epoch: int, of_run: int, condition: str = "") -> str:
        """The history's epoch (as the undo step and the epoch slider count),
        and this run's when they differ (a run that continued a history);
        the training breakpoint that paused it, if one did."""
        within = f" ({of_run} of this run)" if of_run != epoch else ""
        if condition:
            return f"Paused at epoch {epoch}{within}: {condition} holds (a training breakpoint); Resume goes on"
        return f"Paused at epoch {epoch}{within}: edit the weights, then Resume"

    @Slot()
    def stop_training(self) -> None:
        if self._run_history is not None:
            self._trainer.stop()
            self.progress_bar.setFormat("Stopping…")

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        history = self._run_history
        if history is None:
            return  # the last words of a run that was discarded
        if progress.new_rows is not None:
            history.append_chunk(progress.new_rows)  # the plot draws it at its next refresh
        self._last_progress = progress
        self._dirty = True
        if progress.paused and progress.stopped_by and not self._paused and progress.epoch != self._break_epoch:
            # The run paused itself at a training breakpoint: as if Pause were pressed there.
            self._break_condition, self._break_epoch = progress.stopped_by, progress.epoch
            self.action_pause.setChecked(True)  # -> _on_pause_toggled: the pause is committed below
        if progress.paused and self._pause_pending and self._paused:
            self._pause_pending = False
            self._commit_pause(progress)

    def set_plot_rate(self, rate: int) -> None:
        """Redraw each training plot at most ``rate`` times a second (Preferences);
        REFRESH_MS is the tick at the default 40."""
        self._refresh_timer.setInterval(plot_interval_ms(rate, TrainingPlot.PARTS))

    def plot_interval_ms(self) -> int:
        """The redraw tick now (ms; one plot per tick)."""
        return self._refresh_timer.interval()

    @Slot()
    def _on_refresh(self) -> None:
        """One part of a redraw per timer tick (see REFRESH_MS): the progress
        and the loss plot, the outputs plot, then the weights plot. Several
        short pauses of the event loop instead of one long one."""
        part = self._refresh_part
        if part == 0:
            if not self._dirty:
                return
            self._dirty = False
            self._plot.prepare()
            self._show_progress()
        self._plot.refresh_part(part)
        self._refresh_part = (part + 1) % TrainingPlot.PARTS

    @Slot()
    def _on_preview_due(self) -> None:
        """The diagram follows the live weights (its own timer and turn)."""
        progress = self._last_progress
        if progress is not None and self._run_history is not None:
            self._preview(CellParams.from_flat(progress.weights))

    def _show_progress(self) -> None:
        progress = self._last_progress
        if progress is None:
            return
        self.progress_bar.setRange(0, max(1, progress.epochs_total))
        self.progress_bar.setValue(progress.epoch)
        text = (
            f"epoch {progress.epoch} / {progress.epochs_total} · loss {progress.loss:.6g}"
            f" · {progress.epochs_per_second:,.0f} epochs/s · {format_seconds(progress.seconds_left)} left"
        )
        status = f"Epoch {progress.epoch}, loss {progress.loss:.6g}"
        if self._paused or progress.paused:
            text = f"paused · epoch {progress.epoch} / {progress.epochs_total} · loss {progress.loss:.6g}"
            if self._pause_epoch is not None and self._run_history is not None:
                status = self._paused_text(self._run_history.last_epoch, progress.epoch, self._break_condition)
        self.progress_bar.setFormat(text)
        self.status_label.setText(status)

    def _end_run(self) -> None:
        self._refresh_timer.stop()
        self._preview_timer.stop()
        self._plot.set_live(False)
        self._preview(None)
        self._set_run(None)
        self.running_changed.emit(False)

    def _set_run(self, history: TrainingHistory | None) -> None:
        """A run begins with ``history`` (not paused) or ends (``None``)."""
        self._run_history = history
        self._paused = False
        self._pause_pending = False
        self._break_condition = ""
        with QSignalBlocker(self.action_pause):
            self.action_pause.setChecked(False)
            self.action_pause.setText("Pause")
        self._update_enabled()
        self.run_active_changed.emit(history is not None)

    def discard_run(self) -> None:
        """Stop and join the trainer; a run in flight ends without a result."""
        in_flight = self._run_history is not None
        self._run_history = None  # whatever it still reports is not applied
        self._trainer.shutdown(1.0)
        if in_flight:
            self._end_run()

    @Slot(object)
    def _on_finished(self, result: TrainResult) -> None:
        history = self._run_history
        if history is None:
            return  # discarded
        self._plot.refresh()
        # Epochs done since the last step this run made (its start, or a pause).
        paused_step = self._pause_epoch is not None
        epochs_since = result.epochs - (self._pause_epoch or 0)
        self._pause_epoch = None
        self._end_run()
        session = self.session
        # After a pause step, only epochs since then are news (the session may
        # hold edits the run never saw); otherwise epochs or new start weights.
        changed = epochs_since > 0 or (not paused_step and result.params != session.params)
        if changed:
            # Train again continues from the reached (or then edited) weights,
            # not from the chosen start again; undo brings the choice back.
            config = replace(session.training, init="current")
            self._undo_stack.push(training_command(session, result.params, history, config))
        # else: a run that changed nothing (stopped before its first epoch from
        # the current weights, or right after a pause whose step is already
        # there) adds no undo step.
        total = self._last_progress.epochs_total if self._last_progress is not None else result.epochs
        word = STATUS_WORDS.get(result.status, result.status.capitalize())
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(result.epochs, max(1, total)))
        self.progress_bar.setFormat(f"{word} · epoch {result.epochs} / {total} · loss {result.loss:.6g}")
        self.status_label.setText(finish_text(result.status, result.epochs, total, result.loss))
        if result.stopped_by:
            self.status_label.setText(f"Stopped at epoch {result.epochs}: {result.stopped_by}, loss {result.loss:.6g}")
        if result.status == "diverged":
            lr = session.training.lr
            self.message.emit(
                result.message
                or f"Training stopped at epoch {result.epochs}: the loss became NaN or infinite "
                f"(learning rate {format_value(lr)} is too large). The last finite weights were kept."
            )
            self.status_message.emit("Training diverged; the last finite weights were kept")
        else:
            self.status_message.emit(f"Training {word.lower()} after {result.epochs} epochs, loss {result.loss:.6g}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._run_history is None:
            return  # discarded
        self._pause_epoch = None
        self._end_run()
        self.progress_bar.setFormat("Failed")
        self.status_label.setText("Failed: finished without a result")
        self.message.emit(f"Training failed, the weights are unchanged: {message}")
        self.status_message.emit("Training failed")
