"""Session files: exact round trip, validation messages, limits, atomic saving."""

from __future__ import annotations

import json
import math
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_gui.core.cell import NOTEBOOK_PARAMS, CellParams
from lstm_gui.core.files import io as fileformat
from lstm_gui.core.files.io import MAX_FILE_BYTES, SessionFileError
from lstm_gui.core.files.session_file import (
    FORMAT_VERSION,
    dumps_session,
    load_example,
    load_session,
    loads_session,
    save_session,
    session_from_dict,
    session_to_dict,
)
from lstm_gui.core.resources import list_examples
from lstm_gui.core.session import COMPANIES, DatasetItem, Session
from lstm_gui.training.config import INITS, OPTIMIZERS, TrainConfig
from lstm_gui.training.history import TrainingHistory

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
small = st.floats(-1e6, 1e6, allow_nan=False)


def _text(session: Session) -> str:
    return dumps_session(session)


# -- round trip ---------------------------------------------------------------


@st.composite
def sessions(draw) -> Session:
    params = CellParams.from_flat(draw(st.lists(finite, min_size=12, max_size=12)))
    inputs = draw(st.lists(finite, max_size=20))
    dataset = draw(
        st.lists(
            st.builds(
                DatasetItem,
                # Every sequence has a name of its own (core.dataset.check_dataset).
                st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(str.strip),
                st.lists(finite, min_size=1, max_size=6).map(tuple),
                finite,
            ),
            max_size=4,
            unique_by=lambda item: item.name.strip(),
        )
    )
    config = TrainConfig(
        optimizer=draw(st.sampled_from(OPTIMIZERS)),
        lr=draw(st.floats(1e-9, 1e3)),
        momentum=draw(st.floats(0, 0.999)),
        epochs=draw(st.integers(1, 10**7)),
        per_sample=draw(st.booleans()),
        init=draw(st.sampled_from(INITS)),
        seed=draw(st.integers(0, 2**31 - 1)),
        stop_below=draw(st.none() | st.floats(0, 10, exclude_min=True)),
    )
    return Session(
        params,
        inputs,
        draw(finite),
        draw(finite),
        dataset,
        config,
        name=draw(st.text(max_size=10)),
        description=draw(st.text(max_size=30)),
    )


@settings(max_examples=150, deadline=None)
@given(sessions())
def test_round_trip_is_exact(session):
    loaded = loads_session(_text(session))
    # Text equality also tells -0.0 from 0.0 (== would not).
    assert _text(loaded) == _text(session)
    assert [repr(v) for v in loaded.params.to_flat()] == [repr(v) for v in session.params.to_flat()]
    assert [repr(v) for v in loaded.inputs] == [repr(v) for v in session.inputs]
    assert (repr(loaded.long0), repr(loaded.short0)) == (repr(session.long0), repr(session.short0))
    assert loaded.dataset == session.dataset
    assert loaded.training == session.training
    assert (loaded.name, loaded.description) == (session.name, session.description)


