"""Datasets: named training sequences with targets, and their CSV form.

CSV: one named sequence per row, for spreadsheets and scripts.

Columns ``name``, ``target``, ``inputs`` (in any order, header required);
``inputs`` holds the whole sequence in one cell, numbers separated by spaces
or semicolons::

    name,target,inputs
    Company A,0,0 0.5 0.25 1
    Company B,1,1;0.5;0.25;1

Numbers are C-locale and finite (:func:`lstm_gui.core.parsing.parse_number`);
a problem is reported with its row and column. Written numbers read back
exactly.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lstm_gui.core.errors import FieldError, check_count, finite_number, text_value
from lstm_gui.core.files.io import MAX_FILE_BYTES, SessionFileError, atomic_write_text, read_text_limited
from lstm_gui.core.formatting import format_full, quote_value, show_path
from lstm_gui.core.limits import MAX_DATASET_NUMBERS, MAX_SEQUENCES
from lstm_gui.core.parsing import NumberError, parse_number


@dataclass(frozen=True, slots=True)
class DatasetItem:
    """One named training sequence and the final short-term memory wanted.

    Raises
    ------
    FieldError
        ``where`` is ``name``, ``inputs`` (none given), ``inputs[k]`` or
        ``target``: e.g. ``FieldError("inputs[2]", "expected a finite number, got nan")``.
    """

    name: str
    inputs: tuple[float, ...]
    target: float

    def __post_init__(self) -> None:
        text_value(self.name, "name")
        check_count(len(self.inputs), MAX_DATASET_NUMBERS, "inputs")
        inputs = tuple(finite_number(x, f"inputs[{k}]") for k, x in enumerate(self.inputs))
        if not inputs:
            raise FieldError("inputs", "expected at least one number, got an empty list")
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "target", finite_number(self.target, "target"))


def check_dataset_size(lengths: Sequence[int], where: str = "dataset") -> None:
    """Refuse a dataset of more sequences, or more inputs in all, than the
    limits allow, given only the sequences' lengths (so a file is checked
    before its numbers are converted).

    Raises
    ------
    FieldError
        ``FieldError("dataset", "20000 sequences, more than the limit of 10000")``.
    """
    check_count(len(lengths), MAX_SEQUENCES, where, "sequences")
    total = sum(lengths)
    if total > MAX_DATASET_NUMBERS:
        raise FieldError(where, f"{total} inputs in all, more than the limit of {MAX_DATASET_NUMBERS}")


def check_dataset(items: Sequence[DatasetItem], where: str = "dataset") -> None:
    """The rules for a whole dataset: the size limits, and every sequence has
    a name of its own (the sequence selector, the legends and ``--sequence``
    tell them apart by name).

    Raises
    ------
    FieldError
        ``FieldError("dataset[1].name", "there is already a sequence named 'Company A'")``.
    """
    check_dataset_size([len(item.inputs) for item in items], where)
    seen: set[str] = set()
    for k, item in enumerate(items):
        name = item.name.strip()
        if not name:
            raise FieldError(f"{where}[{k}].name", "a sequence needs a name")
        if name in seen:
            raise FieldError(f"{where}[{k}].name", f"there is already a sequence named {quote_value(name)}")
        seen.add(name)


#: The video's dataset: Company A -> 0, Company B -> 1.
COMPANIES: tuple[DatasetItem, ...] = (
    DatasetItem("Company A", (0.0, 0.5, 0.25, 1.0), 0.0),
    DatasetItem("Company B", (1.0, 0.5, 0.25, 1.0), 1.0),
)


COLUMNS: tuple[str, ...] = ("name", "target", "inputs")

_SEPARATORS = re.compile(r"[;,\s]+")


class DatasetFileError(ValueError):
    """A dataset CSV could not be read; ``str()`` names the row and column."""


def format_inputs(inputs: Iterable[float]) -> str:
    """A sequence as one cell: exact numbers separated by spaces."""
    return " ".join(format_full(x) for x in inputs)


def parse_inputs(text: str, what: str = "inputs") -> tuple[float, ...]:
    """Numbers separated by spaces, commas or semicolons (at least one).

    Raises
    ------
    NumberError
        ``inputs[2]: expected a finite number, got 'x'``.
    """
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not parts:
        raise NumberError(what, "expected at least one number, got nothing")
    if len(parts) > MAX_DATASET_NUMBERS:
        raise NumberError(what, f"{len(parts)} numbers, more than the limit of {MAX_DATASET_NUMBERS}")
    return tuple(parse_number(part, f"{what}[{k}]") for k, part in enumerate(parts))


def dataset_to_csv_text(items: Iterable[DatasetItem]) -> str:
    """The dataset as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([item.name, format_full(item.target), format_inputs(item.inputs)])
    return out.getvalue()


