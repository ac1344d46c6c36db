"""The training settings as a form.

It shows the session's :class:`~lstm_gui.training.config.TrainConfig` (it
listens to the adapter's ``training_config_changed``), parses what a person
types (C-locale numbers, whole numbers) and leaves every rule to TrainConfig:
a refused value's :class:`~lstm_gui.core.errors.FieldError` is placed on its
field by ``where``. Each edit of one setting is one undo step
(:func:`~lstm_gui.ui.commands.settings_command`; edits of the same setting in
a row merge).
"""

from __future__ import annotations

from dataclasses import fields, replace
from functools import partial
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from lstm_gui.core.errors import FieldError
from lstm_gui.core.parsing import NumberError, parse_int, parse_number
from lstm_gui.core.session import Session
from lstm_gui.training.config import MAX_SEED, TrainConfig
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import SETTING_WORDS, settings_command
from lstm_gui.ui.training.controls import combo, format_value

INIT_CHOICES: tuple[tuple[str, str], ...] = (
    ("current", "Current weights"),
    ("statquest", "StatQuest's start"),
    ("random", "Random (seed)"),
    ("zeros", "Zeros"),
)
OPTIMIZER_CHOICES: tuple[tuple[str, str], ...] = (
    ("adam", "Adam"),
    ("sgd", "SGD with momentum"),
    ("rmsprop", "RMSprop"),
    ("adagrad", "Adagrad"),
)
ENGINE_CHOICES: tuple[tuple[str, str], ...] = (
    ("fast", "Fast (analytic gradients)"),
    ("torch", "Torch reference (autograd)"),
)
#: The training speed choices (epochs per second at most; None: no limit).
#: Not saved: a new window always trains as fast as possible.
SPEED_CHOICES: tuple[tuple[float | None, str], ...] = (
    (None, "As fast as possible"),
    (2000.0, "2000 epochs/s"),
    (200.0, "200 epochs/s"),
    (20.0, "20 epochs/s"),
)
#: A refused setting's field: a red frame (the reason is its tooltip).
INVALID_STYLE = "#{name} {{ border: 1px solid #d32f2f; background: #fff4f4; }}"


def changed_setting(before: TrainConfig, after: TrainConfig) -> str | None:
    """The one setting that differs, or ``None`` if several (or none) do."""
    changed = [f.name for f in fields(TrainConfig) if getattr(before, f.name) != getattr(after, f.name)]
    return changed[0] if len(changed) == 1 else None


def describe(error: FieldError) -> str:
    """``learning rate: expected ...``: the form's words for the field."""
    return f"{SETTING_WORDS.get(error.where, error.where)}: {error.reason}" if error.where else error.reason