def test_saved_file_round_trips_and_is_readable_json(tmp_path):
    session = load_example("companies")
    path = tmp_path / "companies.json"
    save_session(session, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == FORMAT_VERSION
    assert data["weights"]["forget"] == {"w_short": 2.7, "w_input": 1.63, "bias": 1.62}
    assert data["memories"] == {"long": 0.0, "short": 0.0}
    assert [item["name"] for item in data["dataset"]] == ["Company A", "Company B"]
    assert set(data["training"]) == set(TrainConfig.__dataclass_fields__)
    loaded = load_session(path)
    assert _text(loaded) == _text(session)


def test_history_is_saved_and_loaded():
    history = TrainingHistory(["Company A", "Company B"])
    history.extend(
        [0, 1, 2], [0.5, 0.25, 0.125], [[0.1, 0.9]] * 3, [list(NOTEBOOK_PARAMS.to_flat())] * 3, run_start=True
    )
    session = Session(history=history)
    loaded = loads_session(dumps_session(session))
    assert loaded.history is not None
    assert loaded.history.loss.tolist() == [0.5, 0.25, 0.125]
    assert loaded.history.epochs.tolist() == [0, 1, 2]
    assert _text(loaded) == _text(session)
    bad = session_to_dict(session)
    bad["history"]["loss"][1] = "x"
    with pytest.raises(SessionFileError) as err:
        session_from_dict(bad)
    assert str(err.value).startswith("history.loss[1]: ")


def test_examples_are_valid_and_as_documented():
    assert {"notebook", "companies"} <= set(list_examples())
    notebook = load_example("notebook")
    assert notebook.params == NOTEBOOK_PARAMS
    assert (notebook.inputs, notebook.long0, notebook.short0) == ((1.0,), 2.0, 1.0)
    assert notebook.dataset == COMPANIES
    companies = load_example("companies")
    assert companies.params == NOTEBOOK_PARAMS
    assert companies.inputs == COMPANIES[1].inputs
    assert (companies.long0, companies.short0) == (0.0, 0.0)
    assert companies.dataset == COMPANIES
    assert companies.trace().final()[1] == pytest.approx(0.969393, abs=1e-6)
    with pytest.raises(KeyError, match="available: .*notebook"):
        load_example("nope")


# -- validation -----------------------------------------------------------------


def _valid() -> dict:
    return session_to_dict(load_example("notebook"))


def _error(data, source="") -> str:
    with pytest.raises(SessionFileError) as err:
        session_from_dict(data, source)
    return str(err.value)


def test_a_bad_weight_is_named_exactly():
    data = _valid()
    data["weights"]["forget"]["bias"] = "abc"
    assert _error(data) == "weights.forget.bias: expected a finite number, got 'abc'"
    assert _error(data, "s.json") == "s.json: weights.forget.bias: expected a finite number, got 'abc'"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["weights"]["output"].pop("w_short"), "weights.output: missing 'w_short'"),
        (lambda d: d["weights"].update(extra={}), "weights: unknown key 'extra'"),
        (
            lambda d: d["weights"]["input"].update(w_input=True),
            "weights.input.w_input: expected a finite number, got true",
        ),
        (lambda d: d.update(inputs=[1, None]), "inputs[1]: expected a finite number, got null"),
        (lambda d: d.update(inputs="1,2"), "inputs: expected a list of numbers"),
        (lambda d: d["memories"].update(long=[2]), "memories.long: expected a finite number, got a list"),
        (lambda d: d.pop("memories"), "missing 'memories'"),
        (lambda d: d["dataset"][1].update(inputs=[]), "dataset[1].inputs: expected at least one number"),
        (lambda d: d["dataset"][0].update(target="1"), "dataset[0].target: expected a finite number, got '1'"),
        (lambda d: d["dataset"][0].update(name=3), "dataset[0].name: expected a string, got 3"),
        (lambda d: d["training"].update(lr="fast"), "training"),
        (lambda d: d["training"].update(optimizer="lbfgs"), "training"),
        (lambda d: d.update(colour="red"), "unknown key 'colour'"),
        (lambda d: d.update(format_version="1"), "format_version: expected a whole number, got '1'"),
        (lambda d: d.update(format_version=0), "format_version: unknown session format version 0"),
    ],
)
def test_invalid_values_are_reported_with_their_place(change, message):
    data = _valid()
    change(data)
    text = _error(data)
    assert message in text
    assert "\n" not in text


def test_future_versions_are_refused_clearly():
    data = _valid()
    data["format_version"] = FORMAT_VERSION + 1
    text = _error(data)
    assert "newer than this lstm-gui understands" in text and "update lstm-gui" in text


@pytest.mark.parametrize("data", [[], {}, "x", 3, {"weights": {}}, None])
def test_json_that_is_not_a_session(data):
    assert "not an lstm-gui session" in _error(data)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"format_version": 1,', "not valid JSON"),
        ("", "not valid JSON"),
        ('{"a": NaN}', "NaN is not allowed"),
        ('{"a": -Infinity}', "-Infinity is not allowed"),
    ],
)
def test_broken_json_and_non_finite_constants(text, message):
    with pytest.raises(SessionFileError, match=message):
        loads_session(text)


def test_overflowing_number_is_named_as_written():
    text = dumps_session(load_example("notebook")).replace('"bias": 0.59', '"bias": 1e999')
    with pytest.raises(SessionFileError) as err:
        loads_session(text)
    assert str(err.value) == "weights.output.bias: expected a finite number, got 1e999"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["memories"].update(long=1e999), "memories.long: expected a finite number, got 1e999"),
        (lambda d: d.update(inputs=[0.5, -1e999]), "inputs[1]: expected a finite number, got -1e999"),
        (
            lambda d: d["dataset"][1].update(inputs=[1, 1e999]),
            "dataset[1].inputs[1]: expected a finite number, got 1e999",
        ),
        (lambda d: d["dataset"][0].update(target=1e999), "dataset[0].target: expected a finite number, got 1e999"),
        (lambda d: d["training"].update(momentum=1), "training.momentum: expected at least 0 and below 1, got 1.0"),
        (lambda d: d["training"].update(seed=-3), "training.seed: expected at least 0, got -3"),
        (lambda d: d["training"].update(lr="fast"), "training.lr: expected a finite number, got 'fast'"),
        (lambda d: d["training"].update(colour=1), "training: unknown key 'colour'"),
    ],
)
def test_a_value_refused_by_its_owner_is_named_at_its_place_in_the_file(change, message):
    data = _valid()
    change(data)
    text = json.dumps(data).replace("Infinity", "1e999")  # as a person would have typed it
    with pytest.raises(SessionFileError) as err:
        loads_session(text)
    assert str(err.value).startswith(message)


