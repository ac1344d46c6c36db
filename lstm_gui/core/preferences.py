"""A person's preferences for how the window shows things (not session data).

Decimals shown, animation speed, how often the live training plots redraw and
the colour map of the diagram's block fills. This module owns their choices,
defaults and rules (:func:`validate_preferences` raises
:class:`~lstm_gui.core.errors.FieldError`); the window stores them in
QSettings (``ui/settings.py``) and applies them (``ui/window_preferences.py``).
They are never saved in a session file and never an undo step: they are how
*this* person likes to read, not what the cell is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import DISPLAY_DECIMALS, quote_value

#: Decimals a person may choose for every value label (the diagram, the trace
#: table, the live results): 4 reads at a glance, 8 shows float64 differences
#: that 4 hides (training steps of 1e-6).
MIN_DECIMALS = 4
MAX_DECIMALS = 8

#: Animation speed factors: the flash of a changed value (and any other
#: animation, e.g. a pulse along a line) takes its normal time divided by this.
ANIMATION_SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
ANIMATION_WORDS: dict[float, str] = {0.5: "Slow", 1.0: "Normal", 2.0: "Fast", 4.0: "Very fast"}

#: How often the live training plots may redraw while training (per second).
#: 40 is what the window did before this was a choice (one of three plots per
#: 8 ms tick); 10 leaves a slow machine more time for the rest of the window.
PLOT_RATES: tuple[int, ...] = (10, 15, 20, 30, 40, 60)

#: Colour maps of the block fills: name -> what the menu says.
FILL_MAPS: dict[str, str] = {
    "video": "Video (blue, orange/violet)",
    "viridis": "Viridis",
    "grey": "Grey",
    "colour_blind": "Colour-blind safe (Okabe-Ito)",
}


@dataclass(frozen=True, slots=True)
class Preferences:
    """How the window shows things.

    decimals : decimals of every value label (4 to 8).
    animation_speed : factor of every animation's speed (1 = normal).
    plot_rate : live training plot redraws per second at most.
    fill_map : colour map of the diagram's block fills (a :data:`FILL_MAPS` key).
    """

    decimals: int = DISPLAY_DECIMALS
    animation_speed: float = 1.0
    plot_rate: int = 40
    fill_map: str = "video"


DEFAULTS = Preferences()


def validate_decimals(value: object, where: str = "decimals") -> int:
    """``value`` as a decimals count from :data:`MIN_DECIMALS` to :data:`MAX_DECIMALS`."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_DECIMALS <= value <= MAX_DECIMALS:
        raise FieldError(
            where, f"expected a whole number from {MIN_DECIMALS} to {MAX_DECIMALS}, got {quote_value(value)}"
        )
    return value


def validate_animation_speed(value: object, where: str = "animation_speed") -> float:
    """``value`` as one of :data:`ANIMATION_SPEEDS`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or float(value) not in ANIMATION_SPEEDS
    ):
        choices = ", ".join(f"{s:g}" for s in ANIMATION_SPEEDS)
        raise FieldError(where, f"expected one of {choices}, got {quote_value(value)}")
    return float(value)


def validate_plot_rate(value: object, where: str = "plot_rate") -> int:
    """``value`` as one of :data:`PLOT_RATES` (redraws per second)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in PLOT_RATES:
        choices = ", ".join(str(r) for r in PLOT_RATES)
        raise FieldError(where, f"expected one of {choices}, got {quote_value(value)}")
    return value


def validate_fill_map(value: object, where: str = "fill_map") -> str:
    """``value`` as a :data:`FILL_MAPS` name."""
    if not isinstance(value, str) or value not in FILL_MAPS:
        raise FieldError(where, f"expected one of {', '.join(FILL_MAPS)}, got {quote_value(value)}")
    return value


_VALIDATORS = {
    "decimals": validate_decimals,
    "animation_speed": validate_animation_speed,
    "plot_rate": validate_plot_rate,
    "fill_map": validate_fill_map,
}


def validate_preferences(preferences: Preferences) -> Preferences:
    """``preferences`` if every field keeps its rule, else the first refusal."""
    for field in fields(Preferences):
        _VALIDATORS[field.name](getattr(preferences, field.name))
    return preferences


def _stored_value(name: str, text: object) -> object:
    """A value read back from settings (INI files give text) in its field's type."""
    if not isinstance(text, str):
        return text
    try:
        if name in ("decimals", "plot_rate"):
            return int(text)
        if name == "animation_speed":
            return float(text)
    except ValueError:
        return text
    return text


def preferences_from_stored(stored: Mapping[str, object]) -> Preferences:
    """Preferences from what a settings store holds: a missing or refused
    value (an edited INI file, an older or newer lstm-gui) becomes its
    default, so a bad setting never keeps the window from opening."""
    values: dict[str, object] = {}
    for field in fields(Preferences):
        if field.name not in stored:
            continue
        try:
            values[field.name] = _VALIDATORS[field.name](_stored_value(field.name, stored[field.name]))
        except FieldError:
            continue
    return replace(DEFAULTS, **values)  # type: ignore[arg-type]


def animation_ms(normal_ms: float, speed: float) -> int:
    """How long an animation that takes ``normal_ms`` at normal speed lasts at ``speed``."""
    return max(1, round(normal_ms / speed))


def plot_interval_ms(rate: int, parts: int) -> int:
    """The tick of a timer that redraws one of ``parts`` plots per tick, so
    that each plot redraws ``rate`` times a second at most."""
    return max(1, round(1000 / (rate * parts)))
