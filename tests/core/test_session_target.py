"""The free input sequence's target: session, event, file round trip, older files."""

from __future__ import annotations

import json

import pytest

from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import dumps_session, load_example, loads_session
from lstm_gui.core.session import Session


def test_target_is_set_validated_and_announced():
    session = Session()
    assert session.target is None
    seen = []
    session.events.target_changed.connect(seen.append)
    session.set_target(0.5)
    session.set_target(0.5)  # equal: nothing announced
    session.set_target(None)
    assert seen == [0.5, None]
    with pytest.raises(FieldError) as info:
        session.set_target(float("nan"))
    assert info.value.where == "target"


def test_update_from_takes_over_the_target():
    session = Session()
    other = Session(target=1.0)
    seen = []
    session.events.target_changed.connect(seen.append)
    session.update_from(other)
    assert session.target == 1.0 and seen == [1.0]


def test_target_round_trips_through_the_file_and_is_optional():
    session = load_example("notebook")
    session.set_target(0.25)
    data = json.loads(dumps_session(session))
    assert data["target"] == 0.25
    assert loads_session(dumps_session(session)).target == 0.25
    session.set_target(None)
    assert "target" not in json.loads(dumps_session(session))


def test_version_2_files_without_a_target_still_load():
    data = json.loads(dumps_session(load_example("companies")))
    data["format_version"] = 2
    data.pop("target", None)
    assert loads_session(json.dumps(data)).target is None


def test_a_bad_target_names_its_place():
    data = json.loads(dumps_session(load_example("notebook")))
    data["target"] = "abc"
    with pytest.raises(SessionFileError) as info:
        loads_session(json.dumps(data))
    assert info.value.where == "target"


@pytest.mark.parametrize("name", ["notebook", "companies", "long-memory"])
def test_shipped_examples_load(name):
    assert load_example(name).dataset
