"""The training panel: train, pause, stop, divergence, undo, retrain, dataset
and settings edits, exports; and that nothing keeps running afterwards."""

from __future__ import annotations

import csv
import math
import os
import signal
import threading

import pytest
from PySide6.QtCore import QThread
from training_fakes import BrokenEngineTrainer, process_alive
from training_host import TrainingHost

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.session import COMPANIES, DatasetItem, Session
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.run import Progress
from lstm_gui.ui.training.panel import TrainingPanel
from lstm_gui.ui.training.trainers import ProcessTrainer

RUN_TIMEOUT_MS = 30_000


@pytest.fixture
def host(qtbot):
    window = TrainingHost(Session())
    qtbot.addWidget(window)
    window.resize(1100, 640)
    window.show()
    yield window
    window.panel.shutdown()
    assert not window.panel.is_training()


def configure(panel: TrainingPanel, **fields: str) -> None:
    """Type into the settings like a person (text, then leave the field)."""
    combos = {
        "init": panel.init_box,
        "optimizer": panel.optimizer_box,
        "plot": panel.plot_mode_box,
        "updates": panel.updates_box,
        "engine": panel.engine_box,
    }
    edits = {
        "lr": panel.lr_edit,
        "epochs": panel.epochs_edit,
        "momentum": panel.momentum_edit,
        "stop_below": panel.stop_below_edit,
    }
    for name, value in fields.items():
        if name in combos:
            box = combos[name]
            index = box.findData(value)
            assert index >= 0, (name, value)
            box.setCurrentIndex(index)
        else:
            edits[name].setText(value)
            edits[name].editingFinished.emit()


def train_and_wait(qtbot, panel: TrainingPanel) -> None:
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS):
        panel.action_train.trigger()
    assert not panel.is_training()


def record_progress(panel: TrainingPanel) -> list[Progress]:
    seen: list[Progress] = []
    panel.trainer.progressed.connect(seen.append)
    return seen


def start_long_run(qtbot, panel: TrainingPanel, **fields: str) -> list[Progress]:
    """Start a run of 10^8 epochs from StatQuest's start; return its progress
    reports (growing) once the first has come."""
    configure(panel, init="statquest", epochs="100000000", **fields)
    seen = record_progress(panel)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=RUN_TIMEOUT_MS)
    return seen


def test_process_is_the_default_and_training_changes_the_weights(qtbot, host):
    panel, session = host.panel, host.session
    assert isinstance(panel.trainer, ProcessTrainer)
    before = session.params
    configure(panel, init="current", optimizer="adam", lr="0.01", epochs="300")
    assert session.training.epochs == 300 and session.training.lr == 0.01
    train_and_wait(qtbot, panel)
    assert session.params != before
    assert all(math.isfinite(v) for v in session.params.to_flat())
    status = panel.status_label.text()
    assert "finished" in status and "300" in status
    assert len(session.history) == 301  # epoch 0 (start weights) + 300
    assert panel.plot.history is session.history  # one history, drawn where it is kept
    assert host.preview_params is None  # the diagram shows the session again
    assert host.undo_stack.undoText() == "Training"


def test_statquest_run_from_the_panel_matches_the_video(qtbot, host):
    panel, session = host.panel, host.session
    configure(panel, init="statquest", optimizer="adam", lr="0.001", epochs="2000", updates="per_sample")
    outputs: list[Progress] = record_progress(panel)
    train_and_wait(qtbot, panel)
    final = outputs[-1]
    assert final.epoch == 2000
    assert [round(v, 4) for v in final.outputs] == [0.4342, 0.6171]
    assert session.history.weights[0].tolist() == list(STATQUEST_PARAMS.to_flat())


def test_undo_training_brings_back_the_weights_history_and_start_choice(qtbot, host):
    panel, session = host.panel, host.session
    before_params, before_history = session.params, session.history
    configure(panel, init="zeros", lr="0.05", epochs="100")
    train_and_wait(qtbot, panel)
    trained, trained_history = session.params, session.history
    assert trained != before_params
    assert session.training.init == "current"  # Train again continues from here
    assert host.undo_stack.undoText() == "Training"
    host.undo_stack.undo()
    assert session.params == before_params
    assert session.history is before_history
    assert session.training.init == "zeros" and panel.init_box.currentData() == "zeros"
    assert panel.plot.history is before_history
    host.undo_stack.redo()
    assert session.params == trained and session.history is trained_history
    assert session.training.init == "current" and panel.init_box.currentData() == "current"
    assert len(panel.plot.history) == 101


