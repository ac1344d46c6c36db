"""Dataset CSV: exact round trip, forgiving separators, row/column messages."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_gui.core.dataset import (
    DatasetFileError,
    dataset_from_csv_text,
    dataset_to_csv_text,
    parse_inputs,
    read_dataset_csv,
    write_dataset_csv,
)
from lstm_gui.core.errors import FieldError
from lstm_gui.core.session import COMPANIES, DatasetItem

finite = st.floats(allow_nan=False, allow_infinity=False)
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).map(str.strip).filter(bool)


def test_companies_as_csv():
    text = dataset_to_csv_text(COMPANIES)
    assert text.splitlines() == [
        "name,target,inputs",
        "Company A,0.0,0.0 0.5 0.25 1.0",
        "Company B,1.0,1.0 0.5 0.25 1.0",
    ]
    assert dataset_from_csv_text(text) == COMPANIES


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(DatasetItem, names, st.lists(finite, min_size=1, max_size=5).map(tuple), finite),
        max_size=5,
        unique_by=lambda item: item.name,
    )
)
def test_round_trip_is_exact(items):
    back = dataset_from_csv_text(dataset_to_csv_text(items))
    assert back == tuple(items)
    assert [repr(v) for item in back for v in item.inputs] == [repr(v) for item in items for v in item.inputs]


def test_columns_in_any_order_semicolons_spaces_and_blank_lines():
    text = "\ufeffInputs , name,TARGET\n\n 1; 0.5 ;0.25  1 ,Company B, 1\n"
    assert dataset_from_csv_text(text) == (DatasetItem("Company B", (1.0, 0.5, 0.25, 1.0), 1.0),)
    assert dataset_from_csv_text("name,target,inputs\n") == ()
    assert parse_inputs(" -1 ;  2e-3 ") == (-1.0, 0.002)
    assert parse_inputs("1, 0.5,0.25 1") == (1.0, 0.5, 0.25, 1.0)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty file"),
        ("name,inputs\nA,1\n", "row 1: expected the header name,target,inputs"),
        ("name,target,inputs,colour\n", "row 1: expected the header"),
        ("name,target,inputs\nA,x,1\n", "row 2, column target: expected a finite number, got 'x'"),
        ("name,target,inputs\nA,1,1 nan\n", r"row 2, column inputs: inputs\[1\]: expected a finite number, got 'nan'"),
        ("name,target,inputs\n\nA,1,1_0\n", r"row 3, column inputs: inputs\[0\]"),
        ("name,target,inputs\nA,1,\n", "row 2, column inputs: inputs: expected at least one number"),
        ("name,target,inputs\nA,1,1,2\n", "row 2: expected 3 cells .* not commas"),
        ("name,target,inputs\nA,1e999,1\n", "row 2, column target: '1e999' is too large"),
    ],
)
def test_bad_csv_is_reported_by_row_and_column(text, message):
    with pytest.raises(DatasetFileError, match=message):
        dataset_from_csv_text(text)


def test_files(tmp_path):
    path = tmp_path / "data.csv"
    write_dataset_csv(COMPANIES, path)
    assert read_dataset_csv(path) == COMPANIES
    path.write_text("name,target,inputs\nA,x,1\n")
    with pytest.raises(DatasetFileError, match=r"data\.csv: row 2, column target"):
        read_dataset_csv(path)
    with pytest.raises(DatasetFileError, match="no such dataset file"):
        read_dataset_csv(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("inputs", "target", "where", "reason"),
    [
        ((1.0, 0.5, math.nan), 0.0, "inputs[2]", "expected a finite number, got nan"),
        ((), 0.0, "inputs", "expected at least one number, got an empty list"),
        ((1.0,), math.inf, "target", "expected a finite number, got inf"),
        ((1.0,), "1", "target", "expected a finite number, got '1'"),
    ],
)
def test_a_sequence_refuses_a_value_by_its_field(inputs, target, where, reason):
    with pytest.raises(FieldError) as err:
        DatasetItem("A", inputs, target)
    assert (err.value.where, err.value.reason) == (where, reason)


def test_every_sequence_needs_a_name_of_its_own_in_files_csv_and_the_session():
    import json

    from lstm_gui.core.errors import FieldError
    from lstm_gui.core.files.io import SessionFileError
    from lstm_gui.core.files.session_file import loads_session, session_to_dict
    from lstm_gui.core.session import Session

    data = session_to_dict(Session())
    data["dataset"] = [{"name": "Company A", "inputs": [0.0], "target": 0.0}] * 2
    with pytest.raises(SessionFileError, match=r"dataset\[1\]\.name: there is already a sequence named 'Company A'"):
        loads_session(json.dumps(data))
    data["dataset"][1] = {"name": "  ", "inputs": [0.0], "target": 0.0}
    with pytest.raises(SessionFileError, match=r"dataset\[1\]\.name: a sequence needs a name"):
        loads_session(json.dumps(data))
    with pytest.raises(DatasetFileError, match="row 3, column name: there is already a sequence named 'A'"):
        dataset_from_csv_text("name,target,inputs\nA,0,1\nA,1,2\n")
    with pytest.raises(FieldError) as refused:
        Session().set_dataset([DatasetItem("A", (1.0,), 0.0), DatasetItem("A", (2.0,), 1.0)])
    assert refused.value.where == "dataset[1].name"
