"""A training breakpoint pauses the run where it holds: the status says which
condition and epoch, the scrubber sits there, the Breakpoints dock highlights
it, and Resume goes on with the same run."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.debugging import Breakpoint
from lstm_gui.core.files.session_file import load_example

RUN_TIMEOUT_MS = 30_000


@pytest.mark.parametrize("trainer", ["process", "thread"])
def test_a_training_breakpoint_pauses_the_run_and_resume_goes_on(make_window, qtbot, trainer):
    session = load_example("companies")
    session.set_training(replace(session.training, epochs=300, init="current", optimizer="adam", lr=0.01))
    session.set_training_breakpoints([Breakpoint("loss < 0", enabled=True), Breakpoint("epoch == 120")])
    window = make_window(session)
    panel = window.training_panel
    panel.set_trainer(trainer)  # the default (a process), and the same loop in a thread
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: panel.action_pause.isChecked() and not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.session.history is not None, timeout=RUN_TIMEOUT_MS)
    assert window.session.history.last_epoch == 120  # the weights after epoch 120 are the session's
    assert window.undo_stack.undoText() == "Training (paused at epoch 120)"
    assert panel.status_label.text().startswith("Paused at epoch 120: epoch == 120 holds")
    assert window.statusBar().currentMessage() == "Training paused at epoch 120: epoch == 120"
    assert panel.history_slider.value() == 120
    assert window.breakpoints_panel.training.fired == 1
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.action_pause.trigger()  # Resume
    assert finished.args[0].epochs == 300
    assert window.session.history.last_epoch == 300
    assert window.breakpoints_panel.training.fired is None


def test_a_disabled_training_breakpoint_does_not_pause(make_window, qtbot):
    session = load_example("companies")
    session.set_training(replace(session.training, epochs=50, init="current"))
    session.set_training_breakpoints([Breakpoint("epoch == 10", enabled=False)])
    window = make_window(session)
    panel = window.training_panel
    panel.set_trainer("thread")
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.action_train.trigger()
    assert finished.args[0].epochs == 50 and not panel.action_pause.isChecked()


def test_a_training_breakpoint_the_dataset_no_longer_fits_is_said_before_training(make_window):
    session = load_example("companies")
    session.set_training_breakpoints([Breakpoint("out_1 > 0.9")])
    window = make_window(session)
    window.session.set_dataset(session.dataset[:1] or (DatasetItem("A", (1.0,), 0.0),))
    window.training_panel.action_train.trigger()
    assert not window.training_panel.controller.in_run()
    message = window.training_panel.message_label.text()
    assert message.startswith("Cannot train: training breakpoint out_1 > 0.9: unknown name 'out_1'"), message


@pytest.mark.parametrize("trainer", ["process", "thread"])
def test_a_training_breakpoint_added_during_a_run_pauses_it(make_window, qtbot, trainer):
    session = load_example("companies")
    session.set_training(replace(session.training, epochs=100_000_000, init="current"))
    window = make_window(session)
    panel = window.training_panel
    panel.set_trainer(trainer)
    seen = []
    panel.trainer.progressed.connect(seen.append)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].epoch > 0, timeout=RUN_TIMEOUT_MS)
    window.breakpoints_panel.training.add_condition("epoch > 0")  # holds at the next epoch checked
    qtbot.waitUntil(lambda: panel.action_pause.isChecked() and not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    assert "epoch > 0 holds" in panel.status_label.text()
    assert window.breakpoints_panel.training.fired == 0
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS):
        panel.action_stop.trigger()


def test_epoch_in_a_training_breakpoint_is_the_historys_epoch(make_window, qtbot):
    from lstm_gui.training.run import TrainingRun

    session = load_example("companies")
    session.set_training(replace(session.training, epochs=100, init="current", optimizer="adam", lr=0.01))
    first = TrainingRun(session.params, session.dataset, session.training)
    result = first.run()
    session.set_params(result.params)
    session.set_history(first.history)  # 100 epochs of history
    session.set_training(replace(session.training, epochs=300))
    session.set_training_breakpoints([Breakpoint("epoch == 130")])
    window = make_window(session)
    panel = window.training_panel
    panel.set_trainer("thread")
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: panel.action_pause.isChecked() and not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.session.history.last_epoch == 130, timeout=RUN_TIMEOUT_MS)
    assert panel.history_slider.value() == 130  # the scrubber sits at that epoch
    assert panel.status_label.text().startswith("Paused at epoch 130 (30 of this run): epoch == 130 holds")
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS):
        panel.action_pause.trigger()  # Resume
