"""Training runs: StatQuest's published run, start weights, controls, history."""

from __future__ import annotations

import json
import math
import pickle
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.session import COMPANIES, DatasetItem
from lstm_gui.training.config import STATQUEST_DRAWS, STATQUEST_PARAMS, TrainConfig, random_params, start_params
from lstm_gui.training.engines.fast import FastEngine
from lstm_gui.training.history import TrainingHistory
from lstm_gui.training.run import TrainingRun, dataset_sequences, train

#: StatQuest's published outputs (Company A, Company B) after n epochs.
PUBLISHED_OUTPUTS = {2000: (0.4342, 0.6171), 3000: (0.2708, 0.7534), 5000: (0.0022, 0.9693)}


def test_statquest_start_equals_torch_seeded_draws():
    torch = pytest.importorskip("torch")
    torch.manual_seed(42)
    draws = [float(torch.normal(mean=torch.tensor(0.0), std=torch.tensor(1.0))) for _ in range(8)]
    assert list(STATQUEST_DRAWS) == draws
    names = STATQUEST_PARAMS.to_notebook_names()
    assert [names[n] for n in ("wlr1", "wlr2", "wpr1", "wpr2", "wp1", "wp2", "wo1", "wo2")] == draws
    assert [names[n] for n in ("blr1", "bpr1", "bp1", "bo1")] == [0.0] * 4


def test_start_params_choices():
    current = NOTEBOOK_PARAMS
    assert start_params(TrainConfig(init="current"), current) == current
    assert start_params(TrainConfig(init="statquest"), current) == STATQUEST_PARAMS
    assert start_params(TrainConfig(init="zeros"), current).to_flat() == (0.0,) * 12
    seeded = start_params(TrainConfig(init="random", seed=7), current)
    assert seeded == random_params(7) != random_params(8)
    flat = seeded.to_flat()
    assert flat[2::3] == (0.0,) * 4  # biases 0, like StatQuest's start


def test_config_rejects_bad_values_with_the_field_name():
    with pytest.raises(ValueError, match="lr"):
        TrainConfig(lr=float("nan"))
    with pytest.raises(ValueError, match="optimizer"):
        TrainConfig(optimizer="lbfgs")
    with pytest.raises(ValueError, match="epochs"):
        TrainConfig(epochs=-1)
    config = TrainConfig(optimizer="sgd", lr=0.5, momentum=0.9, stop_below=0.01, init="random", seed=3)
    assert TrainConfig.from_json_dict(json.loads(json.dumps(config.to_json_dict()))) == config
    with pytest.raises(ValueError, match=r"training\.lr"):
        TrainConfig.from_json_dict({"lr": "fast"})


def test_statquest_published_run_is_reproduced():
    """Adam lr 0.001, one update per sequence (A then B), from StatQuest's start."""
    reached = {}
    result, history = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=5000))
    assert result.status == "finished" and result.epochs == 5000
    for epochs, expected in PUBLISHED_OUTPUTS.items():
        row = int(np.searchsorted(history.epochs, epochs))
        reached[epochs] = tuple(round(v, 4) for v in history.outputs[row])
        assert reached[epochs] == expected, f"after {epochs} epochs"
    assert tuple(round(v, 4) for v in result.outputs) == PUBLISHED_OUTPUTS[5000]
    # The notebook's weights are this run's result rounded to 2 decimals.
    assert [round(v, 2) for v in result.params.to_flat()] == list(NOTEBOOK_PARAMS.to_flat())
    assert tuple(round(v, 4) for v in history.outputs[0]) == (-0.0377, -0.0383)


def test_fast_and_torch_engines_end_on_the_same_weights_after_2000_epochs():
    pytest.importorskip("torch")
    fast, _ = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=2000))
    reference, _ = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=2000, engine="torch"))
    for a, b in zip(fast.params.to_flat(), reference.params.to_flat()):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    assert reference.status == "finished"


def test_history_records_every_epoch_from_the_start_weights():
    result, history = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=300, lr=0.01))
    assert len(history) == 301
    assert history.epochs.tolist() == list(range(301))
    assert tuple(history.weights[0]) == STATQUEST_PARAMS.to_flat()
    assert tuple(history.weights[-1]) == result.params.to_flat()
    assert tuple(history.outputs[-1]) == result.outputs
    assert history.loss[-1] == result.loss < history.loss[0]
    assert history.run_starts == [0]


def test_retrain_continues_the_history_from_edited_weights():
    first = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=100, lr=0.01))
    result = first.run()
    edited = result.params.with_value("output", "bias", 0.25)
    second = TrainingRun(edited, COMPANIES, TrainConfig(epochs=50, lr=0.01), first.history)
    second.run()
    history = second.history
    assert history is first.history
    assert len(history) == 101 + 51
    assert history.run_starts == [0, 101]
    assert history.epochs[101] == 100 and history.epochs[-1] == 150
    assert history.weights[101][11] == 0.25