def test_zero_epochs_are_refused_at_load_with_the_path(tmp_path):
    data = _valid()
    data["training"]["epochs"] = 0
    path = tmp_path / "zero.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SessionFileError) as err:
        load_session(path)
    assert err.value.where == "training.epochs"
    assert err.value.reason == "expected at least 1, got 0"
    assert str(err.value) == f"{path}: training.epochs: expected at least 1, got 0"
    assert _error(data) == "training.epochs: expected at least 1, got 0"


def test_a_bad_history_value_is_named_at_its_place():
    history = TrainingHistory(["Company A", "Company B"])
    history.extend([0, 1], [0.5, 0.25], [[0.1, 0.9]] * 2, [list(NOTEBOOK_PARAMS.to_flat())] * 2, run_start=True)
    data = session_to_dict(Session(history=history))
    data["history"]["loss"][1] = "x"
    assert _error(data) == "history.loss[1]: expected a finite number, got 'x'"
    data["history"]["loss"] = 3
    assert _error(data) == "history.loss: expected a list, got int"


# -- files ----------------------------------------------------------------------------


def test_missing_folder_and_non_utf8_files(tmp_path):
    with pytest.raises(SessionFileError, match="no such session file"):
        load_session(tmp_path / "missing.json")
    with pytest.raises(SessionFileError, match="is a folder"):
        load_session(tmp_path)
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SessionFileError, match="not a text file"):
        load_session(binary)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "s.json"
    save_session(Session(), path)
    path.chmod(0)
    with pytest.raises(SessionFileError, match="permission denied"):
        load_session(path)


def test_ten_megabyte_session_is_accepted(tmp_path):
    count = 10 * 1024 * 1024 // 20 + 1000  # "0.1234567890123456, " is 20 characters
    session = Session(inputs=[0.1234567890123456] * count)
    path = tmp_path / "big.json"
    save_session(session, path)
    assert 10 * 1024 * 1024 < path.stat().st_size < MAX_FILE_BYTES
    assert len(load_session(path).inputs) == count


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1000 * 1000)  # sparse: no disk used
    reads = []
    real_open = open

    def spying_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        original_read = handle.read
        handle.read = lambda n=-1: reads.append(n) or original_read(n)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr("builtins.open", spying_open)
    # 50,000,000 bytes = 47.7 MiB; the limit is said in the unit of MAX_FILE_BYTES
    with pytest.raises(SessionFileError, match=r"too large \(47\.7 MiB; the limit is 20 MiB\)"):
        load_session(path)
    assert reads == []


def test_size_limit_holds_when_the_size_is_not_known_in_advance(tmp_path, monkeypatch):
    """Pipes and some special files report size 0: read at most limit + 1 bytes."""
    path = tmp_path / "grows.json"
    path.write_bytes(b" " * 2048)
    real_fstat = os.fstat
    monkeypatch.setattr(fileformat.os, "fstat", lambda fd: os.stat_result((0,) * 6 + (0,) + tuple(real_fstat(fd))[7:]))
    with pytest.raises(SessionFileError, match="more than"):
        fileformat.read_text_limited(path, limit=1024)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(load_example("notebook"), path)
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileformat.os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_session(load_example("companies"), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]  # no temp file left


