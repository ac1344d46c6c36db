"""How numbers are shown: one rounding rule for the diagram, table and CLI."""

from __future__ import annotations

#: Decimals shown for gate values and memories on the diagram and in tables.
DISPLAY_DECIMALS = 4


def format_number(value: float, decimals: int = DISPLAY_DECIMALS) -> str:
    """The float64 ``value`` rounded for display (``-0.0000`` shows as ``0.0000``)."""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


def format_full(value: float) -> str:
    """The shortest text that round-trips to exactly ``value`` (for editing)."""
    return repr(float(value))