def test_history_with_another_dataset_size_is_refused():
    history = TrainingHistory(["only one"])
    with pytest.raises(ValueError, match="start a new history"):
        TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(), history)


def test_stop_below_stops_at_the_first_epoch_under_the_threshold():
    result, history = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=100_000, lr=0.01, stop_below=0.05))
    assert result.status == "stopped_below"
    assert result.loss < 0.05 <= history.loss[-2]
    assert result.epochs == len(history) - 1 < 100_000
    assert "0.05" in result.message


@pytest.mark.parametrize("per_sample", [True, False])
def test_stop_below_after_the_first_epoch(per_sample):
    # The first chunk of a run is one epoch: the stop must not slip past it.
    config = TrainConfig(epochs=100, stop_below=10.0, per_sample=per_sample)
    result, history = train(STATQUEST_PARAMS, COMPANIES, config)
    assert result.status == "stopped_below" and result.epochs == 1 and len(history) == 2


def test_full_batch_stop_below_records_the_stopping_epoch():
    result, history = train(
        STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=100_000, lr=0.01, per_sample=False, stop_below=0.05)
    )
    assert result.status == "stopped_below"
    assert result.loss < 0.05 <= history.loss[-2]
    assert tuple(history.weights[-1]) == result.params.to_flat()


def test_divergence_stops_and_keeps_the_last_finite_weights():
    # A bounded cell saturates rather than overflowing at moderate rates;
    # an absurd rate makes a weight overflow on the first update.
    dataset = (DatasetItem("A", (1.0, 0.5), 1e10), DatasetItem("B", (0.0,), 0.0))
    for per_sample in (True, False):
        result, history = train(
            STATQUEST_PARAMS, dataset, TrainConfig(optimizer="sgd", lr=1e300, epochs=100, per_sample=per_sample)
        )
        assert result.status == "diverged"
        assert "NaN or infinite" in result.message and "learning rate" in result.message
        assert result.params == STATQUEST_PARAMS
        assert all(math.isfinite(v) for v in result.params.to_flat())
        assert np.isfinite(history.weights).all() and np.isfinite(history.loss).all()
        json.dumps(history.to_json_dict())  # still saveable


def test_progress_is_throttled_and_reported_once_at_the_end():
    reports = []
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=20_000, lr=0.01))
    result = run.run(reports.append, interval=0.05)
    assert reports[-1].status == "finished" and reports[-1].epoch == 20_000
    assert all(r.status == "" for r in reports[:-1])
    assert reports[-1].weights == result.params.to_flat()
    # The chunks handed over rebuild the whole history.
    mirror = TrainingHistory([item.name for item in COMPANIES])
    for report in reports:
        if report.new_rows is not None:
            mirror.append_chunk(report.new_rows)
    assert np.array_equal(mirror.weights, run.history.weights)
    assert mirror.run_starts == [0]


def test_set_lr_applies_from_the_next_update():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=3000, lr=0.001))
    switched_at = []

    def on_progress(progress):
        if not switched_at and progress.epoch > 0:
            switched_at.append(progress.epoch)
            run.set_lr(0.05)

    result = run.run(on_progress, interval=0.0)
    assert switched_at and 0 < switched_at[0] < 3000
    engine = FastEngine(STATQUEST_PARAMS.to_flat(), dataset_sequences(COMPANIES), "adam", True)
    engine.run_epochs(switched_at[0], 0.001)
    engine.run_epochs(3000 - switched_at[0], 0.05)
    assert result.params.to_flat() == tuple(engine.weights)
    assert run.lr == 0.05


def test_pause_holds_the_epochs_and_resume_keeps_the_optimizer_state():
    config = TrainConfig(epochs=10_000, lr=0.001)
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config)
    paused = threading.Event()
    seen_while_paused = []

    def on_progress(progress):
        if progress.paused:
            seen_while_paused.append(progress.epoch)
            paused.set()
        elif progress.epoch > 1000 and not run.pause_event.is_set() and not paused.is_set():
            run.pause_event.set()

    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("result", run.run(on_progress, interval=0.0)))
    worker.start()
    assert paused.wait(10)
    epochs_when_paused = len(run.history)
    worker.join(0.2)  # nothing should happen meanwhile
    assert worker.is_alive() and len(run.history) == epochs_when_paused
    run.pause_event.clear()
    worker.join(30)
    assert not worker.is_alive()
    result = outcome["result"]
    assert result.status == "finished"
    uninterrupted, _ = train(STATQUEST_PARAMS, COMPANIES, config)
    # A restarted Adam would end elsewhere: the state survived the pause.
    assert result.params == uninterrupted.params


