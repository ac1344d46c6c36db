"""Undo commands: each one calls a session method for redo and for undo.

:class:`SetValueCommand` is the general shape (a setter, the value before and
after); the helpers below build it for each session attribute, and the
training panel can reuse them. Commands with the same ``merge_key`` pushed in
a row merge into one undo step (typing into the same field); typed weight
edits do not merge (every committed edit is its own step), the moves of one
drag on a weight do (``merge_key=f"drag:{drag_id}"``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from lstm_gui.core.cell import CellParams
from lstm_gui.core.cells import CELLS
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.debugging import Breakpoint, Watch
from lstm_gui.core.formatting import format_full
from lstm_gui.core.landscape import LandscapeChoice
from lstm_gui.core.session import Session
from lstm_gui.core.vocabulary import GATE_WORDS, ROLE_WORDS
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.history import TrainingHistory


class SetValueCommand(QUndoCommand):
    """Set one thing through ``setter``: ``redo`` sets ``after``, ``undo`` ``before``.

    Parameters
    ----------
    text : what the Edit menu says ("Set forget gate bias").
    setter : called with the value; normally a bound session method.
    before, after : immutable values.
    merge_key : commands with the same key pushed in a row become one step.
    """

    def __init__(
        self,
        text: str,
        setter: Callable[[Any], None],
        before: Any,
        after: Any,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(text)
        self._setter = setter
        self.before = before
        self.after = after
        self._merge_key = merge_key

    def id(self) -> int:
        if self._merge_key is None:
            return -1
        return zlib.crc32(self._merge_key.encode()) & 0x7FFFFFFF

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetValueCommand) or other._merge_key != self._merge_key:
            return False
        self.after = other.after
        self.setText(other.text())  # the Edit menu names the value reached
        return True

    def redo(self) -> None:
        self._setter(self.after)

    def undo(self) -> None:
        self._setter(self.before)


def params_command(session: Session, params: CellParams, text: str = "Set weights") -> SetValueCommand:
    return SetValueCommand(text, session.set_params, session.params, params)


def weight_command(
    session: Session, gate: str, role: str, value: float, merge_key: str | None = None
) -> SetValueCommand:
    """One weight or bias edit: its own undo step, or merged with the commands
    pushed just before it that have the same ``merge_key`` (one drag)."""
    text = f"Set {GATE_WORDS[gate]} {ROLE_WORDS[role]} to {format_full(value)}"
    params = session.params.with_value(gate, role, value)
    return SetValueCommand(text, session.set_params, session.params, params, merge_key=merge_key)


def inputs_command(session: Session, inputs: Sequence[float], text: str = "Edit inputs") -> SetValueCommand:
    return SetValueCommand(text, session.set_inputs, session.inputs, tuple(float(x) for x in inputs))


def memories_command(
    session: Session, long0: float, short0: float, text: str = "Set initial memories"
) -> SetValueCommand:
    return SetValueCommand(
        text,
        lambda pair: session.set_memories(*pair),
        (session.long0, session.short0),
        (float(long0), float(short0)),
    )


def target_command(session: Session, target: float | None, text: str | None = None) -> SetValueCommand:
    """The free inputs' target (one undo step per committed edit)."""
    if text is None:
        text = "Clear the target" if target is None else f"Set the target to {format_full(target)}"
    return SetValueCommand(text, session.set_target, session.target, None if target is None else float(target))


def dataset_command(session: Session, dataset: Sequence[DatasetItem], text: str = "Edit dataset") -> SetValueCommand:
    return SetValueCommand(text, session.set_dataset, session.dataset, tuple(dataset))


#: What the Edit menu calls each training setting ("Undo Change learning rate").
SETTING_WORDS: dict[str, str] = {
    "optimizer": "optimizer",
    "lr": "learning rate",
    "momentum": "momentum",
    "epochs": "epochs",
    "per_sample": "updates",
    "init": "start weights",
    "seed": "random seed",
    "stop_below": "stop below loss",
    "engine": "engine",
}


