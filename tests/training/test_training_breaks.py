"""Stop conditions over a training run (``stop_when``): checked on the start
weights and after every epoch, even inside a chunk of many epochs; the run
ends (or pauses) with exactly the weights of that epoch."""

from __future__ import annotations

import pickle
import random

import pytest

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import COMPANIES, DatasetItem
from lstm_gui.core.debugging import plateau_condition
from lstm_gui.core.expressions import ExpressionError
from lstm_gui.training.child import JobRunner, TrainJob
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.run import BREAKPOINT, FINISHED, TrainingRun


def plain(config: TrainConfig, epochs: int, dataset=COMPANIES):
    return TrainingRun(STATQUEST_PARAMS, dataset, config.replace(epochs=epochs)).run()


def many_sequences(count: int = 30) -> tuple[DatasetItem, ...]:
    rng = random.Random(3)
    return tuple(
        DatasetItem(f"s{k}", tuple(rng.uniform(0, 1) for _ in range(4)), rng.choice((0.0, 1.0))) for k in range(count)
    )


def test_a_condition_true_at_the_start_stops_at_epoch_0_with_the_start_weights():
    result = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=50), stop_when="epoch == 0").run()
    assert (result.status, result.epochs, result.stopped_by) == (BREAKPOINT, 0, "epoch == 0")
    assert result.params == STATQUEST_PARAMS
    assert "epoch 0" in result.message


@pytest.mark.parametrize(
    ("config", "dataset"),
    [
        (TrainConfig(epochs=3000), COMPANIES),  # per sample
        (TrainConfig(epochs=3000, per_sample=False, lr=0.01), COMPANIES),  # full batch, cached passes
        (TrainConfig(epochs=200, per_sample=False, lr=0.01), many_sequences()),  # numpy batch
        (TrainConfig(epochs=200), many_sequences()),  # per sample, numpy records
    ],
    ids=["per-sample", "full-batch", "batch-numpy", "per-sample-numpy"],
)
def test_a_later_epoch_stops_with_the_weights_of_a_plain_run_of_that_many_epochs(config, dataset):
    stop_at = config.epochs * 2 // 3 + 1  # well inside a chunk of many epochs
    result = TrainingRun(STATQUEST_PARAMS, dataset, config, stop_when=f"epoch >= {stop_at}").run()
    assert (result.status, result.epochs, result.stopped_by) == (BREAKPOINT, stop_at, f"epoch >= {stop_at}")
    expected = plain(config, stop_at, dataset)
    assert (result.params, result.loss, result.outputs) == (expected.params, expected.loss, expected.outputs)


def plain_history(config: TrainConfig):
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config)
    run.run()
    return run.history


def test_a_value_condition_stops_at_the_first_epoch_the_history_shows_it():
    config = TrainConfig(epochs=3000)
    history = plain_history(config)
    threshold = float(history.loss[1800])
    first = next(int(epoch) for epoch, loss in zip(history.epochs, history.loss) if loss < threshold)
    condition = f"loss < {threshold!r}"
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when=["abs(wo1) > 99", condition])
    result = run.run()
    assert (result.epochs, result.stopped_by) == (first, condition)
    assert run.history.last_epoch == first and len(run.history) == first + 1


def test_the_plateau_condition_stops_where_the_loss_history_says():
    config = TrainConfig(epochs=1500)
    losses = list(plain_history(config).loss)
    delta = abs(losses[950] - losses[1000])
    first = next(k for k in range(50, len(losses)) if abs(losses[k - 50] - losses[k]) < delta)
    result = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when=plateau_condition(delta, 50)).run()
    assert (result.status, result.epochs) == (BREAKPOINT, first)


def test_several_conditions_name_the_one_that_fired_first_in_the_list_on_a_tie():
    config = TrainConfig(epochs=100)
    result = TrainingRun(
        STATQUEST_PARAMS, COMPANIES, config, stop_when=["epoch == 40", "epoch >= 20", "epoch == 20"]
    ).run()
    assert (result.epochs, result.stopped_by) == (20, "epoch >= 20")


def test_a_condition_that_never_holds_changes_nothing():
    config = TrainConfig(epochs=500)
    result = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when="loss < 0").run()
    expected = plain(config, 500)
    assert (result.status, result.stopped_by, result.params) == (FINISHED, "", expected.params)


