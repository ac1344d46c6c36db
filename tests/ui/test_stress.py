"""Long use does not eat the machine (issue 11): thousands of steps and
edits keep memory bounded and values exact; closing mid-run and starting and
stopping training over and over leave no process or thread behind."""

from __future__ import annotations

import gc
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.vocabulary import GATES, ROLES
from lstm_gui.ui import MainWindow
from lstm_gui.ui.commands import weight_command

RUN_TIMEOUT_MS = 30_000


@pytest.fixture
def window(make_window):
    return make_window()


def child_processes() -> list[int]:
    """This process's children (zombies included: a child must be reaped too)."""
    me = str(os.getpid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            children.append(int(stat.parent.name))
    return children


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def resident_bytes() -> int:
    """This process's resident memory (Linux ``/proc``)."""
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


#: Repeats traced by tracemalloc (it slows Python several times); the rest run
#: untraced, with the process's resident memory checked over all of them.
TRACED_REPEATS = 2000
#: Resident memory allowed to grow over a whole stress run (allocator noise, Qt caches).
RSS_SLACK = 32 * 1024 * 1024


def traced_growth(action, repeats: int) -> int:
    """Bytes still allocated by Python after ``action`` ran ``repeats`` times
    (after one warm-up round, so caches and first-use allocations do not count).
    Only the last :data:`TRACED_REPEATS` run under tracemalloc; a leak per
    repeat shows there too, and the resident memory over the whole run must
    stay within :data:`RSS_SLACK`."""
    for _ in range(max(1, repeats // 10)):
        action()
    gc.collect()
    rss_before = resident_bytes() if Path("/proc/self/statm").exists() else 0
    for _ in range(max(0, repeats - TRACED_REPEATS)):
        action()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(min(repeats, TRACED_REPEATS)):
            action()
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    if rss_before:
        assert resident_bytes() - rss_before < RSS_SLACK, "resident memory grew over the run"
    return growth


def _step_cycles(window: MainWindow, cycles: int) -> None:
    window.select_sequence("Company B")
    last = len(window.trace)

    def cycle() -> None:
        window.step_forward()
        window.step_back()

    window.go_to_end()
    window.step_back()
    growth = traced_growth(cycle, cycles)
    assert growth < 256 * 1024, f"{growth} bytes kept after {cycles} step cycles"
    window.go_to_end()
    assert window.step == last
    assert window.value_label("short").text() == "0.9694"  # the notebook's Company B answer, still
    assert not window.errors


def test_five_hundred_step_cycles_keep_memory_flat(window):
    _step_cycles(window, 500)


@pytest.mark.slow
def test_twenty_thousand_step_cycles_keep_memory_flat(window):
    _step_cycles(window, 20_000)


def _weight_edits(window: MainWindow, edits: int, measure_memory: bool = False) -> None:
    stack = window.undo_stack
    fields = [(gate, role) for gate in GATES for role in ROLES]
    values = []
    for k in range(edits):
        gate, role = fields[k % len(fields)]
        value = (k + 1) / 1024  # exact in binary: "values exact" means ==
        values.append((gate, role, value))
        stack.push(weight_command(window.session, gate, role, value))
    assert stack.count() == edits  # every edit is its own step, none merged or dropped
    final = window.session.params
    for gate, role in fields:
        last = max(k for k, (g, r, _v) in enumerate(values) if (g, r) == (gate, role))
        assert final.get(gate, role) == values[last][2]
    while stack.canUndo():
        stack.undo()
    assert window.session.params == NOTEBOOK_PARAMS
    assert not window.is_modified()
    while stack.canRedo():
        stack.redo()
    assert window.session.params == final
    assert window.weight_field(*fields[(edits - 1) % len(fields)]).value() == values[-1][2]

    if measure_memory:
        # RSS, not tracemalloc: thousands of undo steps redraw the plot each
        # time and tracemalloc would triple that; the bound is generous.
        stack.setIndex(0)
        stack.setIndex(edits)
        before = resident_bytes()
        stack.setIndex(0)
        stack.setIndex(edits)
        growth = resident_bytes() - before
        assert growth < 32 * 1024 * 1024, f"{growth} bytes more after undoing and redoing {edits} edits again"
        assert window.session.params == final


def test_two_hundred_weight_edits_undo_and_redo_exactly(window):
    _weight_edits(window, 200)


@pytest.mark.slow
@needs_proc
def test_five_thousand_weight_edits_undo_and_redo_exactly_in_bounded_memory(window):
    _weight_edits(window, 5_000, measure_memory=True)


@needs_proc
def test_closing_mid_run_leaves_no_process_or_thread(window, qtbot):
    threads_before = set(threading.enumerate())
    assert window.open_example("companies", ask=False)
    panel = window.training_panel
    panel.epochs_edit.setText("100000000")
    panel.epochs_edit.editingFinished.emit()
    seen = []
    panel.trainer.progressed.connect(seen.append)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=RUN_TIMEOUT_MS)
    assert child_processes()  # the training process runs
    window.close()
    assert not panel.is_training()
    assert child_processes() == []
    qtbot.waitUntil(lambda: set(threading.enumerate()) <= threads_before, timeout=RUN_TIMEOUT_MS)


def _start_and_stop(window: MainWindow, qtbot, runs: int) -> list[int]:
    panel = window.training_panel
    epochs: list[int] = []
    panel.trainer.finished.connect(lambda result: epochs.append(result.epochs))
    for _ in range(runs):
        panel.action_train.trigger()
        assert panel.is_training()
        panel.action_stop.trigger()
        qtbot.waitUntil(lambda: not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    return epochs


@needs_proc
@pytest.mark.slow
def test_a_hundred_starts_and_stops_leave_no_process(window, qtbot):
    assert window.open_example("companies", ask=False)
    epochs = _start_and_stop(window, qtbot, 100)
    assert len(epochs) == 100  # every run ended with a result
    qtbot.waitUntil(lambda: child_processes() == [], timeout=RUN_TIMEOUT_MS)
    assert not window.errors
    # At most one "Training" step per run.
    assert window.undo_stack.count() <= 100


def test_a_stop_before_the_first_epoch_adds_no_undo_step(window, qtbot):
    assert window.open_example("companies", ask=False)
    for _ in range(100):
        steps = window.undo_stack.count()
        epochs = _start_and_stop(window, qtbot, 1)
        if epochs == [0]:
            assert window.undo_stack.count() == steps, "a run that trained nothing became an undo step"
            return
    pytest.skip("no run stopped before its first epoch in 100 tries")