def test_the_session_keeps_its_weights_while_training_and_the_preview_follows(qtbot, host):
    panel, session = host.panel, host.session
    before = session.params
    seen = start_long_run(qtbot, panel)
    qtbot.waitUntil(lambda: len(seen) >= 3 and host.preview_count >= 3, timeout=RUN_TIMEOUT_MS)
    assert session.params == before  # a Save now writes the weights from before
    assert host.preview_params is not None and host.preview_params != before
    assert not panel.lr_edit.isReadOnly() and not panel.epochs_edit.isEnabled()
    panel.action_stop.trigger()
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    assert panel.status_label.text().startswith("Stopped at epoch ") and "finished" not in panel.status_label.text()
    assert session.params != before  # the reached weights are kept
    assert host.preview_params is None


def test_pause_holds_the_epoch_and_resume_continues_the_same_run(qtbot, host):
    panel = host.panel
    seen = start_long_run(qtbot, panel)
    qtbot.waitUntil(lambda: seen[-1].epoch > 0, timeout=RUN_TIMEOUT_MS)
    panel.action_pause.trigger()
    assert panel.action_pause.isChecked() and panel.action_pause.text() == "Resume"
    qtbot.waitUntil(lambda: seen[-1].paused, timeout=RUN_TIMEOUT_MS)
    paused_at = seen[-1].epoch
    qtbot.waitUntil(lambda: "paused" in panel.progress_bar.format(), timeout=RUN_TIMEOUT_MS)
    panel.action_pause.trigger()  # resume: same run, same optimizer state
    qtbot.waitUntil(lambda: seen[-1].epoch > paused_at, timeout=RUN_TIMEOUT_MS)
    assert panel.action_pause.text() == "Pause"
    panel.action_pause.trigger()
    qtbot.waitUntil(lambda: seen[-1].paused, timeout=RUN_TIMEOUT_MS)
    paused_again_at = seen[-1].epoch
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.action_stop.trigger()
    assert finished.args[0].epochs == paused_again_at  # not one epoch ran while paused
    assert host.session.history.epochs[-1] == paused_again_at


def test_a_learning_rate_change_while_training_is_applied(qtbot, host):
    panel, session = host.panel, host.session
    seen = start_long_run(qtbot, panel, lr="0.001")
    assert panel.lr_edit.isEnabled()
    configure(panel, lr="0.05")
    assert session.training.lr == 0.05
    qtbot.waitUntil(lambda: seen[-1].lr == 0.05, timeout=RUN_TIMEOUT_MS)
    panel.action_stop.trigger()
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=RUN_TIMEOUT_MS)


def test_divergence_stops_with_a_message_and_keeps_finite_weights(qtbot, host):
    panel, session = host.panel, host.session
    # On the Company task even lr 1000 stays finite (the gates saturate); an
    # absurd rate with a huge target makes a weight overflow at once.
    session.set_dataset((DatasetItem("A", (1.0, 0.5), 1e10), DatasetItem("B", (0.0,), 0.0)))
    session.set_params(STATQUEST_PARAMS)
    before = session.params
    configure(panel, init="current", optimizer="sgd", lr="1e300", epochs="100")
    train_and_wait(qtbot, panel)
    assert panel.message_label.isVisible()
    message = panel.message_label.text()
    assert "diverged" in message and "NaN or infinite" in message
    assert "Diverged" in panel.status_label.text()
    assert all(math.isfinite(v) for v in session.params.to_flat())
    assert session.params == before  # the last finite weights: the start


def test_retrain_continues_from_edited_weights_and_the_plot_continues(qtbot, host):
    panel, session = host.panel, host.session
    configure(panel, init="current", lr="0.01", epochs="50", plot="continue")
    train_and_wait(qtbot, panel)
    session.set_weight("forget", "bias", 5.0)  # what the weight field does
    edited = session.params
    train_and_wait(qtbot, panel)
    history = session.history
    assert len(history) == 102 and history.run_starts == [0, 51]
    assert history.weights[51].tolist() == list(edited.to_flat())  # the new run starts from the edit
    assert history.epochs[-1] == 100  # the epoch count continues
    assert panel.plot.history is history
    configure(panel, plot="new")
    train_and_wait(qtbot, panel)
    assert len(session.history) == 51 and session.history.epochs[-1] == 50