def test_pause_at_break_pauses_there_and_resumes_with_that_epochs_optimizer_state():
    config = TrainConfig(epochs=2000)
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when="epoch == 1234", pause_at_break=True)
    paused = []

    def on_progress(progress):
        if progress.paused:
            paused.append(progress)
            run.pause_event.clear()  # resume at once

    result = run.run(on_progress)
    assert [(p.epoch, p.stopped_by) for p in paused] == [(1234, "epoch == 1234")]
    assert CellParams.from_flat(paused[0].weights) == plain(config, 1234).params
    # Resumed from exactly that state: the same end as a run never paused.
    assert (result.status, result.stopped_by, result.params) == (FINISHED, "", plain(config, 2000).params)


def test_pause_at_break_at_the_start_and_at_the_last_epoch():
    config = TrainConfig(epochs=30)
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when="epoch == 0 or epoch == 30", pause_at_break=True)
    paused = []

    def on_progress(progress):
        if progress.paused:
            paused.append(progress.epoch)
            run.pause_event.clear()

    result = run.run(on_progress)
    assert paused == [0]
    # At the last epoch there is nothing to resume: the run ends there.
    assert (result.status, result.epochs, result.stopped_by) == (BREAKPOINT, 30, "epoch == 0 or epoch == 30")


def test_a_bad_condition_is_refused_when_the_run_is_made():
    with pytest.raises(ExpressionError) as info:
        TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(), stop_when="out_5 > 1")
    assert "unknown name 'out_5'" in str(info.value)


def test_a_run_with_conditions_is_still_picklable_and_a_job_carries_them():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=10), stop_when="epoch == 4")
    assert pickle.loads(pickle.dumps(run)).run().epochs == 4
    job = TrainJob(STATQUEST_PARAMS.to_flat(), COMPANIES, TrainConfig(epochs=10), stop_when=("epoch == 6",))
    messages: list[tuple] = []
    JobRunner(pickle.loads(pickle.dumps(job)), messages.append)()
    kind, result = messages[-1]
    assert (kind, result.epochs, result.stopped_by) == ("finished", 6, "epoch == 6")
    assert messages[-2][1].stopped_by == "epoch == 6"  # the last progress report says so too


def test_the_torch_engine_replays_to_the_epoch_as_well():
    config = TrainConfig(epochs=12, engine="torch")
    result = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when="epoch == 7").run()
    assert (result.epochs, result.params) == (7, plain(config, 7).params)


def test_conditions_set_during_a_run_apply_from_the_next_chunk():
    config = TrainConfig(epochs=3000)
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when="loss < 0")
    seen = []

    def on_progress(progress):
        if not seen and progress.epoch > 0:
            seen.append(progress.epoch)
            run.set_stop_when(f"epoch >= {progress.epoch + 100}")

    result = run.run(on_progress, interval=0.0)
    assert (result.status, result.epochs) == (BREAKPOINT, seen[0] + 100)
    assert result.params == plain(config, seen[0] + 100).params
    with pytest.raises(ExpressionError):
        run.set_stop_when(["loss <"])


def test_the_job_runner_checks_and_forwards_new_conditions():
    job = TrainJob(STATQUEST_PARAMS.to_flat(), COMPANIES, TrainConfig(epochs=10))
    runner = JobRunner(job, [].append)
    with pytest.raises(ExpressionError):
        runner.set_stop_when(("out_7 > 1",))
    runner.set_stop_when(("epoch == 3",))  # before the run exists: applied when it starts
    messages: list[tuple] = []
    runner.send = messages.append
    runner()
    assert (messages[-1][1].epochs, messages[-1][1].stopped_by) == (3, "epoch == 3")


def test_epoch_is_the_historys_epoch_when_a_run_continues_a_history():
    config = TrainConfig(epochs=100)
    history = plain_history(config)
    assert history.last_epoch == 100
    start = plain(config, 100).params
    run = TrainingRun(start, COMPANIES, config.replace(epochs=200), history, stop_when="epoch == 110")
    result = run.run()
    # The weights after 110 epochs of the history: 10 epochs into this run.
    assert (result.status, result.epochs, result.stopped_by) == (BREAKPOINT, 10, "epoch == 110")
    assert run.history.last_epoch == 110
    assert result.params == TrainingRun(start, COMPANIES, config.replace(epochs=10)).run().params
    at_start = TrainingRun(result.params, COMPANIES, config, run.history, stop_when="epoch == 110").run()
    assert (at_start.status, at_start.epochs) == (BREAKPOINT, 0) and "epoch 110" in at_start.message
