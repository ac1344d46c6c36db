"""The one shape of a refused value: where it is and why.

Each rule has one owner that raises :class:`FieldError`; the window maps
``where`` onto a field, the file loader onto a path in the file
(``training.epochs``) and the command line onto a flag (``--epochs``).
"""

from __future__ import annotations

import math
import numbers

from lstm_gui.core.formatting import quote_value
from lstm_gui.core.limits import MAX_TEXT_CHARS


class FieldError(ValueError):
    """A value refused by its rule.

    Parameters
    ----------
    where : the field's name in its owner (``epochs``, ``lr``, ``inputs[2]``);
        empty for the value as a whole.
    reason : for a person, without the place (``expected at least 1, got 0``).
    """

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}" if where else reason)

    def within(self, prefix: str) -> FieldError:
        """The same error one level further out (``epochs`` -> ``training.epochs``)."""
        if not prefix:
            return self
        where = f"{prefix}.{self.where}" if self.where and not self.where.startswith("[") else prefix + self.where
        return FieldError(where, self.reason)


def finite_number(value: object, where: str) -> float:
    """``value`` as a float, if it is a finite real number (not a bool).

    The one check behind every "expected a finite number" in the core.

    Raises
    ------
    FieldError
        ``FieldError(where, "expected a finite number, got 'abc'")``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise FieldError(where, f"expected a finite number, got {quote_value(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int with hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        raise FieldError(where, f"expected a finite number, got {quote_value(value)}")
    return number


def text_value(value: object, where: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``value`` if it is text that can be saved: a string of at most
    ``limit`` characters without lone surrogates (``"\\ud800"`` in JSON
    decodes to one, and UTF-8 cannot encode it).

    Raises
    ------
    FieldError
        ``FieldError(where, "expected text without lone surrogates, got ...")``.
    """
    if not isinstance(value, str):
        raise FieldError(where, f"expected a string, got {quote_value(value)}")
    if len(value) > limit:
        raise FieldError(where, f"{len(value)} characters, more than the limit of {limit}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FieldError(
            where,
            f"expected text without lone surrogates, got {quote_value(value)} "
            f"(a lone surrogate at character {exc.start})",
        ) from None
    return value


def check_count(count: int, limit: int, where: str, what: str = "numbers") -> None:
    """Refuse a list longer than its limit, before its items are looked at.

    Raises
    ------
    FieldError
        ``FieldError("inputs", "2000000 numbers, more than the limit of 1000000")``.
    """
    if count > limit:
        raise FieldError(where, f"{count} {what}, more than the limit of {limit}")
