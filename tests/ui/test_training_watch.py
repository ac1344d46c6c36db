"""Training you can watch, replay and edit: the speed choice, the history
scrubber and its preview, pause-edit-resume, the hover read-out, the weight
colours, status lines that say what happened, many sequences, a narrow column."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QWidget
from test_training_panel import RUN_TIMEOUT_MS, configure, record_progress, train_and_wait
from training_fakes import InstantStopTrainer
from training_host import TrainingHost

from lstm_gui.core.cell import CellParams
from lstm_gui.core.session import COMPANIES, DatasetItem, Session
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES
from lstm_gui.training.config import STATQUEST_PARAMS
from lstm_gui.training.engines.fast import FastEngine
from lstm_gui.training.history import TrainingHistory
from lstm_gui.training.run import dataset_sequences
from lstm_gui.ui.commands import weight_command
from lstm_gui.ui.theme import make_palette, parameter_colors
from lstm_gui.ui.training.panel import SPEED_CHOICES, TrainingPanel
from lstm_gui.ui.training.plot import MAX_PLOTTED_SEQUENCES
from lstm_gui.ui.training.trainers import Trainer


def _host(
    qtbot, session: Session | None = None, trainer: str | Trainer | None = None, size=(1100, 700)
) -> TrainingHost:
    window = TrainingHost(session or Session(), trainer=trainer)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    return window


@pytest.fixture
def host(qtbot):
    window = _host(qtbot)
    yield window
    window.panel.shutdown()


def _output_lines(host: TrainingHost) -> list[str]:
    outputs = host.live_results.findChild(QWidget, "live_outputs")
    return [label.text() for label in outputs.findChildren(QLabel) if not label.isHidden()]


def _undo_texts(host: TrainingHost) -> list[str]:
    stack = host.undo_stack
    return [stack.text(k) for k in range(stack.index())]


# -- speed ---------------------------------------------------------------------------


def test_the_speed_choice_defaults_to_as_fast_as_possible_and_is_not_remembered(qtbot):
    first = _host(qtbot)
    box = first.panel.findChild(QComboBox, "train_speed")
    assert [box.itemText(k) for k in range(box.count())] == [label for _, label in SPEED_CHOICES]
    assert box.currentText() == "As fast as possible" and first.panel.speed() is None
    box.setCurrentIndex(box.findText("20 epochs/s"))
    assert first.panel.speed() == 20.0
    first.close()
    second = _host(qtbot)
    assert second.panel.findChild(QComboBox, "train_speed").currentText() == "As fast as possible"


def test_a_speed_change_during_a_run_takes_effect_at_once(qtbot):
    host = _host(qtbot, trainer="thread")
    panel = host.panel
    panel.speed_box.setCurrentIndex(panel.speed_box.findText("20 epochs/s"))
    configure(panel, init="statquest", epochs="3000")
    seen = record_progress(panel)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=RUN_TIMEOUT_MS)
    run = panel.trainer._runner.run_obj
    assert run is not None and run.max_rate == 20.0
    # At 20 epochs/s the 3000 epochs would take 150 s; lifting the limit finishes them now.
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.speed_box.setCurrentIndex(0)
        assert run.max_rate is None
    assert finished.args[0].epochs == 3000
    panel.shutdown()


def test_the_training_process_follows_the_speed_choice(qtbot, host):
    panel = host.panel
    panel.speed_box.setCurrentIndex(panel.speed_box.findText("20 epochs/s"))
    configure(panel, init="statquest", epochs="3000")
    seen = record_progress(panel)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=RUN_TIMEOUT_MS)
    assert seen[-1].epoch < 3000
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.speed_box.setCurrentIndex(0)
    assert finished.args[0].epochs == 3000 and finished.args[0].status == "finished"


# -- status lines --------------------------------------------------------------------


def test_status_says_finished_only_for_a_completed_run_and_stopped_fits(qtbot):
    host = _host(qtbot, size=(400, 720))
    panel = host.panel
    configure(panel, init="statquest", epochs="200")
    train_and_wait(qtbot, panel)
    assert panel.status_label.text().startswith("Done: finished 200 epochs, loss ")
    configure(panel, epochs="100000000")
    seen = record_progress(panel)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].epoch > 0, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.action_stop.trigger()
    text = panel.status_label.text()
    assert text.startswith(f"Stopped at epoch {finished.args[0].epochs} of 100000000, loss ")
    assert "finished" not in text
    qtbot.waitUntil(lambda: panel.status_label.width() > 0)
    assert panel.status_label.fontMetrics().horizontalAdvance(text) <= panel.status_label.width()
    panel.shutdown()


def test_the_dataset_error_clears_when_training_starts(qtbot, host):
    panel = host.panel
    panel.dataset_table.clearSelection()
    panel.dataset_table.setCurrentCell(-1, -1)
    panel.remove_selected_sequences()
    assert panel.dataset_error.isVisibleTo(panel)
    configure(panel, epochs="5")
    train_and_wait(qtbot, panel)
    assert not panel.dataset_error.isVisibleTo(panel)


def test_after_undo_of_training_progress_and_status_show_the_sessions_history(qtbot, host):
    panel = host.panel
    configure(panel, init="statquest", epochs="30")
    train_and_wait(qtbot, panel)
    configure(panel, epochs="20")
    train_and_wait(qtbot, panel)
    assert panel.status_label.text().startswith("Done: finished 20 epochs")
    host.undo_stack.undo()  # the second run
    assert host.session.history.last_epoch == 30
    loss = float(host.session.history.loss[-1])
    assert panel.status_label.text() == f"Epoch 30, loss {loss:.6g}"
    assert panel.progress_bar.format() == f"Trained to epoch 30 · loss {loss:.6g}"
    while host.undo_stack.canUndo():
        host.undo_stack.undo()
    assert panel.progress_bar.format() == "Not trained yet" and panel.status_label.text() == "Ready to train"


def test_a_reopened_session_with_a_history_shows_its_last_epoch_and_loss(qtbot):
    history = TrainingHistory(("Company A", "Company B"))
    history.extend([0, 1, 2], [0.5, 0.25, 0.125], [[0, 0]] * 3, [STATQUEST_PARAMS.to_flat()] * 3, run_start=True)
    host = _host(qtbot, Session(history=history))
    assert host.panel.status_label.text() == "Epoch 2, loss 0.125"
    assert "Not trained" not in host.panel.progress_bar.format()


def test_start_and_stop_a_hundred_times_adds_no_undo_step(qtbot):
    host = _host(qtbot, trainer=InstantStopTrainer())
    panel = host.panel
    configure(panel, epochs="100000000")
    steps = host.undo_stack.count()
    for _ in range(100):
        with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
            panel.action_train.trigger()
            panel.action_stop.trigger()  # before the first epoch
        assert finished.args[0].epochs == 0
    assert host.undo_stack.count() == steps
    panel.shutdown()


def test_every_choice_and_spin_box_in_the_panel_needs_focus_for_the_wheel(host):
    boxes = host.panel.findChildren(QComboBox) + host.panel.findChildren(QAbstractSpinBox)
    assert len(boxes) >= 7
    assert all(box.focusPolicy() == Qt.FocusPolicy.StrongFocus for box in boxes)


def test_pause_and_stop_have_shortcuts_named_in_their_tooltips(host):
    panel = host.panel
    for action in (panel.action_train, panel.action_pause, panel.action_stop):
        shortcut = action.shortcut().toString()
        assert shortcut and shortcut in action.toolTip()
    assert panel.progress_bar.objectName() == "train_progress"
    assert panel.status_label.objectName() == "train_status"


# -- the history scrubber ------------------------------------------------------------


def _statquest_run(qtbot, host: TrainingHost) -> None:
    configure(host.panel, init="statquest", optimizer="adam", lr="0.001", epochs="5000", updates="per_sample")
    train_and_wait(qtbot, host.panel)


def test_scrubbing_to_epoch_2000_previews_statquests_published_outputs(qtbot, host):
    panel = host.panel
    _statquest_run(qtbot, host)
    slider = panel.history_slider
    assert slider.objectName() == "history_epoch" and slider.isEnabled()
    assert (slider.minimum(), slider.maximum(), slider.value()) == (0, 5000, 5000)
    with qtbot.waitSignal(panel.history_preview) as previewed:
        slider.setValue(2000)
    params, label = previewed.args
    assert label == "preview of epoch 2000"
    assert host.preview_params == params == CellParams.from_flat(host.session.history.weights[2000].tolist())
    lines = _output_lines(host)
    assert lines[0].startswith("Company A 0.4342") and lines[1].startswith("Company B 0.6171")
    banner = host.live_results.findChild(QLabel, "live_preview")
    assert banner.isVisible() and banner.text() == "Preview of epoch 2000"
    assert panel.history_label.text() == "Epoch 2000"
    assert host.session.params != params  # only a preview
    # Esc (or Back to current) leaves the preview.
    panel.history_slider.setFocus()
    with qtbot.waitSignal(panel.history_preview) as left:
        QTest.keyClick(panel.history_slider, Qt.Key.Key_Escape)
    assert left.args == [None, ""]
    assert host.preview_params is None and not banner.isVisible()
    assert slider.value() == 5000
    assert _output_lines(host)[1].startswith("Company B 0.9693")


def test_use_these_weights_is_one_undo_step_and_the_end_is_current(qtbot, host):
    panel = host.panel
    _statquest_run(qtbot, host)
    trained = host.session.params
    panel.history_slider.setValue(3000)
    assert panel.history_use.isEnabled() and panel.history_back.isEnabled()
    panel.history_use.click()
    assert host.session.params == CellParams.from_flat(host.session.history.weights[3000].tolist())
    assert host.undo_stack.undoText() == "Use the weights of epoch 3000"
    assert host.preview_params is None
    assert _output_lines(host)[1].startswith("Company B 0.7534")
    host.undo_stack.undo()
    assert host.session.params == trained
    panel.history_slider.setValue(1000)
    assert host.preview_params is not None
    panel.history_slider.setValue(5000)  # the end: the current weights
    assert host.preview_params is None and not panel.history_back.isEnabled()


def test_a_thinned_history_snaps_to_the_nearest_kept_epoch(qtbot):
    history = TrainingHistory(("Company A", "Company B"))
    epochs = list(range(0, 101, 10))
    weights = [STATQUEST_PARAMS.with_value("output", "bias", e / 100).to_flat() for e in epochs]
    history.extend(epochs, [1.0] * 11, [[0, 0]] * 11, weights, run_start=True)
    history.decimated = True
    host = _host(qtbot, Session(history=history))
    host.panel.history_slider.setValue(33)
    assert host.panel.history_slider.value() == 30
    assert host.preview_params.get("output", "bias") == 0.3


def _trained_plot(qtbot, host: TrainingHost, index: int):
    """After a 1000-epoch run: the plot widget, plot ``index``'s view box and
    view, and ``at(epoch, fraction)``: the viewport point at that epoch and
    that fraction of the plot's height (once the whole run is in view)."""
    configure(host.panel, init="statquest", epochs="1000")
    train_and_wait(qtbot, host.panel)
    plot = host.panel.plot
    box = plot.plots[index].getViewBox()
    view = plot.views[index]
    qtbot.waitUntil(lambda: box.sceneBoundingRect().width() > 50 and box.viewRange()[0][1] > 1000)

    def at(epoch: float, fraction: float = 0.5):
        y_low, y_high = box.viewRange()[1]
        return view.mapFromScene(box.mapViewToScene(QPointF(epoch, y_low + fraction * (y_high - y_low))))

    return plot, box, view, at