class SettingsForm(QWidget):
    """The settings' fields and their error line.

    Signals
    -------
    lr_edited(float) : a person committed a new learning rate (a run going
        takes it at once).
    speed_changed(object, str) : the speed limit chosen (epochs per second,
        ``None``: none) and its label.
    """

    lr_edited = Signal(float)
    #: A refused setting's reason was shown (the panel unfolds the settings).
    settings_error_shown = Signal(str)
    speed_changed = Signal(object, str)

    def __init__(self, adapter: SessionAdapter, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._adapter = adapter
        self._undo_stack = undo_stack
        self._running = False
        #: The settings the form shows; an edit of one field changes this one field.
        self._shown_config: TrainConfig | None = None
        #: Refused settings: field (``""``: the settings as a whole) -> reason.
        self._setting_errors: dict[str, str] = {}

        self.init_box = combo("train_init", INIT_CHOICES)
        self.init_box.setToolTip(
            "The weights a run starts from. StatQuest's start: torch seed 42, the 8 weights drawn "
            "with torch.normal(0, 1), the 4 biases 0"
        )
        self.seed_box = QSpinBox()
        self.seed_box.setObjectName("train_seed")
        self.seed_box.setRange(0, MAX_SEED)
        self.seed_box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.seed_box.setToolTip("The seed of 'Random (seed)' start weights")
        self.optimizer_box = combo("train_optimizer", OPTIMIZER_CHOICES)
        self.lr_edit = QLineEdit()
        self.lr_edit.setObjectName("train_lr")
        self.lr_edit.setToolTip("Learning rate; a change while training takes effect at once")
        self.momentum_edit = QLineEdit()
        self.momentum_edit.setObjectName("train_momentum")
        self.momentum_edit.setToolTip("Momentum of SGD (0 = plain gradient descent)")
        self.epochs_edit = QLineEdit()
        self.epochs_edit.setObjectName("train_epochs")
        self.epochs_edit.setToolTip("How many times a run goes through the whole dataset")
        self.updates_box = combo("train_updates", (("per_sample", "Per sequence"), ("full_batch", "Per full batch")))
        self.updates_box.setToolTip(
            "One optimizer update per sequence (in table order, like StatQuest) or one per epoch on the summed loss"
        )
        self.stop_below_edit = QLineEdit()
        self.stop_below_edit.setObjectName("train_stop_below")
        self.stop_below_edit.setPlaceholderText("off")
        self.stop_below_edit.setToolTip("Stop early once the loss falls below this (empty: never)")
        self.engine_box = combo("train_engine", ENGINE_CHOICES)
        self.engine_box.setToolTip(
            "Fast: analytic gradients in float64 (checked against torch). Torch: autograd + torch.optim, the reference"
        )
        self.plot_mode_box = combo("train_plot_mode", (("continue", "Continue the plot"), ("new", "Start a new plot")))
        self.plot_mode_box.setToolTip("When training again: add to the curves, or start them afresh")
        self.speed_box = combo("train_speed", SPEED_CHOICES)
        self.speed_box.setToolTip(
            "How fast training goes: slower to watch the curves and the diagram change; takes effect at once"
        )
        self.speed_box.currentIndexChanged.connect(self._on_speed_changed)
        self.settings_error = QLabel()
        self.settings_error.setObjectName("train_settings_error")
        self.settings_error.setWordWrap(True)
        self.settings_error.setStyleSheet("color: #b00020;")
        self.settings_error.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Start weights", self.init_box)
        form.addRow("Random seed", self.seed_box)
        form.addRow("Optimizer", self.optimizer_box)
        form.addRow("Learning rate", self.lr_edit)
        form.addRow("Momentum", self.momentum_edit)
        form.addRow("Epochs", self.epochs_edit)
        form.addRow("Updates", self.updates_box)
        form.addRow("Stop below loss", self.stop_below_edit)
        form.addRow("Engine", self.engine_box)
        form.addRow("Plot", self.plot_mode_box)
        form.addRow("Speed", self.speed_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 4)
        layout.addLayout(form)
        layout.addWidget(self.settings_error)

        #: The TrainConfig field each control edits (FieldError.where -> widget).
        self._setting_widgets: dict[str, QWidget] = {
            "init": self.init_box,
            "seed": self.seed_box,
            "optimizer": self.optimizer_box,
            "lr": self.lr_edit,
            "momentum": self.momentum_edit,
            "epochs": self.epochs_edit,
            "per_sample": self.updates_box,
            "stop_below": self.stop_below_edit,
            "engine": self.engine_box,
        }
        # What a field's tooltip says again once its error is cleared.
        self._base_tooltips = {field: widget.toolTip() for field, widget in self._setting_widgets.items()}
        for field, widget in self._setting_widgets.items():
            if isinstance(widget, QLineEdit):
                widget.editingFinished.connect(partial(self._on_setting_edited, field))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(partial(self._on_setting_edited, field))
        self.seed_box.valueChanged.connect(partial(self._on_setting_edited, "seed"))
        adapter.training_config_changed.connect(self._on_config_changed)

    @property
    def session(self) -> Session:
        return self._adapter.session

    def set_running(self, running: bool) -> None:
        """While a run goes only the learning rate and the speed stay editable."""
        self._running = running
        self._update_enabled()

    def _update_enabled(self) -> None:
        editable = not self._running
        for widget in (
            self.init_box,
            self.optimizer_box,
            self.momentum_edit,
            self.epochs_edit,
            self.updates_box,
            self.stop_below_edit,
            self.engine_box,
            self.plot_mode_box,
        ):
            widget.setEnabled(editable)
        self.seed_box.setEnabled(editable and self.init_box.currentData() == "random")
        self.momentum_edit.setEnabled(editable and self.optimizer_box.currentData() == "sgd")

    def speed(self) -> float | None:
        """The chosen speed limit in epochs per second (None: as fast as possible)."""
        value = self.speed_box.currentData()
        return None if value is None else float(value)

    def continues_plot(self) -> bool:
        """Train again adds to the curves (else they start afresh)."""
        return bool(self.plot_mode_box.currentData() == "continue")

    @Slot(int)
    def _on_speed_changed(self, _index: int) -> None:
        self.speed_changed.emit(self.speed(), self.speed_box.currentText())

    # -- showing the session's settings ----------------------------------------
    @Slot(object)
    def _on_config_changed(self, config: TrainConfig) -> None:
        self.show_config(config)

    def show_config(self, config: TrainConfig, every_field: bool = False) -> None:
        """Show ``config``: the fields whose value changed (a field that still
        holds refused text keeps it while its value stays the same);
        ``every_field``: every field afresh, with no error left."""
        if every_field:
            self._setting_errors.clear()
        shown = None if every_field else self._shown_config
        blockers = [QSignalBlocker(widget) for widget in self._setting_widgets.values()]
        for field in self._setting_widgets:
            value = getattr(config, field)
            if shown is not None and getattr(shown, field) == value:
                continue
            if field == "seed":
                self.seed_box.setValue(int(value))
            elif field == "per_sample":
                self.updates_box.setCurrentIndex(0 if value else 1)
            elif field in ("init", "optimizer", "engine"):
                box = self._setting_widgets[field]
                assert isinstance(box, QComboBox)
                box.setCurrentIndex(max(0, box.findData(value)))
            elif field == "epochs":
                self.epochs_edit.setText(str(value))
            elif field == "stop_below":
                self.stop_below_edit.setText("" if value is None else format_value(value))
            else:
                edit = self._setting_widgets[field]
                assert isinstance(edit, QLineEdit)
                edit.setText(format_value(value))
            self._clear_setting_error(field)
            self._setting_errors.pop("", None)
        del blockers
        self._shown_config = config
        self._show_setting_errors()
        self._update_enabled()

    # -- reading what was typed ------------------------------------------------
    def _typed_setting(self, field: str) -> Any:
        """The value typed or chosen for ``field``. Only parsing happens here
        (C-locale numbers, whole numbers); whether the value is allowed is
        TrainConfig's rule. Raises ``FieldError(field, reason)``."""
        what = SETTING_WORDS[field]
        try:
            if field == "lr":
                return parse_number(self.lr_edit.text(), what)
            if field == "momentum":
                return parse_number(self.momentum_edit.text(), what)
            if field == "epochs":
                return parse_int(self.epochs_edit.text(), what)
            if field == "stop_below":
                text = self.stop_below_edit.text()
                return parse_number(text, what) if text.strip() else None
        except NumberError as error:  # a FieldError(what, reason): placed on the field
            raise FieldError(field, error.reason) from None
        if field == "seed":
            return self.seed_box.value()
        if field == "per_sample":
            return self.updates_box.currentData() == "per_sample"
        box = self._setting_widgets[field]
        assert isinstance(box, QComboBox)
        return box.currentData()

    def read_config(self) -> TrainConfig:
        """The settings as typed and chosen. Every refused field is marked;
        raises the first one's :class:`FieldError`."""
        values: dict[str, Any] = {}
        refused: list[FieldError] = []
        for field in self._setting_widgets:
            try:
                values[field] = self._typed_setting(field)
            except FieldError as unparsed:
                refused.append(unparsed)
        if not refused:
            try:
                config = TrainConfig(**values)
            except FieldError as broken_rule:
                refused.append(broken_rule)
            else:
                for field in list(self._setting_errors):
                    self._clear_setting_error(field)
                self._show_setting_errors()
                return config
        for error in refused:
            self._mark_setting_error(error)
        self._show_setting_errors()
        raise refused[0]

    def _on_setting_edited(self, field: str, *_: object) -> None:
        """A person changed one setting: the stored settings with that one
        value replaced (so a refused text elsewhere does not block this
        edit), one undo step; edits of the same setting in a row merge."""
        self._update_enabled()
        stored = self.session.training
        try:
            config = replace(stored, **{field: self._typed_setting(field)})
        except FieldError as error:
            self._mark_setting_error(error)
            self._show_setting_errors()
            return
        self._clear_setting_error(field)
        self._setting_errors.pop("", None)
        self._show_setting_errors()
        if config == stored:
            return
        self._undo_stack.push(settings_command(self.session, config, field))
        if field == "lr":
            self.lr_edited.emit(config.lr)

    # -- refused settings ------------------------------------------------------
    def _mark_setting_error(self, error: FieldError) -> None:
        self._setting_errors[error.where] = error.reason
        widget = self._setting_widgets.get(error.where)
        if widget is not None:
            widget.setStyleSheet(INVALID_STYLE.format(name=widget.objectName()))
            widget.setToolTip(describe(error))

    def _clear_setting_error(self, field: str) -> None:
        self._setting_errors.pop(field, None)
        widget = self._setting_widgets.get(field)
        if widget is not None:
            widget.setStyleSheet("")
            widget.setToolTip(self._base_tooltips[field])

    def _show_setting_errors(self) -> None:
        text = "; ".join(describe(FieldError(where, reason)) for where, reason in self._setting_errors.items())
        self.settings_error.setText(text)
        self.settings_error.setVisible(bool(text))
        if text:
            self.settings_error_shown.emit(text)
