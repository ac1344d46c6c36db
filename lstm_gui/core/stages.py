"""The three stages of one time step, the way StatQuest's video tells them.

A time step is computed in one go (:func:`lstm_gui.core.cell.run`), but the
video explains it in three stages, and "Step Into" walks through them:

1. *forget*: the forget gate and the kept long-term memory;
2. *remember something new*: the input gate, the candidate, their product
   and the new long-term memory;
3. *output*: tanh of the new long-term memory, the output gate and the new
   short-term memory.

Each :class:`Stage` names the trace values it computes (by their
:data:`~lstm_gui.core.cell.TRACE_FIELDS` names), the parts of the diagram it
lights (by the ids the diagram scene gives its items, :data:`DIAGRAM_PARTS`)
and writes its formula with the step's numbers. A :class:`StepPosition`
(step, stage) says where a person is; stage 0 is the whole step, the normal
view. The moves between positions are pure functions here, so the window's
Step Into, Step Out, Step back and Run-through-stages share one rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lstm_gui.core.cell import TRACE_FIELDS, CellParams, StepTrace
from lstm_gui.core.formatting import format_cell, format_weight
from lstm_gui.core.vocabulary import GATE_ACTIVATION

#: Trace values known before a step begins: what flows in.
INPUT_KEYS: tuple[str, ...] = ("step", "x", "long_prev", "short_prev")

#: The diagram's parts a stage can light, by the ids the scene tags its items
#: with. The short-term memory and input lines (``short_line``, ``x_line``)
#: feed every gate, so every stage lights them.
DIAGRAM_PARTS: tuple[str, ...] = (
    "heading_1",
    "heading_2",
    "heading_3",
    "short_line",
    "x_line",
    "long_in",
    "forget_feed",
    "forget_block",
    "forget_out",
    "forget_node",
    "long_kept",
    "input_feed",
    "input_block",
    "input_out",
    "candidate_feed",
    "candidate_block",
    "candidate_out",
    "product_node",
    "added_line",
    "add_node",
    "long_out",
    "tanh_feed",
    "tanh_block",
    "tanh_out",
    "output_feed",
    "output_block",
    "output_out",
    "out_node",
    "short_out",
)


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a time step.

    Attributes
    ----------
    number : 1, 2 or 3 (the order the video tells them).
    id : a short name (``forget``, ``remember``, ``output``).
    title : the video's words for it.
    keys : the trace values this stage computes, in the order it computes them.
    parts : the diagram parts it lights (ids from :data:`DIAGRAM_PARTS`).
    """

    number: int
    id: str
    title: str
    keys: tuple[str, ...]
    parts: tuple[str, ...]

    @property
    def heading(self) -> str:
        """``Stage 1 of 3: forget``: the caption's first line."""
        return f"Stage {self.number} of {len(STAGES)}: {self.title}"


STAGES: tuple[Stage, ...] = (
    Stage(
        1,
        "forget",
        "forget",
        ("forget_pre", "forget", "long_remembered"),
        (
            "heading_1",
            "short_line",
            "x_line",
            "long_in",
            "forget_feed",
            "forget_block",
            "forget_out",
            "forget_node",
            "long_kept",
        ),
    ),
    Stage(
        2,
        "remember",
        "remember something new",
        ("input_pre", "input", "candidate_pre", "candidate", "long_added", "long"),
        (
            "heading_2",
            "short_line",
            "x_line",
            "long_kept",
            "input_feed",
            "input_block",
            "input_out",
            "candidate_feed",
            "candidate_block",
            "candidate_out",
            "product_node",
            "added_line",
            "add_node",
            "long_out",
        ),
    ),
    Stage(
        3,
        "output",
        "output",
        ("long_tanh", "output_pre", "output", "short"),
        (
            "heading_3",
            "short_line",
            "x_line",
            "tanh_feed",
            "tanh_block",
            "tanh_out",
            "output_feed",
            "output_block",
            "output_out",
            "out_node",
            "short_out",
        ),
    ),
)

#: The last stage's number (stage 0 is the whole step).
LAST_STAGE = len(STAGES)


def stage(number: int) -> Stage:
    """The stage numbered ``number`` (1 to 3); ``ValueError`` otherwise."""
    if not 1 <= number <= LAST_STAGE:
        raise ValueError(f"stage: expected 1 to {LAST_STAGE}, got {number}")
    return STAGES[number - 1]


def computed_keys(stage_number: int) -> tuple[str, ...]:
    """The trace values known once stage ``stage_number`` is done, in
    :data:`TRACE_FIELDS` order; stage 0 (the whole step) knows them all."""
    if stage_number == 0:
        return TRACE_FIELDS
    known = set(INPUT_KEYS)
    for number in range(1, stage_number + 1):
        known.update(stage(number).keys)
    return tuple(key for key in TRACE_FIELDS if key in known)


def pending_keys(stage_number: int) -> tuple[str, ...]:
    """The trace values not yet computed at stage ``stage_number`` (shown as
    pending on the diagram), in :data:`TRACE_FIELDS` order."""
    known = set(computed_keys(stage_number))
    return tuple(key for key in TRACE_FIELDS if key not in known)


# -- formulas -----------------------------------------------------------------------


def _term(text: str) -> str:
    """A negative number inside a sum, in brackets: ``+ (-0.19)``."""
    return f"({text})" if text.startswith("-") else text