def test_clicking_a_plot_moves_the_scrubber_there(qtbot, host):
    panel = host.panel
    _plot, box, view, at = _trained_plot(qtbot, host, 0)
    point = at(400)
    with qtbot.waitSignal(panel.history_preview):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    under_pointer = box.mapSceneToView(view.mapToScene(point)).x()
    assert abs(panel.history_slider.value() - under_pointer) <= 1
    assert host.preview_params is not None


def test_hovering_a_plot_shows_the_epoch_and_values_under_the_pointer(qtbot, host):
    plot, box, view, at = _trained_plot(qtbot, host, 1)
    point = at(500)
    QTest.mouseMove(view.viewport(), point)
    text = plot.hover_texts[1]
    qtbot.waitUntil(lambda: text.isVisible())
    under_pointer = box.mapSceneToView(view.mapToScene(point)).x()
    shown = text.toPlainText()
    row = int(shown.split()[1])
    assert shown == f"epoch {row}" and abs(row - under_pointer) <= 1
    # The values at that epoch beside each name in the legend.
    outputs = host.session.history.outputs[row]
    assert plot.legend_texts(1) == [f"Company A {outputs[0]:.4f}", f"Company B {outputs[1]:.4f}"]
    loss_text = plot.hover_at(0, 250)
    assert loss_text == f"epoch 250\nloss {float(host.session.history.loss[250]):.6g}"
    plot.hover_at(2, 250)
    weights = host.session.history.weights[250]
    assert plot.legend_texts(2)[0] == f"wlr1 {weights[0]:.2f}" and plot.legend_texts(2)[-1] == f"bo1 {weights[11]:.2f}"
    # Leaving the plots: the legends show the names again.
    plot.clear_hover()
    assert plot.legend_texts(1) == ["Company A", "Company B"] and plot.legend_texts(2)[0] == "wlr1"
    assert not text.isVisible()
    # Never into negative epochs.
    assert box.state["limits"]["xLimits"][0] == 0


