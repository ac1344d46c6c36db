"""Nothing a person makes is lost, and no file hangs, crashes or eats the machine.

Session files with lone surrogates, huge integers, nulls, repeated keys and
oversized lists are refused with their place; reading never blocks on a
FIFO; saving keeps symbolic links and refuses FIFOs, devices and folders;
a killed save's temporary files are cleaned up; ``.pt`` archives that would
unpack to gigabytes are refused before ``torch.load``.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import stat
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_gui.core.dataset import DatasetFileError, read_dataset_csv, write_dataset_csv
from lstm_gui.core.files.io import SessionFileError, read_bytes_limited
from lstm_gui.core.files.session_file import load_example, load_session, loads_session, save_session, session_to_dict
from lstm_gui.core.formatting import quote_value
from lstm_gui.core.limits import MAX_DATASET_NUMBERS, MAX_HISTORY_ROWS, MAX_INPUT_STEPS, MAX_SEQUENCES
from lstm_gui.core.resources import example_text, list_examples
from lstm_gui.core.session import Session
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.run import TrainingRun

HUGE = 10**400


def _with_timeout(action: Callable[[], Any], seconds: float = 10.0) -> Any:
    """Run ``action`` in a thread; fail (instead of hanging the suite) if it blocks."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        # Unblock the reader so the daemon thread can end, then fail.
        pytest.fail(f"blocked for more than {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _trained_data() -> dict[str, Any]:
    session = load_example("companies")
    run = TrainingRun(session.params, session.dataset, TrainConfig(epochs=3))
    run.run()
    session.set_history(run.history)
    return json.loads(json.dumps(session_to_dict(session)))


def _load_data(data: dict[str, Any]) -> Session:
    return loads_session(json.dumps(data))


def _set(data: Any, path: str, value: Any) -> None:
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    target = data
    for part in parts[:-1]:
        target = target[int(part[1:-1])] if part.startswith("[") else target[part]
    last = parts[-1]
    if last.startswith("["):
        target[int(last[1:-1])] = value
    else:
        target[last] = value


# -- 1. lone surrogates -----------------------------------------------------------


@pytest.mark.parametrize("path", ["name", "description", "dataset[0].name", "history.sequence_names[1]"])
def test_a_lone_surrogate_in_any_text_is_refused_when_loading_with_its_place(path):
    data = _trained_data()
    _set(data, path, "Company \ud800A")
    text = json.dumps(data)  # ensure_ascii: the file holds the escape "\ud800"
    assert "\\ud800" in text
    with pytest.raises(SessionFileError) as caught:
        loads_session(text)
    message = str(caught.value)
    assert message.startswith(f"{path}: expected text without lone surrogates"), message
    assert "\\ud800" in message


def test_saving_a_name_with_a_lone_surrogate_is_a_session_file_error_and_writes_nothing(tmp_path):
    session = load_example("companies")
    session.name = "Company \ud800A"
    path = tmp_path / "s.json"
    with pytest.raises(SessionFileError, match="lone surrogate"):
        save_session(session, path)
    assert list(tmp_path.iterdir()) == []
    path.write_text("old", encoding="utf-8")
    with pytest.raises(SessionFileError):
        save_session(session, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


# -- 2. saving replaces the file a path points at, and only a regular file ---------


def test_saving_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "session.json"
    target.parent.mkdir()
    save_session(load_example("notebook"), target)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    session = load_example("companies")
    save_session(session, link)
    assert link.is_symlink()
    assert load_session(target).dataset == session.dataset
    # The temporary file was made beside the target, and is gone.
    assert sorted(p.name for p in target.parent.iterdir()) == ["session.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]


def test_saving_through_a_dangling_symlink_creates_the_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")
    save_session(load_example("notebook"), link)
    assert link.is_symlink() and (tmp_path / "new.json").is_file()


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_saving_onto_something_that_is_not_a_regular_file_is_refused_and_leaves_it(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        expected = "a FIFO"
    elif kind == "folder":
        path = tmp_path / "folder"
        path.mkdir()
        expected = "a folder"
    else:
        # A device node of its own (never /dev/null itself: a regression
        # running as root would replace the system's).
        path = tmp_path / "null"
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("creating a device node needs root")
        expected = "a character device"
    before = os.stat(path)
    with pytest.raises(OSError, match=f"not a regular file \\({expected}\\)"):
        _with_timeout(lambda: save_session(load_example("notebook"), path))
    after = os.stat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_dataset_csv_export_refuses_a_fifo_too(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    with pytest.raises(OSError, match="a FIFO"):
        _with_timeout(lambda: write_dataset_csv(load_example("companies").dataset, path))
    assert path.is_fifo()


# -- 3. reading never blocks on a FIFO --------------------------------------------


def test_loading_a_fifo_is_refused_at_once(tmp_path):
    path = tmp_path / "session.json"
    os.mkfifo(path)
    with pytest.raises(SessionFileError, match=r"session\.json: not a regular file \(a FIFO\)"):
        _with_timeout(lambda: load_session(path))


def test_reading_a_dataset_csv_from_a_fifo_is_refused_at_once(tmp_path):
    path = tmp_path / "data.csv"
    os.mkfifo(path)
    with pytest.raises(DatasetFileError, match="a FIFO"):
        _with_timeout(lambda: read_dataset_csv(path))


def test_reading_a_character_device_is_refused():
    with pytest.raises(SessionFileError, match="a character device"):
        _with_timeout(lambda: read_bytes_limited("/dev/zero"))


def test_a_fifo_swapped_in_after_the_check_does_not_block(tmp_path, monkeypatch):
    """The race between the check and the open: opened without blocking, checked again."""
    path = tmp_path / "session.json"
    os.mkfifo(path)
    real_stat = os.stat
    regular = real_stat(__file__)
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: regular if str(p) == str(path) else real_stat(p, *a, **k))
    with pytest.raises(SessionFileError, match="a FIFO"):
        _with_timeout(lambda: read_bytes_limited(path))


# -- 4 and 12. huge integers, nulls, repeated keys ------------------------------------

NUMERIC_FIELDS = [
    *(
        f"weights.{gate}.{role}"
        for gate in ("forget", "input", "candidate", "output")
        for role in ("w_short", "w_input", "bias")
    ),
    "inputs[0]",
    "memories.long",
    "memories.short",
    "dataset[0].inputs[0]",
    "dataset[1].target",
    "training.lr",
    "training.momentum",
    "training.epochs",
    "training.seed",
    "training.stop_below",
    "history.epochs[1]",
    "history.loss[0]",
    "history.outputs[0][1]",
    "history.weights[2][11]",
    "history.run_starts[0]",
]


@pytest.mark.parametrize("path", NUMERIC_FIELDS)
def test_an_integer_of_400_digits_in_any_numeric_field_is_refused_with_its_place(path):
    data = _trained_data()
    _set(data, path, HUGE)
    with pytest.raises(SessionFileError) as caught:
        _load_data(data)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "1000000000000" in message and "0" * 41 not in message, message
    assert len(message) < 200


def test_format_version_of_400_digits_is_refused_shortly():
    data = _trained_data()
    data["format_version"] = HUGE
    with pytest.raises(SessionFileError, match="newer than") as caught:
        _load_data(data)
    assert "0" * 41 not in str(caught.value)


@pytest.mark.parametrize("path", [p for p in NUMERIC_FIELDS if p != "training.stop_below"] + ["format_version"])
def test_null_is_refused_wherever_a_number_is_required(path):
    data = _trained_data()
    _set(data, path, None)
    with pytest.raises(SessionFileError) as caught:
        _load_data(data)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "null" in message or "None" in message


def test_null_stop_below_means_never():
    data = _trained_data()
    data["training"]["stop_below"] = None
    assert _load_data(data).training.stop_below is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"bias": ', '"bias": 2, "bias": ', "weights.forget: duplicate key 'bias'"),
        ('"format_version": 1', '"format_version": 1, "inputs": [2]', "duplicate key 'inputs'"),
        ('"target": ', '"target": 1, "target": ', "dataset[0]: duplicate key 'target'"),
    ],
)
def test_a_repeated_key_is_refused_with_its_place(old, new, message):
    document = json.dumps(json.loads(example_text("companies")))
    assert old in document
    with pytest.raises(SessionFileError) as caught:
        loads_session(document.replace(old, new, 1))
    assert str(caught.value) == message


# -- 8. limits on what a file may hold -------------------------------------------------


def test_too_many_inputs_are_refused_before_the_numbers_are_read():
    data = json.loads(example_text("notebook"))
    data["inputs"] = ["not a number"] * (MAX_INPUT_STEPS + 1)
    with pytest.raises(SessionFileError) as caught:
        _load_data(data)
    assert str(caught.value) == f"inputs: {MAX_INPUT_STEPS + 1} numbers, more than the limit of {MAX_INPUT_STEPS}"


def test_a_hundred_thousand_inputs_load():
    data = json.loads(example_text("notebook"))
    data["inputs"] = [0.5] * 100_000
    assert len(_load_data(data).inputs) == 100_000


def test_too_many_sequences_or_dataset_numbers_are_refused_before_the_numbers_are_read():
    data = json.loads(example_text("notebook"))
    data["dataset"] = [{"name": "s", "inputs": ["x"], "target": 0}] * (MAX_SEQUENCES + 1)
    with pytest.raises(
        SessionFileError, match=f"dataset: {MAX_SEQUENCES + 1} sequences, more than the limit of {MAX_SEQUENCES}"
    ):
        _load_data(data)
    per = MAX_DATASET_NUMBERS // 4 + 1
    data["dataset"] = [{"name": f"s{k}", "inputs": ["x"] * per, "target": 0} for k in range(4)]
    with pytest.raises(
        SessionFileError, match=f"dataset: {4 * per} inputs in all, more than the limit of {MAX_DATASET_NUMBERS}"
    ):
        _load_data(data)


def test_five_thousand_short_sequences_and_256_of_50_steps_load():
    data = json.loads(example_text("notebook"))
    data["dataset"] = [{"name": f"s{k}", "inputs": [0.5, 1], "target": 0} for k in range(5000)]
    assert len(_load_data(data).dataset) == 5000
    data["dataset"] = [{"name": f"s{k}", "inputs": [0.5] * 50, "target": 1} for k in range(256)]
    assert len(_load_data(data).dataset) == 256


def test_a_history_of_too_many_rows_is_refused_before_the_numbers_are_read():
    data = _trained_data()
    rows = MAX_HISTORY_ROWS + 1
    data["history"] = {
        "sequence_names": ["Company A", "Company B"],
        "epochs": list(range(rows)),
        "loss": ["x"] * rows,
        "outputs": [["x"]] * rows,
        "weights": [["x"]] * rows,
    }
    with pytest.raises(
        SessionFileError, match=f"history.epochs: {rows} rows, more than the limit of {MAX_HISTORY_ROWS}"
    ):
        _load_data(data)


# -- 11. a killed save's temporary files ------------------------------------------------


def test_the_next_save_removes_stale_temporary_files_of_the_same_target(tmp_path):
    path = tmp_path / "s.json"
    stale = tmp_path / ".s.json.abcd1234.tmp"
    fresh = tmp_path / ".s.json.efgh5678.tmp"  # a save in progress elsewhere
    other = tmp_path / ".t.json.abcd1234.tmp"  # another file's
    unrelated = tmp_path / ".s.json.backup.tmp"
    for leftover in (stale, fresh, other, unrelated):
        leftover.write_text("half a session")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    linked = tmp_path / ".s.json.link0000.tmp"
    linked.symlink_to(victim)
    old = time.time() - 3600
    for leftover in (stale, other, unrelated, linked):
        os.utime(leftover, (old, old), follow_symlinks=False)
    save_session(load_example("notebook"), path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["s.json", fresh.name, other.name, unrelated.name, linked.name, "victim.txt"])
    assert victim.read_text() == "keep me"


# -- 8. .pt archives that unpack to too much ----------------------------------------


def test_a_pt_archive_that_unpacks_to_megabytes_is_refused_before_torch_load(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    from lstm_gui.core.files import torch_bridge

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\0" * (8 * 1024 * 1024))
    path = tmp_path / "bomb.pt"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000
    loads = []
    monkeypatch.setattr(torch_bridge.torch, "load", lambda *a, **k: loads.append(a) or {})
    with pytest.raises(torch_bridge.TorchFileError, match="bomb.pt: not an nn.LSTM"):
        torch_bridge.load_torch(path)
    assert loads == []
    assert torch  # imported for the bridge


def test_a_real_state_dict_still_loads_and_is_tiny(tmp_path):
    pytest.importorskip("torch")
    from lstm_gui.core.files.torch_bridge import load_torch, save_torch

    session = load_example("companies")
    path = tmp_path / "cell.pt"
    save_torch(session.params, path)
    assert path.stat().st_size < 10_000
    assert load_torch(path) == session.params


# -- the loader never fails in another way ------------------------------------------------

EXAMPLE_TEXTS = [example_text(name) for name in list_examples()]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(), max_size=30)
    | st.sampled_from(["\ud800", "nan", "", "a" * 1000]),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data[:5]):
            found += _paths(value, prefix + (index,))
    return found


@st.composite
def mutated_files(draw: st.DrawFn) -> str | bytes:
    text = draw(st.sampled_from(EXAMPLE_TEXTS + [json.dumps(_TRAINED)]))
    kind = draw(st.sampled_from(["replace", "delete", "duplicate", "truncate", "bytes", "deep", "several"]))
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "bytes":
        raw = bytearray(text.encode("utf-8"))
        for _ in range(draw(st.integers(1, 10))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    if kind == "deep":
        depth = draw(st.integers(10, 100_000))
        return '{"format_version": 1, "weights": ' + "[" * depth + "]" * depth + "}"
    data = json.loads(text)
    for _ in range(draw(st.integers(1, 3)) if kind == "several" else 1):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = kind if kind != "several" else draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "duplicate" and isinstance(parent, dict):
            encoded = json.dumps(data)
            key = json.dumps(path[-1])
            extra = json.dumps(draw(json_values))
            # Insert a repeated key right after the object's opening brace (text level).
            return (
                encoded.replace("{", "{" + f"{key}: {extra}, ", 1)
                if len(path) == 1
                else encoded.replace(key + ":", f"{key}: {extra}, {key}:", 1)
            )
        else:
            parent[path[-1]] = draw(json_values)
    return json.dumps(data, ensure_ascii=draw(st.booleans()))


_TRAINED = _trained_data()


def _load_any(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    try:
        session = load_session(path)
    except SessionFileError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 400, message
        return
    assert isinstance(session, Session)
    # What loads also saves (and loads again the same).
    save_session(session, tmp_path / "again.json")
    assert session_to_dict(load_session(tmp_path / "again.json")) == session_to_dict(session)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(content=mutated_files())
def test_the_loader_returns_a_session_or_a_session_file_error_for_any_mutated_file(tmp_path, content):
    _load_any(tmp_path, content)


@pytest.mark.slow
@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(content=mutated_files())
def test_the_loader_survives_thousands_of_mutated_files(tmp_path, content):
    _load_any(tmp_path, content)


def test_random_bytes_never_escape_as_another_exception(tmp_path):
    rng = random.Random(11)
    for _ in range(200):
        _load_any(tmp_path, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))


def test_quote_value_shows_at_most_40_characters_on_one_line():
    assert quote_value("a\nb") == "'a\\nb'"
    assert quote_value("x" * 5000) == "'" + "x" * 40 + "…'"
    assert quote_value(HUGE) == "1" + "0" * 39 + "…"
    assert quote_value([1, 2, 3]) == "a list of 3 items"
    assert quote_value("\ud800") == "'\\ud800'"


def test_a_dataset_csv_of_too_many_rows_is_refused_before_the_numbers_are_read(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("name,target,inputs\n" + "s,x,x\n" * (MAX_SEQUENCES + 1))
    with pytest.raises(
        DatasetFileError, match=f"{MAX_SEQUENCES + 1} sequences, more than the limit of {MAX_SEQUENCES}"
    ):
        read_dataset_csv(path)
