"""The one shape of a refused value: where it is and why.

Each rule has one owner that raises :class:`FieldError`; the window maps
``where`` onto a field, the file loader onto a path in the file
(``training.epochs``) and the command line onto a flag (``--epochs``).
"""

from __future__ import annotations

import math
import numbers


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
        raise FieldError(where, f"expected a finite number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int with hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        raise FieldError(where, f"expected a finite number, got {value!r}")
    return number