# -- pause, edit, resume -------------------------------------------------------------


def test_pause_edit_resume_continues_from_the_edit_with_the_optimizer_state(qtbot, host):
    panel, session = host.panel, host.session
    configure(panel, init="statquest", optimizer="adam", lr="0.001", epochs="3000")
    panel.speed_box.setCurrentIndex(panel.speed_box.findText("2000 epochs/s"))
    seen = record_progress(panel)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].epoch > 0, timeout=RUN_TIMEOUT_MS)
    panel.action_pause.trigger()
    qtbot.waitUntil(lambda: host.undo_stack.undoText().startswith("Training (paused at epoch "), timeout=RUN_TIMEOUT_MS)
    paused_at = session.history.last_epoch
    assert host.undo_stack.undoText() == f"Training (paused at epoch {paused_at})"
    assert session.params == CellParams.from_flat(session.history.weights[-1].tolist())
    assert host.preview_params is None and host.running_seen[-1] is False  # the diagram is editable
    assert not panel.is_training()
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("Paused at epoch "))
    reached = session.params
    host.undo_stack.push(weight_command(session, "forget", "bias", 0.5))  # as the diagram does
    edited = session.params
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS) as finished:
        panel.speed_box.setCurrentIndex(0)
        panel.action_pause.trigger()  # resume
        assert host.running_seen[-1] is True
        assert host.preview_params == edited  # the live preview again, from the edit
    assert finished.args[0].epochs == 3000
    assert _undo_texts(host)[-3:] == [
        f"Training (paused at epoch {paused_at})",
        "Set forget gate bias to 0.5",
        "Training",
    ]
    # The history has the edit at the paused epoch, then the run went on from it.
    row = session.history.run_starts[-1]
    assert int(session.history.epochs[row]) == paused_at
    assert session.history.weights[row].tolist() == list(edited.to_flat())
    # The same by hand: train to the pause, take the edit, go on with the same optimizer.
    engine = FastEngine(STATQUEST_PARAMS.to_flat(), dataset_sequences(COMPANIES), "adam", True)
    engine.run_epochs(paused_at, 0.001)
    assert engine.weights == pytest.approx(list(reached.to_flat()), abs=1e-12)
    engine.set_weights(edited.to_flat())
    engine.run_epochs(3000 - paused_at, 0.001)
    assert session.params.to_flat() == pytest.approx(engine.weights, abs=1e-12)
    host.undo_stack.undo()
    assert session.params == edited
    host.undo_stack.undo()
    assert session.params == reached


