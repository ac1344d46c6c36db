"""Numbers typed by people: C-locale, finite, and refused with a clear reason.

Never silently clamped or rounded. Python-only spellings (``1_0``), ``nan``,
``inf`` and overflowing literals (``1e999``) are refused.
"""

from __future__ import annotations

import math
import re

from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import quote_value
from lstm_gui.core.limits import MAX_INT_DIGITS

# A plain decimal number: optional sign, digits with an optional point (or a
# leading point), an optional exponent. No underscores, no hex, no words.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class NumberError(FieldError):
    """A typed number was refused: ``where`` is what was being typed
    ("learning rate", "inputs[2]"), ``reason`` why; ``str()`` is both."""


def parse_number(text: str, what: str = "value") -> float:
    """Parse one number as a person types it.

    Parameters
    ----------
    text : the typed text; surrounding spaces are fine.
    what : what the number is, for the message ("learning rate").

    Raises
    ------
    NumberError
        With a message such as ``learning rate: expected a finite number, got 'abc'``.
    """
    if not isinstance(text, str):
        raise NumberError(what, f"expected a finite number, got {quote_value(text)}")
    stripped = text.strip()
    if not stripped:
        raise NumberError(what, "expected a number, got nothing")
    if not _NUMBER.fullmatch(stripped):
        raise NumberError(what, f"expected a finite number, got {quote_value(stripped)}")
    value = float(stripped)
    if not math.isfinite(value):
        raise NumberError(what, f"{quote_value(stripped)} is too large (not a finite number)")
    return value


def parse_number_list(
    text: str, what: str = "values", allow_empty: bool = False, limit: int | None = None
) -> list[float]:
    """Parse comma-separated numbers (``"-1, 0.5,2"``); at most ``limit`` of
    them (counted before any is parsed)."""
    stripped = text.strip()
    if not stripped:
        if allow_empty:
            return []
        raise NumberError(what, "expected at least one number, got nothing")
    parts = stripped.split(",")
    if limit is not None and len(parts) > limit:
        raise NumberError(what, f"{len(parts)} numbers, more than the limit of {limit}")
    return [parse_number(part, f"{what}[{k}]") for k, part in enumerate(parts)]


def parse_int(text: str, what: str = "value") -> int:
    """Parse a whole number (``5000``), refusing fractions and ``1_000``."""
    stripped = text.strip() if isinstance(text, str) else text
    if not isinstance(stripped, str) or not re.fullmatch(r"[+-]?[0-9]+", stripped):
        raise NumberError(what, f"expected a whole number, got {quote_value(stripped)}")
    digits = len(stripped.lstrip("+-"))
    if digits > MAX_INT_DIGITS:
        raise NumberError(what, f"a whole number with {digits} digits is too large, got {quote_value(stripped)}")
    return int(stripped)
