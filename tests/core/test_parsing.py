import pytest

from lstm_gui.core.formatting import format_full, format_number
from lstm_gui.core.parsing import NumberError, parse_int, parse_number, parse_number_list


@pytest.mark.parametrize(
    "text,value",
    [("1", 1.0), (" -2e-3 ", -0.002), ("+.5", 0.5), ("3.", 3.0), ("1E5", 1e5), ("-0", -0.0)],
)
def test_accepts_plain_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", " ", "abc", "1_0", "nan", "inf", "-inf", "1e999", "1,5", "0x10", "1 2", "--1"])
def test_refuses_with_reason(text):
    with pytest.raises(NumberError) as err:
        parse_number(text, "weights.forget.bias")
    assert str(err.value).startswith("weights.forget.bias: ")


def test_lists_and_ints():
    assert parse_number_list("-1, 0.5 ,2") == [-1.0, 0.5, 2.0]
    with pytest.raises(NumberError, match=r"inputs\[1\]"):
        parse_number_list("1,,2", "inputs")
    with pytest.raises(NumberError, match="at least one"):
        parse_number_list("  ", "inputs")
    assert parse_int(" 5000 ") == 5000
    for bad in ["1.5", "1_000", "1e3", ""]:
        with pytest.raises(NumberError):
            parse_int(bad, "epochs")
    # Parsing only: the rules (epochs >= 1, ...) belong to their owners (TrainConfig).
    assert parse_int("0", "epochs") == 0
    with pytest.raises(NumberError) as refused:
        parse_int("x", "epochs")
    assert (refused.value.where, refused.value.reason) == ("epochs", "expected a whole number, got 'x'")


def test_display_rounding():
    assert format_number(0.99740093) == "0.9974"
    assert format_number(-0.00001) == "0.0000"
    assert format_number(-0.127755) == "-0.1278"
    assert float(format_full(0.1 + 0.2)) == 0.1 + 0.2


@pytest.mark.parametrize("text", ["\u0663", "\uff11", "1\u0660"])
def test_refuses_non_ascii_digits(text):
    """Python's float() reads Arabic-Indic and full-width digits; people's
    numbers here are written the C way, so these are refused."""
    with pytest.raises(NumberError):
        parse_number(text)