# -- colours ---------------------------------------------------------------------------


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_weight_colours_are_grouped_by_gate_and_readable(theme):
    colours = parameter_colors(theme)
    assert set(colours) == set(NOTEBOOK_NAMES.values())
    background = make_palette(theme).color(make_palette(theme).ColorRole.Base)
    for key, colour in colours.items():
        assert _contrast(QColor(colour), background) >= 3.0, (theme, key, colour)
    for gate in ("forget", "input", "candidate", "output"):
        hues = {QColor(colours[(gate, role)]).hslHue() for role in ("w_short", "w_input", "bias")}
        assert max(hues) - min(hues) <= 6  # one hue per gate
        lightness = [QColor(colours[(gate, role)]).lightness() for role in ("w_short", "w_input", "bias")]
        assert lightness == sorted(lightness) and len(set(lightness)) == 3  # dark, mid, light


def test_the_weight_plot_follows_the_theme(qtbot, host):
    plot = host.panel.plot
    wlr1 = plot.weight_curves[0]
    assert wlr1.opts["pen"].color().name() == parameter_colors("light")[("forget", "w_short")]
    plot.setPalette(make_palette("dark"))
    qtbot.waitUntil(lambda: plot.theme() == "dark")
    assert wlr1.opts["pen"].color().name() == parameter_colors("dark")[("forget", "w_short")]


