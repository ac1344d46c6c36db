"""The comparison cells' weights (issue 13) belong to the session: checked,
announced, taken over by update_from and saved as the optional key
``comparison``; files without it (versions 1, 2 and the examples) load with
each cell's default weights."""

from __future__ import annotations

import json

import pytest

from lstm_gui.core.cells import CELLS
from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import dumps_session, load_example, load_session, loads_session, save_session
from lstm_gui.core.resources import list_examples
from lstm_gui.core.session import COMPARISON_CELLS, Session, default_comparison


def test_a_new_session_holds_each_comparison_cells_default_weights():
    session = Session()
    assert COMPARISON_CELLS == ("rnn", "gru")
    assert session.comparison == {"rnn": CELLS["rnn"].default_params, "gru": CELLS["gru"].default_params}
    assert session.comparison_weights("gru") == CELLS["gru"].default_params


def test_setting_one_cells_weights_announces_all_of_them_once():
    session = Session()
    seen = []
    session.events.comparison_changed.connect(seen.append)
    session.set_comparison_weights("rnn", (0.5, -1, 2))
    session.set_comparison_weights("rnn", (0.5, -1.0, 2.0))  # equal: no announcement
    assert session.comparison["rnn"] == (0.5, -1.0, 2.0)
    assert seen == [{"rnn": (0.5, -1.0, 2.0), "gru": CELLS["gru"].default_params}]


@pytest.mark.parametrize(
    ("comparison", "where", "reason"),
    [
        ({"rnn": (1.0, 2.0)}, "comparison.rnn", "the plain RNN takes 3 numbers (w_short, w_input, bias), got 2"),
        ({"gru": (0.0,) * 9 + (float("inf"),)}, "comparison.gru.candidate.bias_short", "expected a finite number"),
        ({"lstm": (0.0,) * 12}, "comparison.lstm", "unknown cell; expected one of rnn, gru"),
    ],
)
def test_refused_comparison_weights_name_their_place(comparison, where, reason):
    session = Session()
    with pytest.raises(FieldError) as caught:
        session.set_comparison(comparison)
    assert caught.value.where == where
    assert caught.value.reason.startswith(reason)
    assert session.comparison == default_comparison()


def test_update_from_takes_over_the_comparison_weights():
    other = Session()
    other.set_comparison_weights("gru", tuple(float(k) for k in range(10)))
    session = Session()
    seen = []
    session.events.comparison_changed.connect(seen.append)
    session.update_from(other)
    assert session.comparison == other.comparison and len(seen) == 1


def test_comparison_weights_round_trip_exactly_and_defaults_are_not_written(tmp_path):
    path = tmp_path / "s.json"
    save_session(Session(), path)
    assert "comparison" not in json.loads(path.read_text())
    session = Session()
    session.set_comparison({"rnn": (0.1, 0.2, 0.30000000000000004), "gru": tuple(k / 7 for k in range(10))})
    save_session(session, path)
    data = json.loads(path.read_text())
    assert data["comparison"]["rnn"] == [0.1, 0.2, 0.30000000000000004]
    assert load_session(path).comparison == session.comparison


def test_a_version_2_file_and_the_examples_load_with_the_default_comparison_weights():
    data = json.loads(dumps_session(load_example("companies")))
    data["format_version"] = 2
    assert "comparison" not in data
    assert loads_session(json.dumps(data)).comparison == default_comparison()
    for name in list_examples():
        assert load_example(name).comparison == default_comparison()


def test_a_file_with_only_the_rnns_weights_gives_the_gru_its_default():
    data = json.loads(dumps_session(Session()))
    data["comparison"] = {"rnn": [1, 2, 3]}
    loaded = loads_session(json.dumps(data))
    assert loaded.comparison == {"rnn": (1.0, 2.0, 3.0), "gru": CELLS["gru"].default_params}


@pytest.mark.parametrize(
    ("comparison", "message"),
    [
        ({"gru": [1, 2]}, "comparison.gru: the GRU takes 10 numbers"),
        ({"rnn": [1, "a", 3]}, "comparison.rnn[1]: expected a finite number"),
        ({"rnn": 3}, "comparison.rnn: expected a list of numbers"),
        ({"lstm": [1]}, "comparison: unknown key 'lstm'"),
        ([1, 2], "comparison: expected an object"),
    ],
)
def test_bad_comparison_keys_in_a_file_name_the_place(comparison, message):
    data = json.loads(dumps_session(Session()))
    data["comparison"] = comparison
    with pytest.raises(SessionFileError) as caught:
        loads_session(json.dumps(data))
    assert str(caught.value).startswith(message), str(caught.value)
