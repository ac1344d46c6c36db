"""The session's breakpoints and watches: checked when set, announced, saved
(format version 3) and read back; older files and the examples still load."""

from __future__ import annotations

import json

import pytest

from lstm_gui.core.debugging import Breakpoint, Watch, plateau_condition
from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import (
    FORMAT_VERSION,
    dumps_session,
    example_names,
    load_example,
    load_session,
    loads_session,
    save_session,
)
from lstm_gui.core.session import Session


def debugged_session() -> Session:
    session = load_example("companies")
    session.set_breakpoints([Breakpoint("forget < 0.1"), Breakpoint("abs(long - long_prev) > 1 and step > 2", False)])
    session.set_watches([Watch("input * candidate", in_table=True), Watch("log(x)", in_plot=True)])
    session.set_training_breakpoints([Breakpoint("loss < 0.01"), Breakpoint("abs(wo1) > 5 or out_1 > 0.9", False)])
    return session


def test_a_new_session_has_no_breakpoints_or_watches():
    session = Session()
    assert session.breakpoints == () and session.watches == () and session.training_breakpoints == ()


def test_setting_breakpoints_announces_the_new_tuple_once():
    session = Session()
    seen: list[object] = []
    session.events.breakpoints_changed.connect(seen.append)
    session.set_breakpoints([Breakpoint("forget < 0.1")])
    session.set_breakpoints([Breakpoint("forget < 0.1")])  # equal: nothing announced
    assert seen == [(Breakpoint("forget < 0.1"),)]


@pytest.mark.parametrize(
    ("setter", "items", "where", "reason"),
    [
        ("set_breakpoints", [Breakpoint("step > 1"), Breakpoint("forgt < 0.1")], "breakpoints[1].condition", "forgt"),
        ("set_watches", [Watch("input *")], "watches[0].expression", "input *"),
        ("set_training_breakpoints", [Breakpoint("forget < 0.1")], "training_breakpoints[0].condition", "forget"),
        ("set_training_breakpoints", [Breakpoint("out_2 > 0.5")], "training_breakpoints[0].condition", "out_2"),
    ],
)
def test_a_bad_expression_is_refused_with_its_place_and_changes_nothing(setter, items, where, reason):
    session = load_example("companies")  # two sequences: out_0 and out_1
    seen: list[object] = []
    for event in ("breakpoints_changed", "watches_changed", "training_breakpoints_changed"):
        getattr(session.events, event).connect(seen.append)
    with pytest.raises(FieldError) as refused:
        getattr(session, setter)(items)
    assert refused.value.where == where
    assert reason in refused.value.reason
    assert seen == []
    assert session.breakpoints == () and session.watches == () and session.training_breakpoints == ()


def test_training_conditions_know_the_datasets_outputs_and_earlier_losses():
    session = load_example("companies")
    session.set_training_breakpoints(
        [
            Breakpoint("out_0 < 0.1 and out_1 > 0.9"),
            Breakpoint("forget.w_short > 3"),
            Breakpoint(plateau_condition(1e-6, 100)),  # abs(loss_ago_100 - loss) < 1e-06
        ]
    )
    assert len(session.training_breakpoints) == 3


def test_update_from_copies_breakpoints_and_watches():
    source = debugged_session()
    target = Session()
    seen: list[object] = []
    target.events.watches_changed.connect(seen.append)
    target.update_from(source)
    assert target.breakpoints == source.breakpoints
    assert target.watches == source.watches
    assert target.training_breakpoints == source.training_breakpoints
    assert seen == [source.watches]


def test_breakpoints_and_watches_survive_save_and_open(tmp_path):
    session = debugged_session()
    path = tmp_path / "debugged.json"
    save_session(session, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == FORMAT_VERSION  # 3 brought these keys
    assert data["breakpoints"][1] == {"condition": "abs(long - long_prev) > 1 and step > 2", "enabled": False}
    assert data["watches"][0] == {"expression": "input * candidate", "in_table": True, "in_plot": False}
    loaded = load_session(path)
    assert loaded.breakpoints == session.breakpoints
    assert loaded.watches == session.watches
    assert loaded.training_breakpoints == session.training_breakpoints
    assert dumps_session(loaded) == dumps_session(session)


def test_a_session_without_any_writes_no_debugger_keys():
    data = json.loads(dumps_session(load_example("companies")))
    assert not {"breakpoints", "watches", "training_breakpoints"} & set(data)


def test_optional_switches_take_their_defaults():
    data = json.loads(dumps_session(load_example("notebook")))
    data["breakpoints"] = [{"condition": "step == 1"}]
    data["watches"] = [{"expression": "x * 2"}]
    session = loads_session(json.dumps(data))
    assert session.breakpoints == (Breakpoint("step == 1", True),)
    assert session.watches == (Watch("x * 2", False, False),)


def test_a_version_2_file_and_the_shipped_examples_still_load():
    for name in example_names():
        assert load_example(name).breakpoints == ()
    data = json.loads(dumps_session(load_example("companies")))
    data["format_version"] = 2
    session = loads_session(json.dumps(data))
    assert session.watches == () and session.dataset == load_example("companies").dataset


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(breakpoints=[{"condition": "forget >> 1"}]),
            "breakpoints[0].condition: forget >> 1: unexpected '>' at column 9",
        ),
        (
            lambda d: d.update(watches=[{"expression": "x", "in_table": "yes"}]),
            "watches[0].in_table: expected true or false, got 'yes'",
        ),
        (lambda d: d.update(breakpoints=[{"enabled": True}]), "breakpoints[0]: missing 'condition'"),
        (lambda d: d.update(breakpoints={"condition": "x > 1"}), "breakpoints: expected a list, got an object"),
        (
            lambda d: d.update(training_breakpoints=[{"condition": "loss < 0.1"}, {"condition": "out_7 > 1"}]),
            "training_breakpoints[1].condition: ",
        ),
        (
            lambda d: d.update(watches=[{"expression": "x", "colour": "red"}]),
            "watches[0]: unknown key 'colour'",
        ),
        (lambda d: d.update(breakpoints=[{"condition": 3}]), "breakpoints[0].condition: expected a string, got 3"),
    ],
)
def test_a_bad_entry_in_a_file_names_its_path(change, message):
    data = json.loads(dumps_session(load_example("companies")))
    change(data)
    with pytest.raises(SessionFileError) as refused:
        loads_session(json.dumps(data), "bad.json")
    assert message in str(refused.value)
