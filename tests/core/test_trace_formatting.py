"""A trace as text: aligned table, exact CSV/JSON, awkward values."""

from __future__ import annotations

import csv
import io
import json
import math

from lstm_gui.core.cell import NOTEBOOK_PARAMS, TRACE_FIELDS, Trace, run
from lstm_gui.core.formatting import (
    TRACE_TABLE_COLUMNS,
    WEIGHT_WIDTH,
    format_cell,
    format_weight,
    text_width,
    trace_csv_text,
    trace_json_data,
    trace_json_text,
    trace_table_text,
)


def test_table_is_aligned_and_rounded():
    trace = run(NOTEBOOK_PARAMS, [0.0, 0.5, 0.25, 1.0])
    lines = trace_table_text(trace, header_lines=["hello"]).splitlines()
    assert lines[0] == "# hello"
    assert lines[1].split() == list(TRACE_TABLE_COLUMNS)
    assert len({len(line) for line in lines[1:]}) == 1
    assert lines[2].split()[-1] == "-0.1278"  # Company A, step 1, short


def test_huge_values_stay_readable():
    assert format_cell(1e300) == "1.0000e+300"
    assert format_cell(-2.5e9) == "-2.5000e+09"
    assert format_cell(123456.78901) == "123456.7890"
    assert format_cell(float("nan")) == "nan"
    trace = run(NOTEBOOK_PARAMS, [1e300])
    assert max(len(line) for line in trace_table_text(trace).splitlines()) < 120


def test_csv_and_json_are_exact():
    trace = run(NOTEBOOK_PARAMS, [0.1, -0.3], 0.7, -0.2)
    rows = list(csv.DictReader(io.StringIO(trace_csv_text(trace))))
    data = json.loads(trace_json_text(trace))
    for k, step in enumerate(trace):
        for name in TRACE_FIELDS:
            assert float(rows[k][name]) == getattr(step, name)
            assert data[k][name] == getattr(step, name)


def test_empty_and_non_finite_traces():
    assert json.loads(trace_json_text(run(NOTEBOOK_PARAMS, []))) == []
    columns = {name: [0.0] for name in TRACE_FIELDS[1:]}
    columns["long"] = [math.nan]
    broken = Trace(columns, 1)
    assert trace_json_data(broken)[0]["long"] is None
    assert json.loads(trace_json_text(broken))[0]["long"] is None


def test_a_long_weight_never_reads_as_a_different_number():
    # The field holds -2.7050 or -1234.5; -123456789.5 once showed as "-123456".
    assert format_weight(-123456789.5) == "-1.23e8"
    assert format_weight(1e17) == "1e17" and format_weight(-1e308) == "-1e308"
    assert format_weight(123456.0) == "123456"  # a whole number that fits
    assert format_weight(-1234.5678) == "-1234.6"  # fewer decimals, same number
    assert format_weight(-12345.678) == "-12346"
    assert format_weight(2.7) == "2.70" and format_weight(-2.705) == "-2.7050"
    for value in (-123456789.5, 1e17, -1e308, 98765.4321, -0.000123, 5e-9, -999999.9):
        text = format_weight(value)
        assert text_width(text) <= WEIGHT_WIDTH, text
        assert math.isclose(float(text), value, rel_tol=1e-2, abs_tol=1e-4)