def test_stop_and_close_leave_no_process_running(qtbot):
    window = TrainingHost(Session())
    qtbot.addWidget(window)
    window.show()
    panel = window.panel
    start_long_run(qtbot, panel)
    pid = panel.trainer.pid()
    assert pid is not None and process_alive(pid)
    window.close()  # calls panel.shutdown(): stop and wait, at most a second
    assert not panel.is_training()
    qtbot.waitUntil(lambda: not process_alive(pid), timeout=20000)


def test_the_thread_trainer_trains_stops_and_leaves_no_thread(qtbot):
    session = Session()
    window = TrainingHost(session, trainer="thread")  # the measured alternative
    qtbot.addWidget(window)
    panel = window.panel
    configure(panel, init="statquest", epochs="300")
    train_and_wait(qtbot, panel)
    assert "finished" in panel.status_label.text()
    assert session.params != NOTEBOOK_PARAMS
    configure(panel, epochs="100000000")
    seen = record_progress(panel)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=RUN_TIMEOUT_MS)
    window.close()
    assert not panel.is_training()
    assert not any(t.name == "training-thread" for t in threading.enumerate())
    assert all(not isinstance(child, QThread) or not child.isRunning() for child in panel.trainer.children())


def test_a_failing_engine_shows_a_message_changes_nothing_and_train_again_works(qtbot):
    window = TrainingHost(Session(), trainer=BrokenEngineTrainer())
    qtbot.addWidget(window)
    panel, session = window.panel, window.session
    before = session.params
    configure(panel, epochs="10")
    with qtbot.waitSignal(panel.trainer.failed, timeout=RUN_TIMEOUT_MS):
        panel.action_train.trigger()
    assert "dataset: needs at least one sequence" in panel.message_label.text()
    assert panel.message_label.text().startswith("Training failed, the weights are unchanged")
    assert not panel.message_label.isHidden()
    assert session.params == before and session.history is None
    assert window.undo_stack.undoText() != "Training"
    assert window.running_seen == [True, False] and not panel.is_training()
    train_and_wait(qtbot, panel)
    assert session.params != before and window.undo_stack.undoText() == "Training"
    assert panel.message_label.isHidden()


def test_a_training_process_that_dies_is_noticed_and_changes_nothing(qtbot, host):
    panel, session = host.panel, host.session
    before = session.params
    start_long_run(qtbot, panel)
    pid = panel.trainer.pid()
    assert pid is not None
    with qtbot.waitSignal(panel.trainer.failed, timeout=RUN_TIMEOUT_MS) as failed:
        os.kill(pid, signal.SIGKILL)
    assert "ended unexpectedly" in failed.args[0]
    assert "ended unexpectedly" in panel.message_label.text() and not panel.message_label.isHidden()
    assert panel.status_label.text() == "Failed: finished without a result"
    assert session.params == before and session.history is None
    assert host.preview_params is None and not panel.is_training()
    configure(panel, epochs="5")
    train_and_wait(qtbot, panel)
    assert len(session.history) == 6


def test_bad_settings_show_a_reason_and_change_nothing(qtbot, host):
    panel, session = host.panel, host.session
    before = session.training
    for field, text in (("lr", "1e999"), ("lr", "abc"), ("lr", "0"), ("epochs", "1.5"), ("epochs", "1_000")):
        configure(panel, **{field: text})
        assert panel.settings_error.isVisible()
        assert session.training == before, (field, text)
    assert "whole number" in panel.settings_error.text()
    panel.action_train.trigger()
    assert not panel.is_training()
    assert "Cannot train" in panel.message_label.text()
    configure(panel, lr="0.1", epochs="10")
    assert not panel.settings_error.isVisible()
    assert session.training.lr == 0.1 and session.training.epochs == 10
    assert host.modified


