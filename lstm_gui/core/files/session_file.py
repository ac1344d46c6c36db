"""Session files: JSON with a ``format_version``, validated on load, written atomically.

Layout (``format_version`` 1)::

    {
      "format_version": 1,
      "name": "notebook",                      (optional)
      "description": "...",                    (optional)
      "weights": {"forget": {"w_short": 2.7, "w_input": 1.63, "bias": 1.62},
                  "input": {...}, "candidate": {...}, "output": {...}},
      "inputs": [1.0],                         the free input sequence
      "target": 0.5,                           (optional, version 4) the free inputs' target
      "memories": {"long": 2.0, "short": 1.0}, initial memories
      "dataset": [{"name": "Company A", "inputs": [0, 0.5, 0.25, 1], "target": 0}],
      "training": {...TrainConfig fields...},
      "history": {...},                        (optional, TrainingHistory)
      "breakpoints": [{"condition": "forget < 0.1", "enabled": true}],   (optional, version 3)
      "watches": [{"expression": "input * candidate", "in_table": true, "in_plot": false}],
      "training_breakpoints": [{"condition": "loss < 0.01", "enabled": true}],
      "landscape": {"x": "forget.bias", "y": "input.bias",
                    "x_range": null, "y_range": [-1, 3], "grid": 64}
                                               (optional, version 4; y null: a curve,
                                               a range null: the current value +- 3)
      "comparison": {"rnn": [0.9, 1.0, 0.0], "gru": [10 numbers]}
                                               (optional, version 4; the plain RNN's and
                                               the GRU's weights in core.cells' order;
                                               a cell left out: its default)
      "chapters": [{...}, ...]                 (optional, a lesson: see below)
    }

A lesson's chapter (``format_version`` 5, issue 14)::

    {"title": "The forget gate", "text": "**Bold**, *italic*, - bullets",
     "state": {"sequence": "Company A", "step": 0, "stage": "forget",
               "weights": ..., "inputs": ..., "memories": ..., "dataset": ...,
               "training": ..., "history": ...},      (each part optional)
     "highlight": ["forget", "long_term"], "hidden": [...], "locked": [...],
     "prediction": {"question": "...", "kind": "yes/no", "key": "forget",
                    "step": 1, "op": ">", "value": 0.5},
     "advance_when": {"step": 4}}

Numbers are written with ``repr`` precision, so save -> load gives back exactly
the same floats. NaN and Infinity are neither written nor accepted. Every
problem is reported as a :class:`SessionFileError` naming the exact place,
e.g. ``weights.forget.bias: expected a finite number, got 'abc'``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from lstm_gui.core.cell import CellParams, GateParams
from lstm_gui.core.chapters import Chapter, ChapterState, Goal, Prediction
from lstm_gui.core.dataset import DatasetItem, check_dataset, check_dataset_size
from lstm_gui.core.debugging import Breakpoint, Watch
from lstm_gui.core.errors import FieldError, check_count, finite_number, text_value
from lstm_gui.core.files.io import MAX_FILE_BYTES, SessionFileError, atomic_write_text, read_text_limited
from lstm_gui.core.formatting import quote_value
from lstm_gui.core.landscape import DEFAULT_GRID, LandscapeChoice
from lstm_gui.core.lessons import check_chapter
from lstm_gui.core.limits import MAX_BREAKPOINTS, MAX_INPUT_STEPS, MAX_WATCHES
from lstm_gui.core.resources import example_text, list_examples
from lstm_gui.core.session import COMPARISON_CELLS, Session, check_comparison, default_comparison
from lstm_gui.core.vocabulary import GATES, ROLES
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.history import TrainingHistory

#: The version this code writes; files with a larger number are refused, every
#: smaller one still loads. 1: the first format. 2: a saved history that was
#: thinned may hold ``loss_min``/``loss_max`` (the exact loss envelope of the
#: epochs each kept row stands for); version 1 files simply have none.
#: 3: the debugger's ``breakpoints``, ``watches`` and ``training_breakpoints``
#: (optional lists). 4: the loss landscape's choices (``landscape``) and the
#: free input sequence's ``target``. 5: a lesson's ``chapters``. Older files
#: simply have none of these.
#: (Branch h13d: the comparison cells' weights, ``comparison``, are optional
#: too; older files have none.)
FORMAT_VERSION = 5

_REQUIRED_KEYS = ("format_version", "weights", "inputs", "memories")
_OPTIONAL_KEYS = (
    "name",
    "description",
    "dataset",
    "training",
    "history",
    "breakpoints",
    "watches",
    "training_breakpoints",
    "landscape",
    "target",
    "comparison",
    "chapters",
)
_TRAINING_KEYS = tuple(field.name for field in dataclasses.fields(TrainConfig))


# -- JSON values ------------------------------------------------------------------


class _Overflowed(float):
    """A JSON number too large for a float (``1e999``), remembered as typed."""

    text: str

    def __new__(cls, text: str) -> _Overflowed:
        value = super().__new__(cls, float(text))
        value.text = text
        return value

    def __repr__(self) -> str:
        return self.text


def _parse_float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _Overflowed(text)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed (numbers must be finite)")


class _DuplicateKeys(dict[str, Any]):
    """A JSON object that repeated a key (the first repeated key is kept)."""

    duplicate: str = ""


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) == len(pairs):
        return data
    seen: set[str] = set()
    marked = _DuplicateKeys(data)
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


def _find_duplicate_key(data: Any) -> tuple[str, str] | None:
    """(where, key) of the first object that repeats a key, breadth first
    (iterative: a file may nest deeply)."""
    pending: deque[tuple[str, Any]] = deque([("", data)])
    while pending:
        where, value = pending.popleft()
        if isinstance(value, _DuplicateKeys):
            return where, value.duplicate
        if isinstance(value, dict):
            pending.extend((f"{where}.{key}" if where else str(key), item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((f"{where}[{k}]", item) for k, item in enumerate(value) if isinstance(item, (dict, list)))
    return None


def parse_json_text(text: str, source: str = "") -> Any:
    """JSON text to Python data, refusing NaN/Infinity and repeated keys in an
    object (JSON readers disagree on which one wins); errors name the line
    or the place (``weights.forget: duplicate key 'bias'``)."""
    duplicates: list[bool] = []

    def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = _object_pairs(pairs)
        if isinstance(data, _DuplicateKeys):
            duplicates.append(True)
        return data

    try:
        data = json.loads(
            text, parse_float=_parse_float, parse_constant=_refuse_constant, object_pairs_hook=object_pairs
        )
    except json.JSONDecodeError as exc:
        raise SessionFileError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", source=source
        ) from None
    except (ValueError, RecursionError) as exc:
        # parse_constant's refusal, or an integer literal with thousands of digits.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, RecursionError):
            reason = "nested too deeply"
        raise SessionFileError(f"not valid JSON: {reason[:120]}", source=source) from None
    if duplicates:
        found = _find_duplicate_key(data)
        if found is not None:
            raise SessionFileError(f"duplicate key {quote_value(found[1])}", found[0], source)
    return data


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return quote_value(value)


def _number(value: Any, where: str) -> float:
    """A finite JSON number as a float (an integer of hundreds of digits is refused here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SessionFileError(f"expected a finite number, got {_describe(value)}", where)
    try:
        return finite_number(value, where)
    except FieldError as exc:
        raise SessionFileError(exc.reason, exc.where) from None


def _object(value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SessionFileError(f"expected an object, got {_describe(value)}", where)
    missing = [key for key in required if key not in value]
    if missing:
        raise SessionFileError(f"missing {', '.join(repr(k) for k in missing)}", where)
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        allowed = ", ".join(required + optional)
        raise SessionFileError(f"unknown key {', '.join(repr(k) for k in unknown)} (expected {allowed})", where)
    return value


def _number_list(value: Any, where: str, limit: int | None = None) -> list[float]:
    if not isinstance(value, list):
        raise SessionFileError(f"expected a list of numbers, got {_describe(value)}", where)
    if limit is not None:
        with _at(""):
            check_count(len(value), limit, where)
    return [_number(v, f"{where}[{k}]") for k, v in enumerate(value)]


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SessionFileError(f"expected a string, got {_describe(value)}", where)
    with _at(""):
        return text_value(value, where)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SessionFileError(f"expected true or false, got {_describe(value)}", where)
    return value


def _entries(data: Any, where: str, limit: int) -> list[Any]:
    """A list of objects (breakpoints, watches), its length checked first."""
    if not isinstance(data, list):
        raise SessionFileError(f"expected a list, got {_describe(data)}", where)
    with _at(""):
        check_count(len(data), limit, where, "entries")
    return data


@contextmanager
def _at(prefix: str) -> Iterator[None]:
    """Report a value refused by its owner at its place in the file: the
    owner's ``where`` (``epochs``) under ``prefix`` (``training.epochs``)."""
    try:
        yield
    except FieldError as exc:
        refused = exc.within(prefix)
        raise SessionFileError(refused.reason, refused.where) from None


# -- session <-> plain data --------------------------------------------------------


def params_to_dict(params: CellParams) -> dict[str, dict[str, float]]:
    """The ``weights`` object: ``{gate: {w_short, w_input, bias}}``."""
    return params.to_nested()


def params_from_dict(data: Any, where: str = "weights") -> CellParams:
    """Read a ``weights`` object (see :func:`params_to_dict`); its numbers
    may still be non-finite (:class:`Session` refuses those)."""
    weights = _object(data, where, GATES)
    gates = []
    for gate in GATES:
        block = _object(weights[gate], f"{where}.{gate}", ROLES)
        gates.append(GateParams(*(_number(block[role], f"{where}.{gate}.{role}") for role in ROLES)))
    return CellParams(*gates)


def dataset_to_list(items: Sequence[DatasetItem]) -> list[dict[str, Any]]:
    """The ``dataset`` list: ``[{name, inputs, target}, ...]``."""
    return [{"name": item.name, "inputs": list(item.inputs), "target": item.target} for item in items]


def dataset_from_list(data: Any, where: str = "dataset") -> tuple[DatasetItem, ...]:
    """Validate a ``dataset`` list (see :func:`dataset_to_list`)."""
    if not isinstance(data, list):
        raise SessionFileError(f"expected a list of sequences, got {_describe(data)}", where)
    # The sizes first, before any number is converted.
    entries = [_object(entry, f"{where}[{k}]", ("name", "inputs", "target")) for k, entry in enumerate(data)]
    for k, entry in enumerate(entries):
        if not isinstance(entry["inputs"], list):
            raise SessionFileError(
                f"expected a list of numbers, got {_describe(entry['inputs'])}", f"{where}[{k}].inputs"
            )
    with _at(""):
        check_dataset_size([len(entry["inputs"]) for entry in entries], where)
    items = []
    for k, entry in enumerate(entries):
        here = f"{where}[{k}]"
        name = _string(entry["name"], f"{here}.name")
        inputs = _number_list(entry["inputs"], f"{here}.inputs")
        target = _number(entry["target"], f"{here}.target")
        with _at(here):
            items.append(DatasetItem(name, tuple(inputs), target))
    with _at(""):
        check_dataset(items, where)
    return tuple(items)


def breakpoints_to_list(breakpoints: Sequence[Breakpoint]) -> list[dict[str, Any]]:
    """The ``breakpoints`` (or ``training_breakpoints``) list: ``[{condition, enabled}, ...]``."""
    return [{"condition": b.condition, "enabled": b.enabled} for b in breakpoints]


def breakpoints_from_list(data: Any, where: str = "breakpoints") -> tuple[Breakpoint, ...]:
    """Read a breakpoints list (see :func:`breakpoints_to_list`); the
    conditions are checked by the session (it knows the names)."""
    items = []
    for k, entry in enumerate(_entries(data, where, MAX_BREAKPOINTS)):
        entry = _object(entry, f"{where}[{k}]", ("condition",), ("enabled",))
        condition = _string(entry["condition"], f"{where}[{k}].condition")
        items.append(Breakpoint(condition, _flag(entry.get("enabled", True), f"{where}[{k}].enabled")))
    return tuple(items)


def watches_to_list(watches: Sequence[Watch]) -> list[dict[str, Any]]:
    """The ``watches`` list: ``[{expression, in_table, in_plot}, ...]``."""
    return [{"expression": w.expression, "in_table": w.in_table, "in_plot": w.in_plot} for w in watches]


def watches_from_list(data: Any, where: str = "watches") -> tuple[Watch, ...]:
    """Read a ``watches`` list (see :func:`watches_to_list`)."""
    items = []
    for k, entry in enumerate(_entries(data, where, MAX_WATCHES)):
        here = f"{where}[{k}]"
        entry = _object(entry, here, ("expression",), ("in_table", "in_plot"))
        items.append(
            Watch(
                _string(entry["expression"], f"{here}.expression"),
                _flag(entry.get("in_table", False), f"{here}.in_table"),
                _flag(entry.get("in_plot", False), f"{here}.in_plot"),
            )
        )
    return tuple(items)


def session_to_dict(session: Session) -> dict[str, Any]:
    """The session as plain JSON-ready data (see the module docstring)."""
    data: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if session.name:
        data["name"] = session.name
    if session.description:
        data["description"] = session.description
    data["weights"] = params_to_dict(session.params)
    data["inputs"] = list(session.inputs)
    if session.target is not None:
        data["target"] = session.target
    data["memories"] = {"long": session.long0, "short": session.short0}
    data["dataset"] = dataset_to_list(session.dataset)
    data["training"] = session.training.to_json_dict()
    if session.history is not None and len(session.history):
        data["history"] = session.history.to_json_dict()
    # The debugger's lists only when there are some: a file without them reads as before.
    if session.breakpoints:
        data["breakpoints"] = breakpoints_to_list(session.breakpoints)
    if session.watches:
        data["watches"] = watches_to_list(session.watches)
    if session.training_breakpoints:
        data["training_breakpoints"] = breakpoints_to_list(session.training_breakpoints)
    if session.landscape != LandscapeChoice():
        data["landscape"] = session.landscape.to_json_dict()
    if session.comparison != default_comparison():
        data["comparison"] = {kind: list(weights) for kind, weights in session.comparison.items()}
    if session.chapters:
        data["chapters"] = chapters_to_list(session.chapters)
    return data


def session_from_dict(data: Any, source: str = "") -> Session:
    """Validate plain data (a parsed session file) and build a :class:`Session`.

    Raises
    ------
    SessionFileError
        Naming the place (``weights.forget.bias``) and the problem.
    """
    try:
        return _session_from_dict(data)
    except SessionFileError as exc:
        if source and not exc.source:
            raise SessionFileError(exc.reason, exc.where, source) from None
        raise


def _session_from_dict(data: Any) -> Session:
    if not isinstance(data, dict) or "format_version" not in data:
        raise SessionFileError("not an lstm-gui session (no 'format_version' in a JSON object)")
    version = data["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise SessionFileError(f"expected a whole number, got {_describe(version)}", "format_version")
    if version > FORMAT_VERSION:
        raise SessionFileError(
            f"session format version {quote_value(version)} is newer than this lstm-gui understands "
            f"(up to {FORMAT_VERSION}); please update lstm-gui"
        )
    if version < 1:
        raise SessionFileError(f"unknown session format version {quote_value(version)}", "format_version")
    _object(data, "", _REQUIRED_KEYS, _OPTIONAL_KEYS)
    session = Session(
        name=_string(data.get("name", ""), "name"),
        description=_string(data.get("description", ""), "description"),
    )
    params = params_from_dict(data["weights"])
    with _at(""):  # the session's places are the file's: weights.forget.bias, inputs[2]
        session.set_params(params)
    inputs = _number_list(data["inputs"], "inputs", MAX_INPUT_STEPS)
    with _at(""):
        session.set_inputs(inputs)
    if data.get("target") is not None:
        target = _number(data["target"], "target")
        with _at(""):
            session.set_target(target)
    memories = _object(data["memories"], "memories", ("long", "short"))
    long0 = _number(memories["long"], "memories.long")
    short0 = _number(memories["short"], "memories.short")
    with _at("memories"):
        session.set_memories(long0, short0)
    session.set_dataset(dataset_from_list(data.get("dataset", [])))
    if "training" in data:
        settings = _object(data["training"], "training", (), _TRAINING_KEYS)
        with _at("training"):
            session.set_training(TrainConfig.from_json_dict(settings, where=""))
    if data.get("history") is not None:
        with _at("history"):
            session.set_history(TrainingHistory.from_json_dict(data["history"], where=""))
    # The session checks each condition over its names (the training ones
    # over this dataset's outputs, so after the dataset).
    with _at(""):
        session.set_breakpoints(breakpoints_from_list(data.get("breakpoints", [])))
        session.set_watches(watches_from_list(data.get("watches", [])))
        session.set_training_breakpoints(
            breakpoints_from_list(data.get("training_breakpoints", []), "training_breakpoints")
        )
    if "landscape" in data:
        session.set_landscape(landscape_from_dict(data["landscape"]))
    if "comparison" in data:
        session.set_comparison(comparison_from_dict(data["comparison"]))
    if "chapters" in data:
        session.set_chapters(chapters_from_list(data["chapters"], session))
    return session


def comparison_from_dict(data: Any, where: str = "comparison") -> dict[str, tuple[float, ...]]:
    """Validate a ``comparison`` object: each optional cell's list of numbers
    (the counts and finiteness are :meth:`Session.set_comparison`'s rules)."""
    entry = _object(data, where, (), COMPARISON_CELLS)
    comparison = {kind: tuple(_number_list(values, f"{where}.{kind}", limit=100)) for kind, values in entry.items()}
    with _at(""):  # the session's rule (counts, finite), reported at the file's places
        return check_comparison(comparison)


def landscape_from_dict(data: Any, where: str = "landscape") -> LandscapeChoice:
    """Validate a ``landscape`` object (see :meth:`LandscapeChoice.to_json_dict`)."""
    entry = _object(data, where, ("x",), ("y", "x_range", "y_range", "grid"))
    x = _string(entry["x"], f"{where}.x")
    y = None if entry.get("y") is None else _string(entry["y"], f"{where}.y")
    ranges: dict[str, tuple[float, float] | None] = {}
    for key in ("x_range", "y_range"):
        value = entry.get(key)
        if value is None:
            ranges[key] = None
            continue
        numbers = _number_list(value, f"{where}.{key}", limit=2)
        if len(numbers) != 2:
            raise SessionFileError(f"expected two numbers [low, high], got {len(numbers)}", f"{where}.{key}")
        ranges[key] = (numbers[0], numbers[1])
    grid = entry.get("grid", DEFAULT_GRID)
    if isinstance(grid, bool) or not isinstance(grid, int):
        raise SessionFileError(f"expected a whole number, got {_describe(grid)}", f"{where}.grid")
    with _at(where):
        return LandscapeChoice(x=x, y=y, x_range=ranges["x_range"], y_range=ranges["y_range"], grid=grid)


# -- a lesson's chapters --------------------------------------------------------------

_CHAPTER_KEYS = ("state", "highlight", "prediction", "hidden", "locked", "advance_when")
_STATE_KEYS = ("weights", "inputs", "memories", "dataset", "training", "history", "sequence", "step", "stage")
_PREDICTION_KEYS = ("choices", "answer", "op", "value", "tolerance", "range")
#: Most chapters one lesson may have (a lesson is read by a person, chapter by chapter).
MAX_CHAPTERS = 200


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SessionFileError(f"expected a whole number, got {_describe(value)}", where)
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SessionFileError(f"expected a list of names, got {_describe(value)}", where)
    return tuple(_string(name, f"{where}[{k}]") for k, name in enumerate(value))


def _state_to_dict(state: ChapterState) -> dict[str, Any]:
    data: dict[str, Any] = {"sequence": state.sequence, "step": state.step}
    if state.stage is not None:
        data["stage"] = state.stage
    if state.params is not None:
        data["weights"] = params_to_dict(state.params)
    if state.inputs is not None:
        data["inputs"] = list(state.inputs)
    if state.memories is not None:
        data["memories"] = {"long": state.memories[0], "short": state.memories[1]}
    if state.dataset is not None:
        data["dataset"] = dataset_to_list(state.dataset)
    if state.training is not None:
        data["training"] = state.training.to_json_dict()
    if state.history is not None and len(state.history):
        data["history"] = state.history.to_json_dict()
    return data


def _state_from_dict(data: Any, where: str) -> ChapterState:
    state = _object(data, where, (), _STATE_KEYS)
    params = params_from_dict(state["weights"], f"{where}.weights") if "weights" in state else None
    if params is not None:
        with _at(f"{where}.weights"):  # the session's rule: every weight finite
            Session(params=params)
    inputs = None
    if "inputs" in state:
        inputs = tuple(_number_list(state["inputs"], f"{where}.inputs", MAX_INPUT_STEPS))
    memories = None
    if "memories" in state:
        pair = _object(state["memories"], f"{where}.memories", ("long", "short"))
        memories = (_number(pair["long"], f"{where}.memories.long"), _number(pair["short"], f"{where}.memories.short"))
    dataset = dataset_from_list(state["dataset"], f"{where}.dataset") if "dataset" in state else None
    training = None
    if "training" in state:
        settings = _object(state["training"], f"{where}.training", (), _TRAINING_KEYS)
        with _at(f"{where}.training"):
            training = TrainConfig.from_json_dict(settings, where="")
    history = None
    if state.get("history") is not None:
        with _at(f"{where}.history"):
            history = TrainingHistory.from_json_dict(state["history"], where="")
    stage = _string(state["stage"], f"{where}.stage") if state.get("stage") is not None else None
    with _at(where):
        return ChapterState(
            params=params,
            inputs=inputs,
            memories=memories,
            dataset=dataset,
            training=training,
            history=history,
            sequence=_string(state.get("sequence", "free"), f"{where}.sequence"),
            step=_whole(state.get("step", 0), f"{where}.step"),
            stage=stage,
        )


def _prediction_to_dict(prediction: Prediction) -> dict[str, Any]:
    data: dict[str, Any] = {
        "question": prediction.question,
        "kind": prediction.kind,
        "key": prediction.key,
        "step": prediction.step,
    }
    if prediction.kind == "yes/no":
        data.update(op=prediction.op, value=float(prediction.value))
    elif prediction.kind == "choice":
        data.update(choices=list(prediction.choices), answer=prediction.answer)
    else:
        data.update(tolerance=float(prediction.tolerance), range=[float(prediction.minimum), float(prediction.maximum)])
    return data


def _prediction_from_dict(data: Any, where: str) -> Prediction:
    prediction = _object(data, where, ("question", "kind", "key", "step"), _PREDICTION_KEYS)
    values: dict[str, Any] = {
        "question": _string(prediction["question"], f"{where}.question"),
        "kind": _string(prediction["kind"], f"{where}.kind"),
        "key": _string(prediction["key"], f"{where}.key"),
        "step": _whole(prediction["step"], f"{where}.step"),
    }
    if "choices" in prediction:
        values["choices"] = _names(prediction["choices"], f"{where}.choices")
    if prediction.get("answer") is not None:
        values["answer"] = _whole(prediction["answer"], f"{where}.answer")
    if "op" in prediction:
        values["op"] = _string(prediction["op"], f"{where}.op")
    for key in ("value", "tolerance"):
        if key in prediction:
            values[key] = _number(prediction[key], f"{where}.{key}")
    if "range" in prediction:
        bounds = _number_list(prediction["range"], f"{where}.range")
        if len(bounds) != 2:
            raise SessionFileError(f"expected [minimum, maximum], got {len(bounds)} numbers", f"{where}.range")
        values["minimum"], values["maximum"] = bounds
    with _at(where):
        return Prediction(**values)


def _goal_from_dict(data: Any, where: str) -> Goal:
    goal = _object(data, where, (), ("step", "trained"))
    step = _whole(goal["step"], f"{where}.step") if "step" in goal else None
    trained = goal.get("trained", False)
    if not isinstance(trained, bool):
        raise SessionFileError(f"expected true or false, got {_describe(trained)}", f"{where}.trained")
    with _at(where):
        return Goal(step=step, trained=trained)


def chapters_to_list(chapters: Sequence[Chapter]) -> list[dict[str, Any]]:
    """The ``chapters`` list of a lesson file (see the module docstring)."""
    result = []
    for chapter in chapters:
        data: dict[str, Any] = {"title": chapter.title, "text": chapter.text, "state": _state_to_dict(chapter.state)}
        for key in ("highlight", "hidden", "locked"):
            names = getattr(chapter, key)
            if names:
                data[key] = list(names)
        if chapter.prediction is not None:
            data["prediction"] = _prediction_to_dict(chapter.prediction)
        if chapter.advance_when is not None:
            goal: dict[str, Any] = {}
            if chapter.advance_when.step is not None:
                goal["step"] = chapter.advance_when.step
            if chapter.advance_when.trained:
                goal["trained"] = True
            data["advance_when"] = goal
        result.append(data)
    return result


def chapters_from_list(data: Any, base: Session, where: str = "chapters") -> tuple[Chapter, ...]:
    """Validate a ``chapters`` list; each chapter must set up on ``base``
    (the lesson's own session: a chapter's missing parts come from it)."""
    if not isinstance(data, list):
        raise SessionFileError(f"expected a list of chapters, got {_describe(data)}", where)
    with _at(""):
        check_count(len(data), MAX_CHAPTERS, where, "chapters")
    chapters = []
    for k, entry in enumerate(data):
        here = f"{where}[{k}]"
        chapter_data = _object(entry, here, ("title",), ("text", *_CHAPTER_KEYS))
        state = _state_from_dict(chapter_data.get("state", {}), f"{here}.state")
        prediction = None
        if chapter_data.get("prediction") is not None:
            prediction = _prediction_from_dict(chapter_data["prediction"], f"{here}.prediction")
        goal = None
        if chapter_data.get("advance_when") is not None:
            goal = _goal_from_dict(chapter_data["advance_when"], f"{here}.advance_when")
        with _at(here):
            chapter = Chapter(
                title=_string(chapter_data["title"], f"{here}.title"),
                text=_string(chapter_data.get("text", ""), f"{here}.text"),
                state=state,
                highlight=_names(chapter_data.get("highlight", []), f"{here}.highlight"),
                prediction=prediction,
                hidden=_names(chapter_data.get("hidden", []), f"{here}.hidden"),
                locked=_names(chapter_data.get("locked", []), f"{here}.locked"),
                advance_when=goal,
            )
            check_chapter(chapter, base)
        chapters.append(chapter)
    return tuple(chapters)


# -- text and files ----------------------------------------------------------------


def dumps_session(session: Session) -> str:
    """The session file's text (pretty-printed JSON, ends with a newline)."""
    data = session_to_dict(session)
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # a non-finite number slipped into the history
        raise SessionFileError(f"cannot save: {exc}") from None
    return _compact_number_lists(text) + "\n"


def _compact_number_lists(text: str) -> str:
    # json's indent puts every number of a list on its own line; a history of
    # thousands of rows becomes unreadable. Put lists of plain numbers on one line.
    number = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
    pattern = re.compile(r"\[\s*(" + number + r"(?:,\s*" + number + r")*)\s*\]")
    return pattern.sub(lambda m: "[" + ", ".join(p.strip() for p in m.group(1).split(",")) + "]", text)


def loads_session(text: str, source: str = "") -> Session:
    """Parse and validate session JSON text (e.g. a packaged example)."""
    return session_from_dict(parse_json_text(text, source), source)


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read and validate a session file.

    Raises
    ------
    SessionFileError
        Missing or unreadable file, over :data:`MAX_FILE_BYTES`, broken JSON,
        not a session, or an invalid value (the message names it).
    """
    text = read_text_limited(path, MAX_FILE_BYTES, "session file")
    return loads_session(text, str(path))


def save_session(session: Session, path: str | os.PathLike[str]) -> None:
    """Write the session to ``path`` atomically (old content kept on failure).

    Raises
    ------
    OSError
        If the file cannot be written, or the path names something that is
        not a regular file (a FIFO, a device, a folder).
    SessionFileError
        If the session holds a value JSON or UTF-8 cannot store (a
        non-finite number in the history, a lone surrogate in a name);
        nothing is written then.
    """
    atomic_write_text(path, dumps_session(session))


def load_example(name: str) -> Session:
    """A shipped example session (``notebook``, ``companies``).

    Raises
    ------
    KeyError
        If there is no example of that name (the message lists the names).
    """
    session = loads_session(example_text(name), f"example {name!r}")
    session.name = session.name or name
    return session


def example_names() -> list[str]:
    """Names of the shipped examples."""
    return list_examples()