def test_stop_ends_the_run_with_the_weights_reached():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=10_000_000, lr=0.001))

    def on_progress(progress):
        if progress.epoch >= 500:
            run.stop_event.set()

    result = run.run(on_progress, interval=0.0)
    assert result.status == "stopped"
    assert 500 <= result.epochs < 10_000_000
    assert tuple(run.history.weights[-1]) == result.params.to_flat()
    assert len(run.history) == result.epochs + 1


def test_run_is_picklable_before_it_starts():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=10))
    copy = pickle.loads(pickle.dumps(run))
    assert not copy.stop_event.is_set()
    assert copy.run().params == run.run().params


def test_history_grows_by_doubling():
    history = TrainingHistory(["a"], capacity=4)
    for k in range(1000):
        history.extend([k], [1.0 / (k + 1)], [[0.5]], [[float(k)] * 12])
    assert len(history) == 1000 and history._loss.shape[0] == 1024
    assert history.weights[999][0] == 999.0


def test_history_json_round_trip():
    _, history = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=200, lr=0.01))
    TrainingRun(NOTEBOOK_PARAMS, COMPANIES, TrainConfig(epochs=20), history).run()
    data = json.loads(json.dumps(history.to_json_dict()))
    loaded = TrainingHistory.from_json_dict(data)
    assert np.array_equal(loaded.epochs, history.epochs)
    assert np.array_equal(loaded.loss, history.loss)
    assert np.array_equal(loaded.outputs, history.outputs)
    assert np.array_equal(loaded.weights, history.weights)
    assert loaded.run_starts == [0, 201]
    assert loaded.sequence_names == ("Company A", "Company B")
    assert not loaded.decimated


def test_million_epoch_history_saves_small_and_keeps_the_last_epoch_exact():
    n = 1_000_001
    history = TrainingHistory(["Company A", "Company B"], capacity=n)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(n, 12))
    history.extend(np.arange(n), rng.random(n), rng.random((n, 2)), weights, run_start=True)
    history.extend([n - 1], [0.5], [[0.1, 0.9]], [[1.0] * 12], run_start=True)
    text = json.dumps(history.to_json_dict())
    assert len(text) < 10_000_000
    loaded = TrainingHistory.from_json_dict(json.loads(text))
    assert loaded.decimated
    assert len(loaded) <= TrainingHistory.MAX_SAVED_ROWS + 2
    assert loaded.epochs[-1] == n - 1 and loaded.loss[-1] == 0.5
    assert loaded.run_starts == [0, len(loaded) - 1]
    # The history keeps a bounded number of rows in memory: compare with the data given.
    assert np.array_equal(loaded.weights[-2], weights[n - 1])
    assert np.all(np.diff(loaded.epochs) >= 0)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["loss"].__setitem__(3, float("nan")), r"history\.loss\[3\]: expected a finite number"),
        (lambda d: d["loss"].__setitem__(3, "x"), r"history\.loss\[3\]: expected a finite number"),
        (lambda d: d["weights"][2].pop(), r"history\.weights\[2\]: expected 12 numbers"),
        (lambda d: d["outputs"].pop(), r"history\.outputs: expected 6 rows"),
        (lambda d: d["epochs"].__setitem__(4, 1), r"history\.epochs\[4\]: epochs must not decrease"),
        (lambda d: d.pop("loss"), r"history: missing field 'loss'"),
        (lambda d: d.__setitem__("run_starts", [9]), r"history\.run_starts\[0\]"),
    ],
)
def test_history_json_is_validated_with_a_path(mutate, message):
    _, history = train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=5))
    data = history.to_json_dict()
    mutate(data)
    with pytest.raises(ValueError, match=message):
        TrainingHistory.from_json_dict(data)


def test_training_does_not_import_torch_or_qt():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from lstm_gui.training.run import train\nfrom lstm_gui.training.config import TrainConfig, STATQUEST_PARAMS\n"
        "from lstm_gui.core.session import COMPANIES\n"
        "train(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=10))\n"
        "bad = [m for m in ('torch', 'PySide6', 'pyqtgraph') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 5), finite, finite, st.lists(finite, min_size=12, max_size=12)),
        min_size=1,
        max_size=30,
    ),
    starts=st.sets(st.integers(0, 29)),
)
def test_history_json_round_trip_is_exact(rows, starts):
    history = TrainingHistory(["only"])
    epoch = 0
    for k, (step, loss, output, weights) in enumerate(rows):
        epoch += step
        history.extend([epoch], [loss], [[output]], [weights], run_start=k in starts or k == 0)
    loaded = TrainingHistory.from_json_dict(json.loads(json.dumps(history.to_json_dict())))
    assert loaded.epochs.tolist() == history.epochs.tolist()
    assert loaded.loss.tolist() == history.loss.tolist()
    assert loaded.outputs.tolist() == history.outputs.tolist()
    assert loaded.weights.tolist() == history.weights.tolist()
    assert loaded.run_starts == history.run_starts
