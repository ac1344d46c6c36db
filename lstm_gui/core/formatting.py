"""How numbers are shown: one rounding rule for the diagram, table and CLI."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence

from lstm_gui.core.cell import TRACE_FIELDS, Trace
from lstm_gui.core.limits import QUOTE_CHARS

#: Decimals shown for gate values and memories on the diagram and in tables
#: (the command line's, and the window's until a person chooses otherwise).
DISPLAY_DECIMALS = 4

# The decimals every value label shows. The one owner of that choice: the
# window sets it from the person's preferences (and redraws); every caller of
# format_number without explicit decimals follows it, so no widget keeps a
# copy that could drift. The command line never sets it.
_display_decimals = DISPLAY_DECIMALS
#: Extra columns after a trace's own (watch expressions): name -> one value
#: per step, ``None`` where the value could not be computed.
Watches = Mapping[str, Sequence[float | None]]

#: A watch value that could not be computed, in a table (CSV leaves the field empty).
MISSING_CELL = "null"


#: Magnitude from which :func:`format_number` writes exponent form.
COMPACT_LIMIT = 1e12


def display_decimals() -> int:
    """The decimals value labels show now (:data:`DISPLAY_DECIMALS` unless set)."""
    return _display_decimals


def set_display_decimals(decimals: int) -> None:
    """Show ``decimals`` decimals wherever no caller asks for a number of its own
    (the window's Preferences; checked by ``core.preferences.validate_decimals``)."""
    global _display_decimals
    _display_decimals = int(decimals)


def format_number(value: float, decimals: int | None = None) -> str:
    """The float64 ``value`` rounded for display (``-0.0000`` shows as ``0.0000``),
    to ``decimals`` or else :func:`display_decimals`; from :data:`COMPACT_LIMIT`
    on in exponent form (``1.0000e+300``), so no header or label prints a
    300-digit number."""
    if decimals is None:
        decimals = _display_decimals
    if math.isfinite(value) and abs(value) >= COMPACT_LIMIT:
        # A fixed-point 1e300 is 301 digits: headers and labels would run off.
        return f"{value:.{decimals}e}"
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


#: How wide a text a weight field shows, in digit widths (a sign or a point
#: counts half: :func:`text_width`). The field holds ``-2.7050`` or ``-1234.5``;
#: a wider text is cut off at its edge and reads as a different number
#: (``-123456789.5`` showed as ``-123456``).
WEIGHT_WIDTH = 6.0


def text_width(text: str) -> float:
    """``text``'s width in digit widths: ``-``, ``+`` and ``.`` count half
    (as in the window's sans-serif font), every other character one."""
    return sum(0.5 if char in "-+." else 1.0 for char in text)


def format_weight(value: float) -> str:
    """A weight as its field shows it: two decimals when that is exact
    (``2.70``), else rounded to the decimals the window shows (4 unless the
    person chose more; so ``2.705`` is not shown as ``2.71``).

    Never wider than the field (:data:`WEIGHT_WIDTH`, or a value below 10 at
    the display decimals a person chose): a long value drops decimals
    (``-1234.5``, ``123457``), and one whose whole part does not fit shows in exponent
    form (``-1.23e8``), so it never reads as a different number. The
    field's tooltip gives the exact value.
    """
    if not math.isfinite(value):
        return str(value)
    room = max(WEIGHT_WIDTH, text_width(format_number(-1.0, _display_decimals)))
    if abs(value) >= COMPACT_LIMIT:  # format_number's exponent form is too wide here
        return _compact_within(value, room)
    short = format_number(value, 2)
    text = short if float(short) == value else format_number(value)
    # A person who chose more decimals gets them for a value below 10
    # (``0.12345679``); only a long whole part makes the text shorter.
    if text_width(text) <= room:
        return text
    whole = format_number(value, 0)
    if text_width(whole) <= room and float(whole) == value:
        return whole  # a whole number that fits, such as 123456
    if text_width(whole) <= room:  # rounded to the decimals that fit (maybe none)
        return format_number(value, max(0, math.floor(room - text_width(whole) - 0.5)))
    return _compact_within(value, room)


def _compact_within(value: float, room: float) -> str:
    """The most significant digits (4 down to 1) of ``value`` in exponent form that fit ``room``."""
    for digits in (4, 3, 2, 1):
        compact = format_compact(value, digits)
        if text_width(compact) <= room:
            return compact
    return compact


def format_compact(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits in the shortest exponent form
    (``-1.235e8``, ``1e-07`` -> ``1e-7``): for places with room for a few characters."""
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


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


def columns_csv_text(columns: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """CSV of numeric columns (``step`` as integers) at full precision; a
    watch value that could not be computed (``None``) is an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    rows = min((len(values) for _, values in columns), default=0)
    for row in range(rows):
        writer.writerow([_csv_field(name, values[row]) for name, values in columns])
    return out.getvalue()


def _csv_field(name: str, value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if name == "step" else format_full(value)


def _json_value(name: str, value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if name == "step" else value


def _columns_json_lines(columns: Sequence[tuple[str, Sequence[float | None]]], indent: str) -> str:
    encode = json.JSONEncoder(allow_nan=False).encode
    rows = min((len(values) for _, values in columns), default=0)
    records = [encode({name: _json_value(name, values[row]) for name, values in columns}) for row in range(rows)]
    if not records:
        return "[]"
    return "[\n" + indent + (",\n" + indent).join(records) + "\n" + indent[:-2] + "]"


def columns_json_text(columns: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """A JSON list with one compact object per step, one per line, like
    :func:`trace_json_text`; a non-finite value (or a watch's ``None``)
    becomes ``null``."""
    return _columns_json_lines(columns, "  ") + "\n"


def columns_json_break_text(
    columns: Sequence[tuple[str, Sequence[float | None]]], stopped: tuple[int, str] | None
) -> str:
    """Like :func:`trace_json_break_text` for any cell's columns: ``{"steps":
    [...], "break": {"step": K, "condition": "..."} or null}``."""
    brk = "null" if stopped is None else json.dumps({"step": stopped[0], "condition": stopped[1]})
    return '{\n  "steps": ' + _columns_json_lines(columns, "    ") + ',\n  "break": ' + brk + "\n}\n"


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


def format_cell(value: float, decimals: int | None = None) -> str:
    """:func:`format_number` for a table cell: huge values in exponent form."""
    if decimals is None:
        decimals = _display_decimals
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
    watches: Watches | None = None,
) -> str:
    """An aligned plain-text table, one row per step (numbers rounded).

    ``header_lines`` are printed first, each prefixed with ``# `` so that the
    table stays easy to read back with tools that skip comments. ``watches``
    add columns after ``columns`` (:data:`MISSING_CELL` where a value is
    ``None``).
    """
    cells = [[str(v) if name == "step" else format_cell(v, decimals) for v in trace.column(name)] for name in columns]
    names = list(columns)
    for name, values in (watches or {}).items():
        names.append(name)
        cells.append([MISSING_CELL if v is None else format_cell(v, decimals) for v in values])
    widths = [max([len(name)] + [len(text) for text in column]) for name, column in zip(names, cells)]
    lines = [f"# {line}" for line in header_lines]
    lines.append("  ".join(name.rjust(w) for name, w in zip(names, widths)).rstrip())
    for row in range(len(trace)):
        lines.append("  ".join(cells[c][row].rjust(widths[c]) for c in range(len(names))))
    return "\n".join(lines) + "\n"


def trace_csv_text(trace: Trace, columns: Sequence[str] | None = None, watches: Watches | None = None) -> str:
    """CSV with a header row; numbers at full precision (they read back
    exactly). ``watches`` add columns at the end (an empty field where a
    value is ``None``)."""
    columns = TRACE_FIELDS if columns is None else tuple(columns)
    watches = watches or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, *watches])
    data = [trace.column(name) for name in columns]
    extra = list(watches.values())
    for row in range(len(trace)):
        writer.writerow(
            [str(col[row]) if name == "step" else format_full(col[row]) for name, col in zip(columns, data)]
            + ["" if (value := col[row]) is None else format_full(value) for col in extra]
        )
    return out.getvalue()


def trace_json_data(trace: Trace, watches: Watches | None = None) -> list[dict[str, float | int | None]]:
    """One object per step with every :data:`~lstm_gui.core.cell.TRACE_FIELDS` key
    (and each watch's, after them).

    A non-finite value (only possible when the weights times the inputs
    overflow) becomes ``None`` (JSON ``null``): JSON has no NaN.
    """
    data = {name: trace.column(name) for name in TRACE_FIELDS}
    watches = watches or {}
    steps = []
    for row in range(len(trace)):
        record: dict[str, float | int | None] = {}
        for name in TRACE_FIELDS:
            value = data[name][row]
            record[name] = value if name == "step" or math.isfinite(value) else None
        for name, values in watches.items():
            record[name] = values[row]
        steps.append(record)
    return steps


def _json_step_lines(trace: Trace, watches: Watches | None, indent: str) -> str:
    encode = json.JSONEncoder(allow_nan=False).encode
    rows = [encode(record) for record in trace_json_data(trace, watches)]
    if not rows:
        return "[]"
    return "[\n" + indent + (",\n" + indent).join(rows) + "\n" + indent[:-2] + "]"


def trace_json_text(trace: Trace, watches: Watches | None = None) -> str:
    """:func:`trace_json_data` as JSON text (exact numbers), one step per line.

    One compact object per line keeps a 100,000-step trace fast to write and
    easy to read with line tools; it is still one JSON list.
    """
    return _json_step_lines(trace, watches, "  ") + "\n"


def trace_json_break_text(trace: Trace, stopped: tuple[int, str] | None, watches: Watches | None = None) -> str:
    """The JSON of a trace run with a break condition: ``{"steps": [...],
    "break": {"step": K, "condition": "..."}}`` (``"break": null`` when it
    never held); ``trace`` holds the steps shown (1..K)."""
    brk = "null" if stopped is None else json.dumps({"step": stopped[0], "condition": stopped[1]})
    return '{\n  "steps": ' + _json_step_lines(trace, watches, "    ") + ',\n  "break": ' + brk + "\n}\n"
