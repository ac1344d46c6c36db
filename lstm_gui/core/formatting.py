"""How numbers are shown: one rounding rule for the diagram, table and CLI."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence

from lstm_gui.core.cell import TRACE_FIELDS, Trace
from lstm_gui.core.limits import QUOTE_CHARS

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


def quote_value(value: object, limit: int = QUOTE_CHARS) -> str:
    """A refused value (or a path) as one short line for a message.

    Text is quoted like ``repr`` (``'a\\nb'``: newlines and other control
    characters escaped, so a message stays on one line); numbers are shown
    as typed; at most ``limit`` characters of the value, then ``…``. Lists
    and objects are described, not shown (``a list of 3 items``).
    """
    if isinstance(value, str):
        shown = repr(value[:limit])
        return shown[:-1] + "…" + shown[-1] if len(value) > limit else shown
    if value is None or isinstance(value, bool):
        # These arrive from JSON files: say them in JSON's words.
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "an object"
    try:
        text = repr(value)
    except ValueError:  # an int with more digits than Python converts to text
        return "a whole number with thousands of digits"
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + "…" if len(text) > limit else shown


#: Paths up to this long are shown as they are (when printable).
PATH_CHARS = 100


def show_path(path: object) -> str:
    """A file name for a one-line message: as is when short and printable,
    else quoted with escapes and shortened to its last
    :data:`~lstm_gui.core.limits.QUOTE_CHARS` characters (the file's name)."""
    text = str(path)
    if len(text) <= PATH_CHARS and text.isprintable():
        return text
    if len(text) <= QUOTE_CHARS:
        return quote_value(text)
    shown = repr(text[-QUOTE_CHARS:])
    return shown[0] + "…" + shown[1:]


# -- columns of any cell's values as text (issue 13: the RNN, the GRU, gradients) --


def format_scientific(value: float, decimals: int = 3) -> str:
    """Exponent form with ``decimals`` digits after the point (``-1.234e-05``):
    for gradients, which a fixed-point column would round to 0 as they vanish."""
    if not math.isfinite(value):
        return str(value)
    # + 0.0 turns -0.0 (a zero input times a negative gradient) into 0.0.
    return f"{value + 0.0:.{decimals}e}"


def columns_table_text(columns: Sequence[tuple[str, Sequence[str]]], header_lines: Sequence[str] = ()) -> str:
    """An aligned plain-text table of already formatted columns (name, texts),
    with ``# `` header lines, as :func:`trace_table_text` lays out a trace."""
    widths = [max([len(name)] + [len(text) for text in texts]) for name, texts in columns]
    lines = [f"# {line}" for line in header_lines]
    lines.append("  ".join(name.rjust(w) for (name, _), w in zip(columns, widths)).rstrip())
    rows = min((len(texts) for _, texts in columns), default=0)
    for row in range(rows):
        lines.append("  ".join(texts[row].rjust(w) for (_, texts), w in zip(columns, widths)))
    return "\n".join(lines) + "\n"


def columns_csv_text(columns: Sequence[tuple[str, Sequence[float]]]) -> str:
    """CSV of numeric columns (``step`` as integers) at full precision."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    rows = min((len(values) for _, values in columns), default=0)
    for row in range(rows):
        writer.writerow(
            [str(int(values[row])) if name == "step" else format_full(values[row]) for name, values in columns]
        )
    return out.getvalue()


def columns_json_text(columns: Sequence[tuple[str, Sequence[float]]]) -> str:
    """A JSON list with one compact object per step, one per line, like
    :func:`trace_json_text`; a non-finite value becomes ``null``."""
    encode = json.JSONEncoder(allow_nan=False).encode
    rows = min((len(values) for _, values in columns), default=0)
    records = [
        encode(
            {
                name: int(values[row]) if name == "step" else (values[row] if math.isfinite(values[row]) else None)
                for name, values in columns
            }
        )
        for row in range(rows)
    ]
    if not records:
        return "[]\n"
    return "[\n  " + ",\n  ".join(records) + "\n]\n"


# -- a whole trace as text (command line, copy and export) ----------------------

#: The columns a person reads first: the memories before, each gate, the
#: memories after. The wide table and CSV/JSON add the pre-activations and the
#: two products that make up the new long-term memory.
TRACE_TABLE_COLUMNS: tuple[str, ...] = (
    "step",
    "x",
    "long_prev",
    "short_prev",
    "forget",
    "input",
    "candidate",
    "output",
    "long",
    "short",
)

# Fixed-point text of a value like 1e300 would be 300 digits wide.
_FIXED_LIMIT = 1e9


def format_cell(value: float, decimals: int = DISPLAY_DECIMALS) -> str:
    """:func:`format_number` for a table cell: huge values in exponent form."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= _FIXED_LIMIT:
        return f"{value:.{decimals}e}"
    return format_number(value, decimals)


def trace_table_text(
    trace: Trace,
    columns: Sequence[str] = TRACE_TABLE_COLUMNS,
    header_lines: Sequence[str] = (),
    decimals: int = DISPLAY_DECIMALS,
) -> str:
    """An aligned plain-text table, one row per step (numbers rounded).

    ``header_lines`` are printed first, each prefixed with ``# `` so that the
    table stays easy to read back with tools that skip comments.
    """
    cells = [[str(v) if name == "step" else format_cell(v, decimals) for v in trace.column(name)] for name in columns]
    widths = [max([len(name)] + [len(text) for text in column]) for name, column in zip(columns, cells)]
    lines = [f"# {line}" for line in header_lines]
    lines.append("  ".join(name.rjust(w) for name, w in zip(columns, widths)).rstrip())
    for row in range(len(trace)):
        lines.append("  ".join(cells[c][row].rjust(widths[c]) for c in range(len(columns))))
    return "\n".join(lines) + "\n"


def trace_csv_text(trace: Trace, columns: Sequence[str] | None = None) -> str:
    """CSV with a header row; numbers at full precision (they read back exactly)."""
    columns = TRACE_FIELDS if columns is None else tuple(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    data = [trace.column(name) for name in columns]
    for row in range(len(trace)):
        writer.writerow(
            [str(col[row]) if name == "step" else format_full(col[row]) for name, col in zip(columns, data)]
        )
    return out.getvalue()


def trace_json_data(trace: Trace) -> list[dict[str, float | int | None]]:
    """One object per step with every :data:`~lstm_gui.core.cell.TRACE_FIELDS` key.

    A non-finite value (only possible when the weights times the inputs
    overflow) becomes ``None`` (JSON ``null``): JSON has no NaN.
    """
    data = {name: trace.column(name) for name in TRACE_FIELDS}
    steps = []
    for row in range(len(trace)):
        record: dict[str, float | int | None] = {}
        for name in TRACE_FIELDS:
            value = data[name][row]
            record[name] = value if name == "step" or math.isfinite(value) else None
        steps.append(record)
    return steps


def trace_json_text(trace: Trace) -> str:
    """:func:`trace_json_data` as JSON text (exact numbers), one step per line.

    One compact object per line keeps a 100,000-step trace fast to write and
    easy to read with line tools; it is still one JSON list.
    """
    encode = json.JSONEncoder(allow_nan=False).encode
    rows = [encode(record) for record in trace_json_data(trace)]
    if not rows:
        return "[]\n"
    return "[\n  " + ",\n  ".join(rows) + "\n]\n"