def dataset_from_csv_text(text: str) -> tuple[DatasetItem, ...]:
    """Parse and validate dataset CSV text (blank lines are skipped).

    Raises
    ------
    DatasetFileError
        E.g. ``row 3, column inputs: inputs[1]: expected a finite number, got 'x'``
        (rows count from 1 at the header, as a spreadsheet shows them).
    """
    try:
        # A byte-order mark also arrives when CSV text is pasted from some editors.
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    except csv.Error as exc:
        raise DatasetFileError(f"not valid CSV: {exc}") from None
    numbered = [(k, row) for k, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise DatasetFileError(f"empty file: expected a header row {','.join(COLUMNS)}")
    header_row, header = numbered[0]
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [c for c in names if c not in COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        raise DatasetFileError(
            f"row {header_row}: expected the header {','.join(COLUMNS)} (any order), got {quote_value(','.join(header))}"
        )
    index = {name: names.index(name) for name in COLUMNS}
    if len(numbered) - 1 > MAX_SEQUENCES:
        raise DatasetFileError(f"{len(numbered) - 1} sequences, more than the limit of {MAX_SEQUENCES}")
    items = []
    total = 0
    for row_number, row in numbered[1:]:
        if len(row) != len(names):
            raise DatasetFileError(
                f"row {row_number}: expected {len(names)} cells ({','.join(header)}), got {len(row)}"
                + (" (separate the inputs with spaces or semicolons, not commas)" if len(row) > len(names) else "")
            )
        name = row[index["name"]].strip()
        try:
            target = parse_number(row[index["target"]], "target")
        except NumberError as exc:
            raise DatasetFileError(f"row {row_number}, column target: {exc.reason}") from None
        try:
            inputs = parse_inputs(row[index["inputs"]])
        except NumberError as exc:
            raise DatasetFileError(f"row {row_number}, column inputs: {exc}") from None
        total += len(inputs)
        if total > MAX_DATASET_NUMBERS:
            raise DatasetFileError(
                f"row {row_number}: more than the limit of {MAX_DATASET_NUMBERS} inputs in all sequences"
            )
        try:
            items.append(DatasetItem(name, inputs, target))
            check_dataset(items)
        except FieldError as exc:
            column = exc.where.rsplit(".", 1)[-1] if exc.where.endswith(".name") else exc.where or "name"
            raise DatasetFileError(f"row {row_number}, column {column}: {exc.reason}") from None
    return tuple(items)


def read_dataset_csv(path: str | os.PathLike[str]) -> tuple[DatasetItem, ...]:
    """Read a dataset CSV file (at most :data:`~lstm_gui.core.files.io.MAX_FILE_BYTES`).

    Raises
    ------
    DatasetFileError
        Missing, unreadable or too large file, or invalid content; the
        message starts with the file name.
    """
    try:
        text = read_text_limited(path, MAX_FILE_BYTES, "dataset file")
    except SessionFileError as exc:
        raise DatasetFileError(str(exc)) from None
    try:
        return dataset_from_csv_text(text)
    except DatasetFileError as exc:
        raise DatasetFileError(f"{show_path(path)}: {exc}") from None


def write_dataset_csv(items: Iterable[DatasetItem], path: str | os.PathLike[str]) -> None:
    """Write the dataset as CSV atomically (``OSError`` if it cannot be written)."""
    atomic_write_text(path, dataset_to_csv_text(items))