# -- many sequences and a narrow column --------------------------------------------------


def test_five_thousand_sequences_open_with_a_bounded_legend(qtbot):
    dataset = tuple(DatasetItem(f"S{k}", (0.1 * (k % 7), 0.5), float(k % 2)) for k in range(5000))
    host = _host(qtbot, Session(dataset=dataset))
    plot = host.panel.plot
    assert len(plot.output_curves) == MAX_PLOTTED_SEQUENCES
    assert len(plot.output_legend.items) <= MAX_PLOTTED_SEQUENCES + 1
    assert plot.output_legend.items[-1][1].text == f"+{5000 - MAX_PLOTTED_SEQUENCES} more"
    assert host.panel.dataset_table.rowCount() == 5000
    assert _output_lines(host)[-1] == "… and 4990 more"
    plot.clear_hover()
    assert plot.legend_texts(1)[-1] == f"+{5000 - MAX_PLOTTED_SEQUENCES} more"
    # Replaced in an open panel (an Import): still bounded.
    host.session.set_dataset(dataset[:3000])
    assert len(plot.output_legend.items) <= MAX_PLOTTED_SEQUENCES + 1
    assert plot.output_legend.items[-1][1].text == f"+{3000 - MAX_PLOTTED_SEQUENCES} more"
    assert host.panel.dataset_table.rowCount() == 3000
    assert host.panel.dataset_table.item(2999, 0).text() == "S2999"


def test_a_narrow_tall_column_stacks_everything_without_horizontal_scrolling(qtbot):
    host = _host(qtbot, size=(380, 720))
    panel: TrainingPanel = host.panel
    qtbot.waitUntil(lambda: panel.width() <= 380)
    assert panel.splitter.orientation() == Qt.Orientation.Vertical
    assert panel.minimumSizeHint().width() <= 360
    assert host.scroll.horizontalScrollBar().maximum() == 0
    section = panel.dataset_section
    assert not section.is_expanded()  # folded at first: its header names the sequences
    assert "Company A" in section.toggle.text()
    section.toggle.click()
    assert section.content.isVisibleTo(panel)
    plots_height = panel.plot.height()
    section.toggle.click()
    assert not section.content.isVisibleTo(panel)
    panel.settings_section.toggle.click()
    # Collapsed, the sections give their height to the plots.
    qtbot.waitUntil(lambda: panel.plot.height() > plots_height + 100)
    host.close()
    again = _host(qtbot, size=(380, 720))
    assert not again.panel.settings_section.is_expanded()  # remembered
    again.panel.settings_section.set_expanded(True)


def test_dragging_over_a_plot_zooms_all_three_into_those_epochs(qtbot, host):
    plot, box, view, at = _trained_plot(qtbot, host, 0)
    start, end = at(200, 0.9), at(600, 0.1)
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 11):
        QTest.mouseMove(viewport, start + (end - start) * (k / 10))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    qtbot.waitUntil(lambda: box.viewRange()[0][1] < 800)
    x_low, x_high = box.viewRange()[0]
    assert abs(x_low - 200) < 20 and abs(x_high - 600) < 20
    for other in (plot.output_plot, plot.weight_plot):
        assert other.getViewBox().viewRange()[0] == pytest.approx([x_low, x_high], abs=1e-6)
    assert x_low >= 0
