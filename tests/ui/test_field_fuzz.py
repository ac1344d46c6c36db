"""Whatever a person types into any field of the window, it is either taken
as a finite number (exactly the one typed) or refused with a visible reason,
and a refusal leaves the session exactly as it was (issue 11)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_gui.core.dataset import parse_inputs
from lstm_gui.core.files.session_file import session_to_dict
from lstm_gui.core.parsing import parse_int, parse_number
from lstm_gui.core.vocabulary import GATES, ROLES
from lstm_gui.ui import MainWindow
from lstm_gui.ui.widgets.number_field import NumberField

#: Texts people and fuzzers like: the refused spellings, huge and tiny
#: numbers, other scripts' digits, separators.
TRICKY = st.sampled_from(
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e999",
        "-1e999",
        "1e-400",
        "1_0",
        "1,5",
        "0x10",
        " 2.5 ",
        "\t-3\n",
        "",
        "   ",
        "\u0663",
        "\uff11",
        "1e308",
        "-0",
        "+.5",
        "5.",
        "1 2",
        "\x00",
        "9" * 5000,
        "-" + "9" * 400,
    ]
)
HUGE_DIGITS = st.from_regex(r"-?[0-9]{1,600}(\.[0-9]{0,50})?", fullmatch=True)
TYPED = st.one_of(st.text(), TRICKY, HUGE_DIGITS, st.floats(allow_nan=True).map(repr))

SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
SLOW_SETTINGS = settings(SETTINGS, max_examples=200)


@dataclass(frozen=True)
class Field:
    """One field: how to type into it, what it parses to, where a refusal shows."""

    name: str
    type_text: Callable[[MainWindow, str], None]
    parse: Callable[[str], object]
    stored: Callable[[MainWindow], object]
    message: Callable[[MainWindow], str]


def _weight(gate: str, role: str) -> Field:
    def type_text(win: MainWindow, text: str) -> None:
        field = win.weight_field(gate, role)
        field.setText(text)
        field.commit()

    return Field(
        f"weight_{gate}_{role}",
        type_text,
        parse_number,
        lambda win: win.session.params.get(gate, role),
        lambda win: win.weight_field(gate, role).error(),
    )


def _input(column: int) -> Field:
    def type_text(win: MainWindow, text: str) -> None:
        win.input_strip.message.setText("")
        model = win.input_strip.model
        model.setData(model.index(0, column), text)

    return Field(
        f"input_{column}",
        type_text,
        parse_number,
        lambda win: win.session.inputs[column],
        lambda win: win.input_strip.message.text(),
    )


def _memory(which: str) -> Field:
    def field(win: MainWindow) -> NumberField:
        return win.input_strip.long_field if which == "long" else win.input_strip.short_field

    def type_text(win: MainWindow, text: str) -> None:
        field(win).setText(text)
        field(win).commit()

    return Field(
        f"initial_{which}",
        type_text,
        parse_number,
        lambda win: win.session.long0 if which == "long" else win.session.short0,
        # The field keeps the reason (red border, tooltip) while its text is refused.
        lambda win: field(win).error(),
    )


def _dataset(column: int) -> Field:
    def type_text(win: MainWindow, text: str) -> None:
        win.training_panel.dataset_table.item(0, column).setText(text)

    def parse(text: str) -> object:
        if column == 0:
            if not text.strip():
                raise ValueError("no name")
            return text.strip()
        return parse_inputs(text) if column == 1 else parse_number(text)

    def stored(win: MainWindow) -> object:
        item = win.session.dataset[0]
        return (item.name, item.inputs, item.target)[column]

    return Field(
        f"dataset_cell_{column}",
        type_text,
        parse,
        stored,
        lambda win: (
            win.training_panel.dataset_error.text() if win.training_panel.dataset_error.isVisibleTo(win) else ""
        ),
    )


def _setting(name: str) -> Field:
    def edit(win: MainWindow):
        return getattr(win.training_panel, f"{name}_edit")

    def type_text(win: MainWindow, text: str) -> None:
        edit(win).setText(text)
        edit(win).editingFinished.emit()

    def parse(text: str) -> object:
        if name == "epochs":
            return parse_int(text)
        if name == "stop_below" and not text.strip():
            return None
        return parse_number(text)

    return Field(
        f"train_{name}",
        type_text,
        parse,
        lambda win: getattr(win.session.training, name),
        lambda win: win.training_panel.settings_error.text(),
    )


FIELDS = (
    [_weight(g, r) for g in GATES for r in ROLES]
    + [_input(0), _input(2)]
    + [_memory("long"), _memory("short")]
    + [_dataset(c) for c in (0, 1, 2)]
    + [_setting(n) for n in ("lr", "momentum", "epochs", "stop_below")]
)

FIELDS_BY_NAME = {field.name: field for field in FIELDS}


@pytest.fixture
def window(make_window):
    win = make_window()
    assert win.open_example("companies", ask=False)
    return win


def _all_finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, tuple):
        return all(_all_finite(v) for v in value)
    return True


def check_one_text(win: MainWindow, field: Field, text: str) -> None:
    stack = win.undo_stack
    while stack.canUndo():
        stack.undo()
    before = session_to_dict(win.session)
    old = field.stored(win)
    try:
        expected = field.parse(text)
    except (ValueError, OverflowError):
        expected = None
    field.type_text(win, text)
    after = session_to_dict(win.session)
    if after != before:
        value = field.stored(win)
        assert expected is not None, f"{field.name} took {text!r}"
        assert value == expected, f"{field.name}: typed {text!r}, stored {value!r}"
        assert _all_finite(value)
        assert stack.count() >= 1  # an undo step, so it can be taken back
    else:
        # Refused (with a reason on screen), or the same value as before.
        assert field.message(win) or expected == old, f"{field.name}: {text!r} refused silently"
    assert not win.errors, win.errors


def check_field(win: MainWindow, field: Field, examples: settings) -> None:
    @examples
    @given(text=TYPED)
    def typed(text: str) -> None:
        check_one_text(win, field, text)

    typed()


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_every_field_takes_a_finite_number_or_says_why(window, field):
    check_field(window, field, SETTINGS)


@pytest.mark.slow
@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_every_field_takes_a_finite_number_or_says_why_many_texts(window, field):
    check_field(window, field, SLOW_SETTINGS)


def test_a_huge_but_finite_initial_long_term_memory_is_taken_and_drawn(window):
    check_one_text(window, FIELDS_BY_NAME["initial_long"], "1.5e308")
