"""Show Gradients after a step back: the "was 0.9963" notes of the step
must not hide a gradient note (the bias's ∂L in each gate block, the ∂L at
the short-term memory's start)."""

from __future__ import annotations

from lstm_gui.core.files.session_file import load_example


def visible_gradient_rects(overlay):
    notes = [*overlay.weight_notes.values(), *overlay.memory_notes.values(), overlay.loss_note]
    return [note.sceneBoundingRect() for note in notes if note.isVisible()]


def covered(window):
    scene = window.scene
    others = [note.sceneBoundingRect() for note, *_ in scene._flash_note.values() if note.isVisible()]
    others += [label.graphicsProxyWidget().sceneBoundingRect() for label in scene.value_labels.values()]
    return [
        (rect, other)
        for rect in visible_gradient_rects(window.gradients.overlay)
        for other in others
        if rect.intersects(other)
    ]


def test_no_gradient_note_is_under_a_was_note_or_a_value_after_a_step_back(make_window):
    window = make_window(load_example("companies"))
    window.stepper.select_sequence("Company B")
    window.action_show_gradients.trigger()
    window.set_step(4)
    window.step_back()
    assert window.scene.flashing_labels()  # the step back flashed its values
    assert len(visible_gradient_rects(window.gradients.overlay)) == 12 + 4 + 1
    assert covered(window) == []


def test_was_notes_shown_before_the_gradients_give_way_to_them(make_window):
    window = make_window(load_example("companies"))
    window.stepper.select_sequence("Company B")
    window.set_step(4)
    window.step_back()
    window.action_show_gradients.trigger()
    assert covered(window) == []