def test_dataset_edits_are_validated_and_undoable(qtbot, host, tmp_path):
    panel, session = host.panel, host.session
    table = panel.dataset_table
    assert table.rowCount() == 2 and table.item(0, 0).text() == "Company A"
    table.item(1, 2).setText("abc")  # a person types a bad target
    assert panel.dataset_error.isVisible() and "abc" in panel.dataset_error.text()
    assert session.dataset == COMPANIES and table.item(1, 2).text() == "1"
    table.item(1, 1).setText("1 0.5 nan")
    assert "nan" in panel.dataset_error.text() and session.dataset == COMPANIES
    table.item(1, 0).setText("Company A")  # two sequences may not share a name
    assert "already a sequence named 'Company A'" in panel.dataset_error.text()
    assert session.dataset == COMPANIES and table.item(1, 0).text() == "Company B"
    table.item(1, 2).setText("0.75")
    assert not panel.dataset_error.isVisible()
    assert session.dataset[1].target == 0.75
    assert host.undo_stack.undoText() == "Edit Company B"
    panel.add_sequence()
    assert len(session.dataset) == 3 and table.rowCount() == 3
    table.selectRow(2)
    panel.remove_selected_sequences()
    assert len(session.dataset) == 2
    host.undo_stack.undo()
    host.undo_stack.undo()
    host.undo_stack.undo()
    assert session.dataset == COMPANIES

    path = tmp_path / "data.csv"
    panel.export_dataset_csv(str(path))
    session.set_dataset(COMPANIES[:1])
    panel.import_dataset_csv(str(path))
    assert session.dataset == COMPANIES
    panel.import_dataset_csv(str(tmp_path / "missing.csv"))
    assert panel.dataset_error.isVisible() and "missing.csv" in panel.dataset_error.text()


def test_exports_write_the_plot_and_the_history(qtbot, host, tmp_path):
    panel = host.panel
    configure(panel, init="statquest", epochs="20")
    train_and_wait(qtbot, panel)
    png, history_csv = tmp_path / "plot.png", tmp_path / "history.csv"
    panel.export_plot_png(str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    panel.export_history_csv(str(history_csv))
    rows = list(csv.reader(history_csv.open(encoding="utf-8")))
    assert rows[0][:4] == ["epoch", "loss", "out_0 Company A", "out_1 Company B"]
    assert rows[0][-1] == "bo1" and len(rows) == 22
    assert float(rows[-1][0]) == 20
    assert [float(v) for v in rows[1][4:]] == list(STATQUEST_PARAMS.to_flat())


def test_log_scale_and_a_new_session(qtbot, host):
    panel = host.panel
    panel.action_log_loss.trigger()
    assert panel.plot.loss_plot.ctrl.logYCheck.isChecked()
    configure(panel, epochs="3")
    train_and_wait(qtbot, panel)
    assert len(panel.plot.history) == 4
    host.replace_session(Session(dataset=COMPANIES[:1]))
    assert panel.dataset_table.rowCount() == 1
    assert panel.plot.history is None
    assert panel.status_label.text() == "Ready to train"


def test_a_settings_edit_is_an_undo_step_that_marks_the_session_modified(qtbot, host):
    panel, session = host.panel, host.session
    assert not host.modified
    configure(panel, epochs="300")
    assert session.training.epochs == 300
    assert host.modified and host.undo_stack.count() == 1
    assert host.undo_stack.undoText() == "Change epochs"
    host.undo_stack.undo()
    assert session.training.epochs == TrainConfig().epochs
    assert panel.epochs_edit.text() == str(TrainConfig().epochs)
    assert not host.modified
    configure(panel, engine="torch")  # a choice is a step too
    assert session.training.engine == "torch" and host.undo_stack.undoText() == "Change engine"


def test_two_learning_rate_edits_in_a_row_are_one_undo_step(qtbot, host):
    panel, session = host.panel, host.session
    first = session.training.lr
    configure(panel, lr="0.01")
    configure(panel, lr="0.02")
    assert host.undo_stack.count() == 1 and session.training.lr == 0.02
    configure(panel, epochs="50")  # another setting: a step of its own
    assert host.undo_stack.count() == 2
    host.undo_stack.undo()
    assert session.training.epochs == TrainConfig().epochs and session.training.lr == 0.02
    host.undo_stack.undo()
    assert session.training.lr == first and panel.lr_edit.text() == "0.001"


def test_the_panel_never_touches_the_windows_actions_it_says_when_it_runs(qtbot, host):
    panel = host.panel
    configure(panel, init="statquest", epochs="20")
    assert host.action_undo.isEnabled()
    seen = record_progress(panel)
    panel.action_train.trigger()
    assert host.running_seen == [True]
    assert host.action_undo.isEnabled()  # holding Undo is the window's business
    qtbot.waitUntil(lambda: host.running_seen == [True, False], timeout=RUN_TIMEOUT_MS)
    assert seen and not panel.is_training()
    assert any(text.startswith("Training done after 20 epochs") for text in host.status_seen)


def test_a_refused_field_does_not_block_edits_of_the_others(qtbot, host):
    """A refused text used to make every later edit of another setting fail
    too (the form re-read and re-checked all fields on each edit)."""
    panel, session = host.panel, host.session
    configure(panel, epochs="abc")
    assert "epochs" in panel.settings_error.text()
    configure(panel, lr="0.05")
    assert session.training.lr == 0.05  # accepted
    assert panel.epochs_edit.text() == "abc"  # what was typed stays, still marked
    assert "epochs" in panel.settings_error.text() and "abc" in panel.epochs_edit.toolTip()
    configure(panel, epochs="70")
    assert session.training.epochs == 70 and not panel.settings_error.isVisible()


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("epochs", "0", 0),
        ("epochs", "1000000001", 1_000_000_001),
        ("lr", "0", 0.0),
        ("lr", "-1", -1.0),
        ("momentum", "1", 1.0),
        ("momentum", "0.5", 0.5),
        ("stop_below", "0", 0.0),
        ("stop_below", "-2", -2.0),
    ],
)
def test_the_form_refuses_exactly_what_the_training_settings_refuse(qtbot, host, field, text, value):
    """The rules live in TrainConfig only: the form parses and maps."""
    panel, session = host.panel, host.session
    try:
        TrainConfig(**{field: value})
    except ValueError as error:
        refused: str | None = str(error)
    else:
        refused = None
    configure(panel, optimizer="sgd", **{field: text})
    if refused is None:
        assert getattr(session.training, field) == value and not panel.settings_error.isVisible()
    else:
        assert getattr(session.training, field) != value
        assert panel.settings_error.isVisible()
        reason = refused.split(": ", 1)[-1]
        assert reason in panel.settings_error.text()
        edits = {
            "lr": panel.lr_edit,
            "epochs": panel.epochs_edit,
            "momentum": panel.momentum_edit,
            "stop_below": panel.stop_below_edit,
        }
        assert reason in edits[field].toolTip()  # shown at the field itself