def _value(value: float) -> str:
    """A computed value, as the diagram rounds it (exponent form when huge,
    so a caption never holds a 300-digit number)."""
    return format_cell(value)


def _given(value: float) -> str:
    """A weight, input or memory as its field shows it (``2.70``, ``0.2764``),
    or in exponent form when huge."""
    cell = format_cell(value)
    return cell if not math.isfinite(value) or "e" in cell else format_weight(value)


def gate_line(gate: str, params: CellParams, step: StepTrace) -> str:
    """``forget = sigmoid(2.70 x 1.00 + 1.63 x 1.00 + 1.62) = 0.9974``.

    Weights as their fields show them; the incoming short-term memory and
    input the same way (two decimals when exact); the result rounded for
    display, like every value on the diagram.
    """
    g = params.gate(gate)
    w = _given
    return (
        f"{gate} = {GATE_ACTIVATION[gate]}({_term(w(g.w_short))} x {_term(w(step.short_prev))}"
        f" + {_term(w(g.w_input))} x {_term(w(step.x))} + {_term(w(g.bias))})"
        f" = {_value(getattr(step, gate))}"
    )


def stage_formulas(stage_number: int, params: CellParams, step: StepTrace) -> tuple[str, ...]:
    """Each value stage ``stage_number`` computes, as a formula with the
    step's numbers, one line each (``long_remembered = 0.9974 x 2.00 = 1.9948``)."""
    fmt = _value
    stage_id = stage(stage_number).id
    if stage_id == "forget":
        return (
            gate_line("forget", params, step),
            f"long_remembered = {fmt(step.forget)} x {_term(_given(step.long_prev))} = {fmt(step.long_remembered)}",
        )
    if stage_id == "remember":
        return (
            gate_line("input", params, step),
            gate_line("candidate", params, step),
            f"long_added = {fmt(step.input)} x {_term(fmt(step.candidate))} = {fmt(step.long_added)}",
            f"long = {fmt(step.long_remembered)} + {_term(fmt(step.long_added))} = {fmt(step.long)}",
        )
    return (
        f"long_tanh = tanh({fmt(step.long)}) = {fmt(step.long_tanh)}",
        gate_line("output", params, step),
        f"short = {fmt(step.output)} x {_term(fmt(step.long_tanh))} = {fmt(step.short)}",
    )


def stage_text(stage_number: int, params: CellParams, step: StepTrace) -> str:
    """The stage's heading and its formulas, one per line (the diagram's caption)."""
    return "\n".join((stage(stage_number).heading, *stage_formulas(stage_number, params, step)))


# -- where a person is ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class StepPosition:
    """A place in the stepped sequence: a step (0 = before the first input)
    and a stage inside it (0 = the whole step, 1..3 inside it). Step 0 has no
    stages."""

    step: int
    stage: int = 0

    def __post_init__(self) -> None:
        if self.step < 0:
            raise ValueError(f"step: expected 0 or more, got {self.step}")
        if not 0 <= self.stage <= LAST_STAGE:
            raise ValueError(f"stage: expected 0 to {LAST_STAGE}, got {self.stage}")
        if self.step == 0 and self.stage != 0:
            raise ValueError("stage: step 0 (before the first input) has no stages")

    @property
    def inside(self) -> bool:
        """True inside a step (a stage shown), False for a whole step."""
        return self.stage != 0


def clamp(pos: StepPosition, n: int) -> StepPosition:
    """``pos`` within a trace of ``n`` steps: past the end is the last step, whole."""
    if pos.step > n:
        return StepPosition(max(0, n))
    return pos


def next_pos(pos: StepPosition, n: int) -> StepPosition:
    """One stage on: a whole step enters the next one at stage 1, a stage
    moves to the next, the last stage completes its step (stage 0). The last
    step, whole, stays where it is."""
    pos = clamp(pos, n)
    if pos.stage == 0:
        return StepPosition(pos.step + 1, 1) if pos.step < n else pos
    if pos.stage < LAST_STAGE:
        return StepPosition(pos.step, pos.stage + 1)
    return StepPosition(pos.step)


def prev_pos(pos: StepPosition, n: int) -> StepPosition:
    """The inverse of :func:`next_pos`: a whole step goes back to its last
    stage, stage 1 to the step before (whole); step 0 stays."""
    pos = clamp(pos, n)
    if pos.stage == 0:
        return StepPosition(pos.step, LAST_STAGE) if pos.step > 0 else pos
    if pos.stage > 1:
        return StepPosition(pos.step, pos.stage - 1)
    return StepPosition(pos.step - 1)


def step_into(pos: StepPosition, n: int) -> StepPosition:
    """Step Into (F11): enter the next step at stage 1, or go to the next
    stage; from the last stage the step completes. Same as :func:`next_pos`."""
    return next_pos(pos, n)


def step_out(pos: StepPosition, n: int) -> StepPosition:
    """Step Out (Shift+F11): finish the step, i.e. show it whole."""
    return StepPosition(clamp(pos, n).step)


def step_back(pos: StepPosition, n: int) -> StepPosition:
    """Step back: inside a step, one stage back (stage 1 goes to the step
    before, whole); a whole step goes to the whole step before."""
    pos = clamp(pos, n)
    if pos.inside:
        return prev_pos(pos, n)
    return StepPosition(max(0, pos.step - 1))