def test_save_keeps_permissions_and_writes_new_files_normally(tmp_path):
    path = tmp_path / "s.json"
    save_session(Session(), path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o640)
    save_session(Session(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_save_to_a_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        save_session(Session(), tmp_path / "no" / "s.json")


def test_minimal_hand_written_session(tmp_path):
    """Only the four required keys: the rest takes its defaults."""
    path = tmp_path / "my run.json"
    path.write_text(
        '{"format_version": 1, "inputs": [1], "memories": {"long": 2, "short": 1},\n'
        ' "weights": ' + json.dumps(NOTEBOOK_PARAMS.to_nested()) + "}",
        encoding="utf-8",
    )
    session = load_session(path)
    assert (session.name, session.dataset, session.training, session.history) == ("", (), TrainConfig(), None)
    assert math.isclose(session.trace().final()[1], 0.986229, abs_tol=1e-6)


def test_update_from_announces_only_changes():
    session = load_example("notebook")
    seen = []
    for name in ("weights_changed", "inputs_changed", "memories_changed", "dataset_changed"):
        getattr(session.events, name).connect(lambda value, name=name: seen.append(name))
    session.update_from(load_example("companies"))
    assert seen == ["inputs_changed", "memories_changed"]
    assert session.name == "companies" and session.inputs == COMPANIES[1].inputs


def test_session_events_carry_the_new_value_and_drop_dead_listeners():
    import gc

    session = load_example("notebook")

    class Listener:
        def __init__(self) -> None:
            self.values: list[object] = []

        def on_inputs(self, value: object) -> None:
            self.values.append(value)

    listener = Listener()
    session.events.inputs_changed.connect(listener.on_inputs)
    session.set_inputs([0.5, 2.0])
    assert listener.values == [(0.5, 2.0)]
    del listener
    gc.collect()
    assert len(session.events.inputs_changed) == 0
    session.set_inputs([1.0])  # nobody left to call: no error


def test_files_are_written_as_version_5_and_versions_1_to_4_still_load(tmp_path):
    from lstm_gui.core.files.session_file import FORMAT_VERSION

    assert FORMAT_VERSION == 5
    session = load_example("companies")
    data = json.loads(dumps_session(session))
    assert data["format_version"] == 5
    for older in (
        1,
        2,
        3,
        4,
    ):  # 1: before the loss envelope; 2: before breakpoints; 3: before landscape and target; 4: before chapters
        data["format_version"] = older
        assert loads_session(json.dumps(data)).dataset == session.dataset
    data["format_version"] = 6
    with pytest.raises(SessionFileError, match="newer than this lstm-gui understands"):
        loads_session(json.dumps(data))


# -- the loss landscape's choices (format 4) -------------------------------------


def test_the_landscape_choices_round_trip_and_are_left_out_when_default(tmp_path):
    from lstm_gui.core.landscape import LandscapeChoice

    session = load_example("companies")
    assert "landscape" not in json.loads(dumps_session(session))
    choice = LandscapeChoice(x="wo1", y=None, x_range=(-1.0, 5.5), grid=33)
    session.set_landscape(choice)
    path = tmp_path / "s.json"
    save_session(session, path)
    data = json.loads(path.read_text())
    assert data["landscape"] == {"x": "output.w_short", "y": None, "x_range": [-1.0, 5.5], "y_range": None, "grid": 33}
    assert load_session(path).landscape == choice
    other = Session()
    seen = []
    other.events.landscape_changed.connect(seen.append)
    other.update_from(load_session(path))
    assert other.landscape == choice and seen == [choice]


def test_a_version_2_file_and_the_examples_load_with_the_default_landscape():
    from lstm_gui.core.landscape import LandscapeChoice

    data = json.loads(dumps_session(load_example("companies")))
    data["format_version"] = 2
    assert loads_session(json.dumps(data)).landscape == LandscapeChoice()
    for name in list_examples():
        assert load_example(name).landscape == LandscapeChoice()


@pytest.mark.parametrize(
    ("landscape", "message"),
    [
        ({"x": "forget.bais"}, "landscape.x: unknown weight 'forget.bais'; did you mean 'forget.bias'?"),
        ({"x": "wlr1", "y": "wlr1"}, "landscape.y: expected a weight other than x"),
        ({"x": "wlr1", "x_range": [1, 0]}, "landscape.x_range: expected the low end below the high end"),
        ({"x": "wlr1", "x_range": [1]}, "landscape.x_range: expected two numbers"),
        ({"x": "wlr1", "y_range": [0, "a"]}, "landscape.y_range[1]: expected a finite number"),
        ({"x": "wlr1", "grid": 1000}, "landscape.grid: expected 2 to 256 points"),
        ({"x": "wlr1", "grid": 2.0}, "landscape.grid: expected a whole number"),
        ({"x": 3}, "landscape.x: expected a string"),
        ({"y": "wlr1"}, "landscape: missing 'x'"),
        ({"x": "wlr1", "z": 1}, "landscape: unknown key 'z'"),
    ],
)
def test_a_bad_landscape_is_refused_naming_its_place(landscape, message):
    data = json.loads(dumps_session(load_example("companies")))
    data["landscape"] = landscape
    with pytest.raises(SessionFileError) as caught:
        loads_session(json.dumps(data))
    assert message in str(caught.value)