def test_a_fields_tooltip_comes_back_when_its_error_is_cleared(qtbot, host):
    panel = host.panel
    edits = (panel.lr_edit, panel.momentum_edit, panel.epochs_edit, panel.stop_below_edit)
    before = [edit.toolTip() for edit in edits]
    assert all(before)
    for edit, name in zip(edits, ("lr", "momentum", "epochs", "stop_below")):
        configure(panel, optimizer="sgd", **{name: "abc"})
        assert "abc" in edit.toolTip() and edit.styleSheet()
    configure(panel, lr="0.01", momentum="0.5", epochs="10", stop_below="")
    assert [edit.toolTip() for edit in edits] == before
    assert not any(edit.styleSheet() for edit in edits)
    assert not panel.settings_error.isVisible()


def test_train_with_a_refused_field_names_it(qtbot, host):
    panel = host.panel
    configure(panel, lr="abc")
    panel.action_train.trigger()
    assert not panel.is_training() and host.running_seen == []
    assert panel.message_label.text() == "Cannot train: learning rate: expected a finite number, got 'abc'"


def test_a_new_session_while_training_ends_the_run_without_applying_it(qtbot, host):
    panel, session = host.panel, host.session
    start_long_run(qtbot, panel)
    host.replace_session(Session(dataset=COMPANIES[:1]))
    assert not panel.is_training() and host.running_seen == [True, False]
    assert session.params == NOTEBOOK_PARAMS and session.history is None
    assert host.undo_stack.count() == 0 and host.preview_params is None
    assert panel.init_box.currentData() == "current" and panel.epochs_edit.text() == "5000"
    assert panel.status_label.text() == "Ready to train"


def test_a_history_export_that_cannot_be_written_says_why(qtbot, host, tmp_path):
    panel = host.panel
    target = tmp_path / "missing folder" / "history.csv"
    panel.export_history_csv(str(target))
    assert not target.exists()
    assert "Could not export the history" in panel.message_label.text()
