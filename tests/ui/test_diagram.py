"""The diagram as a person reads and handles it: sizes on screen, sums and
names, dragging a weight, what changed, the step-0 hint (offscreen)."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontInfo, QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QStyleOptionFrame, QToolTip

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.formatting import format_number
from lstm_gui.core.session import Session
from lstm_gui.core.vocabulary import GATES, NOTEBOOK_NAMES, ROLES
from lstm_gui.ui import MainWindow
from lstm_gui.ui.diagram.scene import BLANK, BUBBLE_PX, STEP0_HINT, DiagramScene, DiagramView


@pytest.fixture
def window(qtbot):
    win = MainWindow(Session())  # the notebook example: x = [1], c0 = 2, h0 = 1
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.show_error = lambda title, text: None
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    win.set_step(1)
    yield win
    win.undo_stack.setClean()


# -- readable sizes -------------------------------------------------------------------

# The diagram's viewport beside the training column at 1440x900, 1280x720 and
# 1024x700 (the lead's estimates), and the smallest on-screen weight text and
# field height each must give.
VIEWPORTS = [
    ((1000, 520), 11.0, 18.0),
    ((880, 390), 10.0, 16.0),
    ((660, 390), 8.0, 13.0),
]


@pytest.mark.parametrize("margin", [1.0, 0.95])
@pytest.mark.parametrize(("size", "min_text_px", "min_field_px"), VIEWPORTS)
def test_weights_are_readable_at_the_three_window_sizes(qtbot, size, min_text_px, min_field_px, margin):
    scene = DiagramScene()
    view = DiagramView(scene)
    qtbot.addWidget(view)
    view.resize(int(size[0] * margin), int(size[1] * margin))
    view.show()
    qtbot.waitExposed(view)
    scale = view.scale_factor()
    assert scale > 0
    for field in scene.fields.values():
        assert field.font_pixel_size() * scale >= min_text_px
        assert field.height() * scale >= min_field_px
    if size == (1000, 520):
        assert BUBBLE_PX * scale >= 11.0  # error bubbles too
    scene.clear()


def test_the_diagram_fits_its_scene_and_the_fields_stay_inside_it(qtbot):
    scene = DiagramScene()
    assert scene.sceneRect().width() <= 1350 and scene.sceneRect().height() <= 650
    rects = [f.graphicsProxyWidget().sceneBoundingRect() for f in scene.fields.values()]
    for i, rect in enumerate(rects):
        assert scene.sceneRect().contains(rect)
        assert not any(rect.intersects(other) for other in rects[i + 1 :])
    scene.clear()


def test_a_value_tooltip_is_the_normal_tooltip_not_the_labels_big_bold_text(window, qtbot):
    window.value_label("long").setToolTip("the new long-term memory")
    for widget in (window.value_label("forget"), window.value_label("long"), window.weight_field("forget", "bias")):
        QToolTip.showText(QPoint(10, 10), widget.toolTip(), widget)
        tips = [w for w in QApplication.topLevelWidgets() if w.objectName() == "qtooltip_label" and w.isVisible()]
        assert tips
        tip_font = tips[0].font()
        assert not tip_font.bold()
        assert QFontInfo(tip_font).pixelSize() == QFontInfo(QToolTip.font()).pixelSize()
        QToolTip.hideText()


def test_a_weight_tooltip_names_its_notebook_name_in_words(window):
    tip = window.weight_field("forget", "w_short").toolTip()
    assert tip.startswith("wlr1: forget gate, weight on the short-term memory")
    assert window.weight_field("output", "bias").toolTip().startswith("bo1: output gate, bias")


def test_a_refusal_bubble_covers_no_other_field(window, qtbot):
    for gate in GATES:
        for role in ROLES:
            field = window.weight_field(gate, role)
            field.setFocus()
            field.setText("abc")
            field.commit()
            bubble = window.scene.bubble_rect(gate, role)
            assert not bubble.isEmpty()
            for key, other in window.scene.fields.items():
                if key != (gate, role):
                    assert not bubble.intersects(other.graphicsProxyWidget().sceneBoundingRect()), (gate, role, key)
            qtbot.keyClick(field, Qt.Key.Key_Escape)  # Esc takes the typing back
            assert window.scene.bubble_text(gate, role) == ""


# -- sums and names ---------------------------------------------------------------------


def test_show_sums_writes_each_gates_sum_with_the_reference_numbers(window):
    scene = window.scene
    assert scene.sum_text("forget") == ""  # off by default
    scene.set_show_sums(True)
    # reference.md, notebook example: f=0.997401 i=0.986211 g=0.966087
    # c=2.947567 o=0.991674 h=0.986229 (pre-activations 5.95, 4.27, 2.03, 4.78).
    assert scene.sum_text("forget") == "2.70 \u00d7 1.00 + 1.63 \u00d7 1.00 + 1.62 = 5.95 \u2192 0.9974"
    assert scene.sum_text("input") == "2.00 \u00d7 1.00 + 1.65 \u00d7 1.00 + 0.62 = 4.27 \u2192 0.9862"
    assert scene.sum_text("candidate") == "1.41 \u00d7 1.00 + 0.94 \u00d7 1.00 + (-0.32) = 2.03 \u2192 0.9661"
    assert scene.sum_text("output") == "4.38 \u00d7 1.00 + (-0.19) \u00d7 1.00 + 0.59 = 4.78 \u2192 0.9917"
    f, i, g, c, o, h = 0.997401, 0.986211, 0.966087, 2.947567, 0.991674, 0.986229
    assert scene.product_text("long_remembered") == f"0.9974 \u00d7 2.0000 = {format_number(f * 2.0)}"
    assert scene.product_text("long_added") == f"+ 0.9862 \u00d7 0.9661 = {format_number(i * g)}"
    assert format_number(f * 2.0 + i * g) == format_number(c)
    assert scene.product_text("short_out") == f"0.9917 \u00d7 0.9945 = {format_number(h)}"
    assert scene.value_labels["output"].text() == format_number(o)
    assert format_number(o * math.tanh(c)) == format_number(h)
    window.set_step(0)
    assert scene.sum_text("forget") == ""  # nothing to add up before the first input
    scene.set_show_sums(False)
    window.set_step(1)
    assert scene.sum_text("forget") == ""
    assert scene.product_text("long_remembered") == "kept 1.9948"


def test_show_names_labels_every_field_with_its_notebook_name(window):
    scene = window.scene
    assert all(scene.name_text(g, r) == "" for g in GATES for r in ROLES)
    scene.set_show_names(True)
    for name, (gate, role) in NOTEBOOK_NAMES.items():
        assert scene.name_text(gate, role) == name
    scene.set_show_names(False)
    assert scene.name_text("forget", "w_short") == ""


# -- direct manipulation ----------------------------------------------------------------


def test_a_drag_of_n_moves_is_n_updates_and_one_undo_step(window, qtbot):
    field = window.weight_field("forget", "bias")
    start_count = window.undo_stack.count()
    drags: list[tuple[str, str, float, int]] = []
    window.scene.weight_dragged.connect(lambda *args: drags.append(args))
    with qtbot.waitSignal(window.scene.dragging_changed, check_params_cb=lambda on: on is True):
        field.begin_scrub()
    for _ in range(10):
        field.scrub_move(1.0)
    with qtbot.waitSignal(window.scene.dragging_changed, check_params_cb=lambda on: on is False):
        field.end_scrub()
    assert [round(d[2], 10) for d in drags] == [round(1.62 + 0.01 * k, 10) for k in range(1, 11)]
    assert len({d[3] for d in drags}) == 1  # one drag id
    assert window.session.params.get("forget", "bias") == pytest.approx(1.72)
    assert field.text() == "1.72"
    assert window.value_label("forget").text() != "0.9974"
    assert window.undo_stack.count() == start_count + 1
    window.undo_stack.undo()
    assert window.session.params.get("forget", "bias") == 1.62
    assert window.value_label("forget").text() == "0.9974"
    # A second drag is a step of its own.
    field.begin_scrub()
    field.scrub_move(-2.0)
    field.end_scrub()
    assert window.undo_stack.count() == start_count + 1  # the undone step was replaced
    assert len({d[3] for d in drags}) == 2


def test_shift_scrubs_finer_and_ctrl_coarser(window):
    field = window.weight_field("input", "w_short")  # 2.00
    field.begin_scrub()
    field.scrub_move(10.0, Qt.KeyboardModifier.ShiftModifier)
    assert window.session.params.get("input", "w_short") == pytest.approx(2.01)
    field.scrub_move(10.0, Qt.KeyboardModifier.ControlModifier)
    assert window.session.params.get("input", "w_short") == pytest.approx(3.01)
    field.scrub_move(-1.0)
    assert window.session.params.get("input", "w_short") == pytest.approx(3.00)
    field.end_scrub()


def _mouse(field, kind, x: float, buttons=Qt.MouseButton.LeftButton) -> None:
    local = QPointF(x, field.height() / 2)
    event = QMouseEvent(
        kind,
        local,
        local,
        QPointF(100 + x, 100),  # screen pixels: 1 px of x is 1 px on screen
        Qt.MouseButton.LeftButton if kind != QMouseEvent.Type.MouseMove else Qt.MouseButton.NoButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(field, event)


def test_dragging_with_the_mouse_scrubs_with_the_scrub_cursor(window, qtbot):
    field = window.weight_field("output", "w_short")  # 4.38
    assert field.cursor().shape() == Qt.CursorShape.SizeHorCursor
    start_count = window.undo_stack.count()
    _mouse(field, QMouseEvent.Type.MouseButtonPress, 20)
    for x in range(22, 42, 2):  # 10 moves of 2 px; the first passes the threshold
        _mouse(field, QMouseEvent.Type.MouseMove, x)
    _mouse(field, QMouseEvent.Type.MouseButtonRelease, 40, Qt.MouseButton.NoButton)
    assert window.session.params.get("output", "w_short") == pytest.approx(4.38 + 0.20)
    assert window.undo_stack.count() == start_count + 1
    window.undo_stack.undo()
    assert window.session.params.get("output", "w_short") == 4.38


def test_a_click_without_moving_edits_the_text_instead(window, qtbot):
    field = window.weight_field("output", "w_short")
    _mouse(field, QMouseEvent.Type.MouseButtonPress, 20)
    _mouse(field, QMouseEvent.Type.MouseMove, 21)
    _mouse(field, QMouseEvent.Type.MouseButtonRelease, 21, Qt.MouseButton.NoButton)
    assert window.session.params == NOTEBOOK_PARAMS
    assert not field.is_scrubbing()


def test_up_and_down_step_the_focused_weight_one_undo_step_per_press(window, qtbot):
    field = window.weight_field("candidate", "bias")  # -0.32
    window.diagram.setFocus()
    window.scene.setFocusItem(field.graphicsProxyWidget())
    start_count = window.undo_stack.count()
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert window.session.params.get("candidate", "bias") == pytest.approx(-0.31)
    qtbot.keyClick(field, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    assert window.session.params.get("candidate", "bias") == pytest.approx(-0.309)
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.session.params.get("candidate", "bias") == pytest.approx(-0.409)
    assert window.undo_stack.count() == start_count + 3
    window.undo_stack.undo()
    assert window.session.params.get("candidate", "bias") == pytest.approx(-0.309)


def test_read_only_fields_do_not_scrub(window):
    window.set_preview_params(NOTEBOOK_PARAMS.with_value("forget", "bias", 0.5))
    field = window.weight_field("forget", "bias")
    assert field.isReadOnly() and not field.can_scrub()
    assert field.cursor().shape() != Qt.CursorShape.SizeHorCursor
    count = window.undo_stack.count()
    field.begin_scrub()
    field.scrub_move(10.0)
    field.end_scrub()
    assert window.undo_stack.count() == count
    window.set_preview_params(None)
    assert field.can_scrub()


# -- what changed -----------------------------------------------------------------------


def test_a_step_flashes_the_changed_values_with_their_previous_value(qtbot):
    win = MainWindow(Session(inputs=[1.0, 0.5, 0.25, 1.0], long0=0.0, short0=0.0))
    win.show_error = lambda title, text: None
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.set_step(1)
    scene = win.scene
    qtbot.waitUntil(lambda: not scene.flashing_labels(), timeout=20000)
    forget = win.value_label("forget")
    assert forget.text() == "0.9627"  # Company B step 1 (reference.md: f=0.962673)
    win.set_step(2)
    assert forget.text() == "0.9601"  # the label is always the current value
    assert scene.was_text(forget) == "was 0.9627"
    assert scene.was_text(win.value_label("long")) == "was 0.4995"
    assert forget in scene.flashing_labels()
    assert win.value_label("long") in scene.flashing_labels()
    win.set_step(3)  # stepping on while it flashes: "was" is the step before
    assert scene.was_text(forget) == "was 0.9601"
    assert forget.text() == "0.9754"
    qtbot.waitUntil(lambda: not scene.flashing_labels(), timeout=20000)
    assert scene.was_text(forget) == ""
    assert forget.text() == "0.9754"
    win.undo_stack.setClean()


def test_during_a_drag_was_keeps_the_value_before_the_drag(window, qtbot):
    scene = window.scene
    qtbot.waitUntil(lambda: not scene.flashing_labels(), timeout=20000)
    field = window.weight_field("forget", "w_short")
    field.begin_scrub()
    for _ in range(5):
        field.scrub_move(3.0)
    field.end_scrub()
    forget = window.value_label("forget")
    assert forget.text() != "0.9974"
    assert scene.was_text(forget) == "was 0.9974"


# -- step 0 -----------------------------------------------------------------------------


def test_step_zero_shows_a_hint_and_blank_values(window):
    scene = window.scene
    assert scene.hint_text() == ""
    window.set_step(0)
    assert scene.hint_text() == STEP0_HINT
    assert "Step 0" in scene.hint_text()
    assert window.value_label("forget").text() == BLANK  # documented: "—" before the first input
    assert window.value_label("x").text() == BLANK
    assert window.value_label("long").text() == "2.0000"  # the initial memories are shown
    window.set_step(1)
    assert scene.hint_text() == ""


def test_a_mouse_drag_in_the_diagram_view_scrubs_by_screen_pixels(window, qtbot):
    field = window.weight_field("forget", "bias")  # 1.62
    view = window.diagram
    viewport = view.viewport()
    centre = view.mapFromScene(field.graphicsProxyWidget().sceneBoundingRect().center())
    count = window.undo_stack.count()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=centre)
    for dx in range(2, 42, 2):
        qtbot.mouseMove(viewport, centre + QPoint(dx, 0))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=centre + QPoint(40, 0))
    assert window.session.params.get("forget", "bias") == pytest.approx(1.62 + 0.40)  # 40 px, 0.01 each
    assert field.text() == "2.02" and not field.hasFocus()
    assert window.undo_stack.count() == count + 1
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre)  # a click: type instead
    assert field.hasFocus()
    assert window.session.params.get("forget", "bias") == pytest.approx(2.02)


def test_a_huge_weight_fits_its_field_with_the_exact_value_in_the_tooltip(window):
    window.session.set_weight("forget", "bias", -123456789.5)
    field = window.weight_field("forget", "bias")
    assert field.text() == "-1.23e8"
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    room = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field).width()
    for value in (-123456789.5, -2.7051, -1234.5678, -123456.7, 123456.0, 1e17, -1e308):
        window.session.set_weight("forget", "bias", value)
        # QLineEdit keeps 2 px each side of the text inside its contents.
        assert field.fontMetrics().horizontalAdvance(field.text()) <= room - 4, field.text()
    window.session.set_weight("forget", "bias", -123456789.5)
    assert field.toolTip().startswith("Exact value: -123456789.5\nblr1: forget gate, bias")
