"""Stepping into a time step in the window: Step Into / Step Out / Step back
across stages and steps, pending values, the lit stage, its formula, Run
through stages with its pulse (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGraphicsProxyWidget, QGraphicsSimpleTextItem, QLineEdit
from test_stress import traced_growth

from lstm_gui.core.cell import TRACE_FIELDS
from lstm_gui.core.formatting import format_number
from lstm_gui.core.session import Session
from lstm_gui.core.stages import DIAGRAM_PARTS, STAGES, StepPosition, next_pos, stage, stage_text
from lstm_gui.ui.diagram.scene import PENDING
from lstm_gui.ui.diagram.stages import DIM_OPACITY

P = StepPosition
COMPANY_B = (1.0, 0.5, 0.25, 1.0)


@pytest.fixture
def window(make_window):
    win = make_window(Session(inputs=COMPANY_B, long0=0.0, short0=0.0))
    win.resize(1280, 720)
    win.set_step(1)
    return win


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    field.setText("")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def caption(window) -> str:
    return window.scene.stage_state().caption


def test_f11_steps_into_and_shift_f11_steps_out_and_nothing_else_uses_f11(window):
    assert window.action_step_into.shortcut() == QKeySequence("F11")
    assert window.action_step_out.shortcut() == QKeySequence("Shift+F11")
    users = [
        a.objectName() for a in window.findChildren(type(window.action_step_into)) if "F11" in a.shortcut().toString()
    ]
    assert sorted(users) == ["action_step_into", "action_step_out"]
    assert "F11" in window.action_step_into.toolTip()
    step_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Step")
    assert {window.action_step_into, window.action_step_out, window.action_run_stages} <= set(step_menu.actions())
    assert {window.action_step_into, window.action_step_out} <= set(window.stepper_toolbar.actions())
    assert not window.action_run_stages.isChecked()  # off by default


def test_step_into_walks_the_stages_and_completes_the_step(window):
    window.action_step_into.trigger()  # from step 1, whole: into step 2
    assert window.stepper.position() == P(2, 1)
    assert window.step == 2
    assert caption(window).splitlines()[0] == "Stage 1 of 3: forget"
    assert window.status_step.text() == "step 2 of 4, stage 1 of 3: forget"
    window.action_step_into.trigger()
    assert window.stepper.position() == P(2, 2)
    window.action_step_into.trigger()
    assert window.stepper.position() == P(2, 3)
    window.action_step_into.trigger()  # from the last stage the step completes
    assert window.stepper.position() == P(2)
    assert caption(window) == ""
    assert window.status_step.text() == "step 2 of 4"
    assert window.undo_stack.isClean()  # view state: no undo step, not modified


def test_step_out_shows_the_step_whole_and_step_back_walks_back_through_stages(window):
    window.stepper.set_position(P(3, 2))
    assert window.action_step_out.isEnabled()
    window.action_step_out.trigger()
    assert window.stepper.position() == P(3)
    assert not window.action_step_out.isEnabled()
    window.stepper.set_position(P(3, 3))
    window.action_step_back.trigger()
    assert window.stepper.position() == P(3, 2)
    window.action_step_back.trigger()
    assert window.stepper.position() == P(3, 1)
    window.action_step_back.trigger()  # out of the step: the one before, whole
    assert window.stepper.position() == P(2)
    window.action_step_back.trigger()  # a whole step goes back a whole step
    assert window.stepper.position() == P(1)


def test_step_forward_and_clicking_a_step_leave_the_stage(window):
    window.stepper.set_position(P(2, 2))
    window.action_step_forward.trigger()
    assert window.stepper.position() == P(3)
    window.stepper.set_position(P(2, 2))
    window.trace_table.step_clicked.emit(2)  # the same step, clicked in the table: shown whole
    assert window.stepper.position() == P(2)


def test_step_into_at_the_last_stage_of_the_last_step_completes_it_then_does_nothing(window):
    window.stepper.set_position(P(4, 3))
    assert window.action_step_into.isEnabled() and window.action_step_forward.isEnabled()
    window.action_step_into.trigger()
    assert window.stepper.position() == P(4)
    assert not window.action_step_into.isEnabled()
    window.step_into()  # the key pressed anyway
    assert window.stepper.position() == P(4)
    assert window.value_label("short").text() == format_number(window.trace[3].short)


def test_pending_values_show_as_ellipsis_then_are_revealed_stage_by_stage(window, qtbot):
    trace = window.trace
    window.stepper.set_position(P(2, 1))
    scene = window.scene
    assert window.value_label("forget").text() == format_number(trace[1].forget)
    for name in ("input", "candidate", "output", "long", "short", "long_tanh"):
        assert window.value_label(name).text() == PENDING, name
    # What flows in is known: not the old step's values, this step's inputs.
    assert window.value_label("long_prev").text() == format_number(trace[1].long_prev)
    assert window.value_label("x").text() == format_number(trace[1].x)
    assert scene.stage_state().pending == ("input", "candidate", "output", "long", "long_tanh", "short")
    assert scene.product_text("long_added") == f"+ {PENDING}"
    window.step_into()
    assert window.value_label("long").text() == format_number(trace[1].long)
    assert window.value_label("input").text() == format_number(trace[1].input)
    assert scene.stage_state().pending == ("output", "long_tanh", "short")
    # A value just revealed flashes (what changed is visible), with no "was …".
    assert window.value_label("long") in scene.flashing_labels()
    assert scene.was_text(window.value_label("long")) == ""
    window.step_into()
    assert scene.stage_state().pending == ()
    assert window.value_label("short").text() == format_number(trace[1].short)
    # The trace table and the plot stay on whole steps: the current step, every value.
    model = window.trace_table.trace_model
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert all(model.index(1, c).data() != PENDING for c in range(model.columnCount()))
    assert window.plot.cursor_step() == 2


def test_the_stage_lights_its_blocks_and_lines_and_dims_the_rest(window):
    scene = window.scene
    assert set(scene.parts) == set(DIAGRAM_PARTS)
    for s in STAGES:
        window.stepper.set_position(P(2, s.number))
        state = scene.stage_state()
        assert state.stage == s.number
        assert state.lit == frozenset(s.parts)
        assert state.dimmed == frozenset(DIAGRAM_PARTS) - frozenset(s.parts)
        for part in DIAGRAM_PARTS:
            expected = 1.0 if part in s.parts else DIM_OPACITY
            assert all(item.opacity() == pytest.approx(expected) for item in scene.parts[part]), (s.number, part)
    window.stepper.set_position(P(2, 2))
    assert scene.blocks["input"].opacity() == 1.0 and scene.blocks["candidate"].opacity() == 1.0
    assert scene.blocks["forget"].opacity() < 1.0 and scene.blocks["output"].opacity() < 1.0
    assert window.weight_field("forget", "bias").graphicsProxyWidget().opacity() < 1.0
    assert window.weight_field("input", "bias").graphicsProxyWidget().opacity() == 1.0
    window.step_out()
    state = scene.stage_state()
    assert state.stage == 0 and not state.dimmed and state.caption == ""
    assert all(item.opacity() == 1.0 for items in scene.parts.values() for item in items)


def _visible_texts(scene) -> list[tuple[str, QRectF]]:
    """Every text the diagram shows but the stage caption's own: names, gate
    captions, products, sums, node signs (text items) and values and weights
    (widgets), dimmed ones too (a dimmed text is still there to read)."""
    caption_item = scene.stage_overlay.caption
    texts = []
    for item in scene.items():
        if not item.isVisible() or item is caption_item or caption_item.isAncestorOf(item):
            continue
        if isinstance(item, QGraphicsSimpleTextItem) and item.text().strip():
            texts.append((item.text(), item.sceneBoundingRect()))
        elif isinstance(item, QGraphicsProxyWidget):
            texts.append((item.widget().objectName(), item.sceneBoundingRect()))
    return texts


@pytest.mark.parametrize("extras", [False, True])
def test_the_caption_is_the_cores_formula_text_and_covers_no_block_and_no_text(window, extras):
    scene = window.scene
    scene.set_show_sums(extras)
    scene.set_show_names(extras)
    blocks = [block.sceneBoundingRect() for block in scene.blocks.values()] + [scene.tanh_block.sceneBoundingRect()]
    for s in STAGES:
        window.stepper.set_position(P(2, s.number))
        assert caption(window) == stage_text(s.number, window.current_params(), window.trace[1])
        box = scene.stage_overlay.caption.sceneBoundingRect()
        assert scene.sceneRect().contains(box)
        assert not any(box.intersects(block) for block in blocks), s.number
        covered = [text for text, rect in _visible_texts(scene) if box.intersects(rect)]
        assert covered == [], (s.number, covered)
    window.stepper.set_position(P(2, 0))  # the whole step: the stage headings are back
    assert "2  remember something new" in [text for text, _ in _visible_texts(scene)]


def test_editing_a_weight_inside_a_stage_updates_the_formula_at_once(window, qtbot):
    window.stepper.set_position(P(2, 1))
    assert "forget = sigmoid(2.70 x " in caption(window)
    type_into(qtbot, window.weight_field("forget", "w_short"), "3")
    assert window.stepper.position() == P(2, 1)  # still inside the step
    assert "forget = sigmoid(3.00 x " in caption(window)
    assert caption(window) == stage_text(1, window.current_params(), window.trace[1])
    assert window.value_label("forget").text() == format_number(window.trace[1].forget)
    window.action_undo.trigger()
    assert "forget = sigmoid(2.70 x " in caption(window)


def test_a_shorter_sequence_inside_a_stage_leaves_the_stage_cleanly(window):
    window.stepper.set_position(P(4, 2))
    window.session.set_inputs([1.0, 0.5])
    assert window.stepper.position() == P(2)  # its step is gone: the last one, whole
    window.session.set_inputs([])
    assert window.stepper.position() == P(0)
    assert window.scene.stage_state().stage == 0
    window.undo_stack.setClean()


def test_run_through_stages_visits_every_stage_with_a_travelling_pulse(window, qtbot):
    window.set_speed(30.0)
    window.action_run_stages.trigger()
    assert window.action_run_stages.isChecked() and window.stepper.run_stages
    window.set_step(2)
    visited: list[StepPosition] = []
    pulses: list[int] = []

    def record(*_):
        visited.append(window.stepper.position())
        pulses.append(len(window.scene.stage_overlay.pulse_dots()))

    window.stepper.stage_changed.connect(record)
    window.toggle_run()
    assert window.is_running()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=10000)
    expected, pos = [], P(2)
    while next_pos(pos, 4) != pos:
        pos = next_pos(pos, 4)
        expected.append(pos)
    assert visited == expected  # (3,1) (3,2) (3,3) (3,0) (4,1) ... (4,0)
    # A pulse travels along the lines of every stage shown while running.
    assert all(count > 0 for pos, count in zip(visited, pulses) if pos.stage), pulses
    assert window.stepper.position() == P(4)
    qtbot.waitUntil(lambda: not window.scene.stage_overlay.pulse_running())
    assert window.scene.stage_overlay.pulse_dots() == []


def test_the_pulse_moves_along_the_stage_lines_in_the_direction_of_flow(window, qtbot):
    window.stepper.set_position(P(2, 1))
    overlay = window.scene.stage_overlay
    overlay.play_pulse(400)
    dots = overlay.pulse_dots()
    lines = [item for part in stage(1).parts for item in window.scene.parts[part] if item.data(0) is not None]
    # One dot per lit line but the feeds every stage shares; each starts where its line starts.
    assert 0 < len(dots) < len(lines) and overlay.pulse_running()
    starts = [dot.pos() for dot in dots]
    line_starts = {(round(p.x()), round(p.y())) for p in (line.path().pointAtPercent(0.0) for line in lines)}
    assert {(round(p.x()), round(p.y())) for p in starts} <= line_starts
    qtbot.waitUntil(lambda: any(dot.pos() != p for dot, p in zip(dots, starts)), timeout=20000)
    qtbot.waitUntil(lambda: not overlay.pulse_running(), timeout=20000)
    assert overlay.pulse_dots() == []
    # Stepping elsewhere while a pulse runs stops it.
    overlay.play_pulse(400)
    window.step_out()
    assert not overlay.pulse_running() and overlay.pulse_dots() == []


def test_run_without_stages_still_steps_whole_steps(window, qtbot):
    window.set_speed(30.0)
    window.set_step(0)
    stages: list[int] = []
    window.stepper.stage_changed.connect(stages.append)
    window.toggle_run()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=10000)
    assert stages == [] and window.stepper.position() == P(4)


def test_a_theme_change_inside_a_stage_keeps_it_lit_and_pending(window):
    window.stepper.set_position(P(2, 2))
    window._apply_theme("dark", save=False)
    state = window.scene.stage_state()
    assert state.stage == 2 and state.pending == ("output", "long_tanh", "short")
    assert window.scene.blocks["forget"].opacity() == pytest.approx(DIM_OPACITY)
    window._apply_theme("light", save=False)


def test_every_trace_key_shown_on_the_diagram_is_pending_exactly_while_a_later_stage_computes_it(window):
    shown = ("forget", "input", "candidate", "output", "long", "long_tanh", "short")
    for s in STAGES:
        window.stepper.set_position(P(3, s.number))
        later = {key for other in STAGES[s.number :] for key in other.keys}
        pending = tuple(key for key in TRACE_FIELDS if key in shown and key in later)
        assert window.scene.stage_state().pending == pending
        for key in shown:
            assert (window.value_label(key).text() == PENDING) == (key in later), (s.number, key)
    assert stage(3).keys[-1] == "short"


def test_a_hundred_walks_through_a_steps_stages_keep_memory_flat(window):
    """Each stage restyles the pending labels and moves the caption: nothing piles up."""

    def walk() -> None:
        window.stepper.set_position(P(2))
        for _ in range(4):  # into step 3: stages 1, 2, 3, then the step whole
            window.step_into()
        window.stepper.set_position(P(3, 3))
        window.step_back()  # back to stage 2

    growth = traced_growth(walk, 100)
    assert growth < 256 * 1024, f"{growth} bytes kept after 100 walks"
    assert window.stepper.position() == P(3, 2)
    assert window.scene.stage_state().pending == ("output", "long_tanh", "short")