def settings_command(session: Session, config: TrainConfig, field: str | None = None) -> SetValueCommand:
    """New training settings. ``field``: the one setting that changed; edits
    of the same setting in a row merge into one undo step (typing a learning
    rate twice), edits of another setting are a step of their own."""
    if field is None:
        return SetValueCommand("Change training settings", session.set_training, session.training, config)
    return SetValueCommand(
        f"Change {SETTING_WORDS.get(field, field)}",
        session.set_training,
        session.training,
        config,
        merge_key=f"training.{field}",
    )


#: Weights, history and settings: what a run changes.
TrainingState = tuple[CellParams, TrainingHistory | None, TrainConfig]


def training_command(
    session: Session, params: CellParams, history: TrainingHistory | None, config: TrainConfig
) -> SetValueCommand:
    """A run's result as one undo step "Training": the reached weights, the
    history and the settings the run leaves behind (``init="current"``, so
    Train again continues); undo brings back all three as they were."""

    def apply(state: TrainingState) -> None:
        params, history, config = state
        session.set_params(params)
        session.set_history(history)
        session.set_training(config)

    before: TrainingState = (session.params, session.history, session.training)
    after: TrainingState = (params, history, config)
    return SetValueCommand("Training", apply, before, after)


def breakpoints_command(
    session: Session, breakpoints: Sequence[Breakpoint], text: str, training: bool = False
) -> SetValueCommand:
    """The step breakpoints (or, ``training``, the training breakpoints) after
    an add, edit, enable or remove: one undo step named by ``text``
    ("Add breakpoint forget < 0.1")."""
    if training:
        return SetValueCommand(text, session.set_training_breakpoints, session.training_breakpoints, tuple(breakpoints))
    return SetValueCommand(text, session.set_breakpoints, session.breakpoints, tuple(breakpoints))


def watches_command(session: Session, watches: Sequence[Watch], text: str) -> SetValueCommand:
    """The watches after an add, edit, table/plot toggle or remove: one undo step."""
    return SetValueCommand(text, session.set_watches, session.watches, tuple(watches))


def landscape_command(session: Session, choice: LandscapeChoice) -> SetValueCommand:
    """New choices for the loss landscape (weights, ranges, grid): one undo step."""
    return SetValueCommand("Change loss landscape", session.set_landscape, session.landscape, choice)


def landscape_point_command(session: Session, params: CellParams, choice: LandscapeChoice) -> SetValueCommand:
    """A point clicked on the loss landscape: its weights, and the ranges
    pinned where they were shown (otherwise a range that follows the current
    value would move the picture under the pointer); one undo step."""

    def apply(state: tuple[CellParams, LandscapeChoice]) -> None:
        session.set_params(state[0])
        session.set_landscape(state[1])

    return SetValueCommand(
        "Set weights from the loss landscape", apply, (session.params, session.landscape), (params, choice)
    )


def comparison_weight_command(
    session: Session, kind: str, index: int, value: float, merge_key: str | None = None
) -> SetValueCommand:
    """One weight of a comparison cell (``kind``: ``rnn`` or ``gru``; ``index``
    in its :attr:`~lstm_gui.core.cells.CellKind.param_names` order): its own
    undo step, or merged with the moves of the same drag (``merge_key``)."""
    cell = CELLS[kind]
    weights = list(session.comparison_weights(kind))
    weights[index] = float(value)
    return SetValueCommand(
        f"Set {cell.title} {cell.param_names[index]} to {format_full(value)}",
        lambda values: session.set_comparison_weights(kind, values),
        session.comparison_weights(kind),
        tuple(weights),
        merge_key=merge_key,
    )


def comparison_training_command(
    session: Session, params: CellParams, comparison: dict[str, tuple[float, ...]]
) -> SetValueCommand:
    """A comparison training's weights applied: the LSTM's and the comparison
    cells' in one undo step (the LSTM's history is left as it was)."""

    def apply(state: tuple[CellParams, dict[str, tuple[float, ...]]]) -> None:
        session.set_params(state[0])
        session.set_comparison(state[1])

    return SetValueCommand(
        "Apply comparison training", apply, (session.params, session.comparison), (params, dict(comparison))
    )
