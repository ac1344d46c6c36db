"""What an animation of the cell holds, without a screen: its size and speed
(the only owner of their rules), the sequence it steps, and the positions of
its frames.

The frames are positions ``(step, stage)``: step 0 is the start (before the
first input), step k the cell after input k. Stage 0 is the whole step; with
stages (``lstm-gui animate --stages``) each step first shows its three
stages (:mod:`lstm_gui.core.stages`: forget, remember something new,
output), the way Step Into walks through them, and then the whole step.
:func:`frame_positions` is the one place that lists them, and the renderer
draws whatever it yields. A training replay is a list of history rows
(:func:`sample_rows`) and always shows whole steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lstm_gui.core.errors import FieldError, finite_number
from lstm_gui.core.formatting import format_number, quote_value
from lstm_gui.core.limits import (
    MAX_ANIMATION_FRAMES,
    MAX_ANIMATION_PIXELS,
    MAX_ANIMATION_SIDE,
    MIN_ANIMATION_SIDE,
)
from lstm_gui.core.session import Session
from lstm_gui.core.stages import LAST_STAGE, stage

#: Slide-friendly 16:9 by default; the diagram is letterboxed into any size.
DEFAULT_SIZE = (800, 450)
#: One step a second: time to read the values on a projector.
DEFAULT_FPS = 1.0
MIN_FPS = 0.1
#: Browsers slow GIF frames shorter than 20 ms down to 100 ms: 50 fps at most.
MAX_FPS = 50.0
#: A training replay samples at most this many of the history's rows.
MAX_REPLAY_FRAMES = 100
#: The name of the free input sequence (the strip's, not a dataset sequence).
FREE_INPUTS = "free inputs"

_SIZE = re.compile(r"\s*(\d{1,6})\s*[xX\u00d7]\s*(\d{1,6})\s*")


def check_size(width: int, height: int, where: str = "size") -> tuple[int, int]:
    """``(width, height)`` if both sides are within the limits, else :class:`FieldError`."""
    for side, value in (("width", width), ("height", height)):
        if not MIN_ANIMATION_SIDE <= value <= MAX_ANIMATION_SIDE:
            raise FieldError(
                where, f"the {side} must be {MIN_ANIMATION_SIDE} to {MAX_ANIMATION_SIDE} pixels, got {value}"
            )
    return width, height


def check_pixel_budget(frames: int, size: tuple[int, int], where: str = "size") -> None:
    """Refuse an animation whose frames hold more than
    :data:`~lstm_gui.core.limits.MAX_ANIMATION_PIXELS` pixels together (the
    GIF's frames stay in memory until it is written): :class:`FieldError`
    naming the size and the frame count, with what to do about it."""
    width, height = size
    pixels = frames * width * height
    if pixels > MAX_ANIMATION_PIXELS:
        most = max(1, MAX_ANIMATION_PIXELS // (width * height))
        raise FieldError(
            where,
            f"{frames} frames of {width}x{height} are {pixels / 1e6:,.0f} million pixels, more than the limit "
            f"of {MAX_ANIMATION_PIXELS / 1e6:,.0f} million; choose a smaller size or at most {most} frames",
        )


def parse_size(text: str, where: str = "size") -> tuple[int, int]:
    """``"800x450"`` -> ``(800, 450)``; anything else is a :class:`FieldError`."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise FieldError(where, f"expected WIDTHxHEIGHT in pixels such as 800x450, got {quote_value(text)}")
    return check_size(int(match.group(1)), int(match.group(2)), where)


def check_fps(value: object, where: str = "fps") -> float:
    """Frames per second, finite and within ``MIN_FPS`` .. ``MAX_FPS``."""
    fps = finite_number(value, where)
    if not MIN_FPS <= fps <= MAX_FPS:
        raise FieldError(where, f"expected {MIN_FPS:g} to {MAX_FPS:g} frames per second, got {fps:g}")
    return fps


def frame_duration_ms(fps: float) -> int:
    """How long each frame shows: GIF counts in hundredths of a second, so
    the duration is rounded to 10 ms (1 fps -> 1000 ms, 3 fps -> 330 ms)."""
    return max(20, int(round(100.0 / check_fps(fps))) * 10)


@dataclass(frozen=True, slots=True)
class AnimatedSequence:
    """The inputs an animation steps through and the memories it starts from."""

    name: str  # a dataset sequence's name, or FREE_INPUTS
    inputs: tuple[float, ...]
    long0: float
    short0: float


def animated_sequence(
    session: Session, name: str | None = None, where: str = "sequence", stages: bool = False
) -> AnimatedSequence:
    """The session's free inputs (``name`` None) or its dataset sequence
    ``name``, which starts from memories 0 as in training (the window's and
    ``lstm-gui trace --sequence``'s rule). :class:`FieldError` if there is no
    such sequence, it is empty or too long to animate (with ``stages``, four
    frames a step count against the limit)."""
    if name is None or name == FREE_INPUTS:
        sequence = AnimatedSequence(FREE_INPUTS, session.inputs, session.long0, session.short0)
    else:
        items = [item for item in session.dataset if item.name == name]
        if not items:
            names = ", ".join(quote_value(item.name) for item in session.dataset[:5]) or "none"
            more = f" and {len(session.dataset) - 5} more" if len(session.dataset) > 5 else ""
            raise FieldError(where, f"no dataset sequence named {quote_value(name)}; available: {names}{more}")
        sequence = AnimatedSequence(name, items[0].inputs, 0.0, 0.0)
    if not sequence.inputs:
        raise FieldError(where, f"the {sequence.name} are empty: nothing to step through")
    frames = frame_count(len(sequence.inputs), stages)
    if frames > MAX_ANIMATION_FRAMES:
        with_stages = " with their stages" if stages else ""
        raise FieldError(
            where,
            f"{len(sequence.inputs)} steps{with_stages} make {frames} frames, "
            f"more than the limit of {MAX_ANIMATION_FRAMES}",
        )
    return sequence


@dataclass(frozen=True, slots=True)
class FramePosition:
    """One frame: after ``step`` inputs (0 = the start), at ``stage`` of that step (0 = all of it)."""

    step: int
    stage: int = 0


def frame_positions(step_count: int, stages: bool = False) -> Iterator[FramePosition]:
    """The start, then each step: without ``stages`` the whole step (stage 0),
    ``step_count + 1`` positions; with ``stages`` the step's stages 1, 2, 3
    and then the whole step, ``1 + 4 * step_count`` positions. The whole step
    closes each step so that its last frame is the one the window shows
    after stepping (every value written, nothing dimmed)."""
    yield FramePosition(0)
    for step in range(1, step_count + 1):
        if stages:
            for number in range(1, LAST_STAGE + 1):
                yield FramePosition(step, number)
        yield FramePosition(step)


def frame_count(step_count: int, stages: bool = False) -> int:
    """How many positions :func:`frame_positions` yields (without making them)."""
    return 1 + step_count * ((LAST_STAGE + 1) if stages else 1)


def frame_caption(sequence: AnimatedSequence, position: FramePosition) -> str:
    """The line above a frame: which sequence, which step, which input, and
    which stage (``Company B \u2014 step 2 of 4, stage 2 of 3: remember
    something new``; the stage's frame shows the input on the diagram)."""
    n = len(sequence.inputs)
    title = sequence.name[:1].upper() + sequence.name[1:]
    if position.step == 0:
        return (
            f"{title} \u2014 start: long-term memory {_short(sequence.long0)}, "
            f"short-term memory {_short(sequence.short0)}"
        )
    if position.stage:
        return (
            f"{title} \u2014 step {position.step} of {n}, stage {position.stage} of {LAST_STAGE}: "
            f"{stage(position.stage).title}"
        )
    x = sequence.inputs[position.step - 1]
    return f"{title} \u2014 step {position.step} of {n}: input {_short(x)}"


def svg_file_name(position: FramePosition, digits: int = 2, stages: bool = False) -> str:
    """The SVG slide of ``position``: ``step_00.svg`` (the start) and
    ``step_02.svg`` (all of step 2); in an animation with ``stages``, step 2
    is ``step_02_stage_1.svg``, ``_stage_2``, ``_stage_3`` and then
    ``step_02_whole.svg``, names that sort in the order they play (a plain
    ``step_02.svg`` would sort before its stages). Steps are padded to
    ``digits``."""
    name = f"step_{position.step:0{digits}d}"
    if not stages or position.step == 0:
        return f"{name}.svg"
    return f"{name}_stage_{position.stage}.svg" if position.stage else f"{name}_whole.svg"


def _short(value: float) -> str:
    """An input or memory as typed (``0.5``, not ``0.5000``), at most 4 decimals."""
    text = format_number(value).rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def sample_rows(row_count: int, max_frames: int = MAX_REPLAY_FRAMES) -> list[int]:
    """At most ``max_frames`` row indexes spread evenly over ``row_count``
    rows, always the first and the last (a replay starts at the start
    weights and ends at the trained ones)."""
    if row_count <= 0:
        return []
    if row_count <= max_frames:
        return list(range(row_count))
    if max_frames < 2:
        return [row_count - 1]
    last = row_count - 1
    return sorted({round(k * last / (max_frames - 1)) for k in range(max_frames)})
