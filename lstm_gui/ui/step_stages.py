"""The window's side of stepping into a time step: Step Into, Step Out and
Run Through Stages enabled as the position allows, the stage in the status
bar, the pulse while Run plays stages.

The moves themselves are :mod:`lstm_gui.core.stages`' (through the
:class:`~lstm_gui.ui.stepper.Stepper`); the diagram draws the stage
(:mod:`lstm_gui.ui.diagram.stages`). The window imports this module, not the
other way round, so ``window`` is typed loosely.
"""

from __future__ import annotations

from typing import Any

from lstm_gui.core.stages import LAST_STAGE, stage
from lstm_gui.ui.stepper import Stepper


def status_suffix(stepper: Stepper) -> str:
    """``, stage 2 of 3: remember something new`` inside a step, else ""."""
    if not stepper.stage:
        return ""
    shown = stage(stepper.stage)
    return f", stage {shown.number} of {LAST_STAGE}: {shown.title}"


def update_actions(window: Any) -> None:
    """Step Into while there is a stage left to show; Step Out inside a step."""
    stepper: Stepper = window.stepper
    window.action_step_into.setEnabled(not stepper.at_end())
    window.action_step_out.setEnabled(stepper.stage != 0)


def on_stage_changed(window: Any, stage_number: int) -> None:
    """While Run plays stages, a pulse runs along the new stage's lines for
    one tick of the run speed."""
    stepper: Stepper = window.stepper
    if stage_number and stepper.is_running() and stepper.run_stages:
        window.scene.play_stage_pulse(int(1000 / stepper.speed))
