"""File > Export Animation in the window, the offscreen frame renderer (with
a step's stages drawn as the window draws them), and the application icon."""

from __future__ import annotations

from PIL import Image

from lstm_gui.core.animation import animated_sequence
from lstm_gui.core.cell import NOTEBOOK_PARAMS, CellParams
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.stages import pending_keys
from lstm_gui.training.history import TrainingHistory
from lstm_gui.ui.animation import FrameRenderer, replay_frames, step_frames, svg_names
from lstm_gui.ui.animation_panel import show_animation_panel
from lstm_gui.ui.app import app_icon

EXPORT_TIMEOUT_MS = 60_000


def _frame_bytes(path) -> list[bytes]:
    with Image.open(path) as gif:
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(gif.convert("RGB").tobytes())
        return frames


def test_the_application_icon_loads_and_draws_at_small_and_large_sizes(qapp):
    icon = app_icon()
    assert not icon.isNull()
    for size in (16, 32, 256):
        image = icon.pixmap(size, size).toImage()
        assert (image.width(), image.height()) == (size, size)
        # Not blank: the green and pink lines and the blue and orange blocks are there.
        colors = {image.pixelColor(x, y).name() for x in range(size) for y in range(size)}
        assert len(colors) > 4


def test_a_frame_is_exactly_the_requested_size_in_any_proportion(qapp):
    sequence = animated_sequence(load_example("companies"), "Company B")
    frames = list(step_frames(NOTEBOOK_PARAMS, sequence))
    for width, height in ((800, 450), (300, 600), (1000, 100)):
        renderer = FrameRenderer(width, height)
        try:
            image = renderer.image(frames[1])
            caption, diagram = renderer.layout()
        finally:
            renderer.close()
        assert (image.width(), image.height()) == (width, height)
        assert diagram.width() <= width + 1e-6 and diagram.bottom() <= height + 1e-6
        assert caption.bottom() <= diagram.top() + 1e-6


def test_stage_frames_draw_the_stage_as_step_into_does_and_the_whole_steps_are_unchanged(qapp):
    sequence = animated_sequence(load_example("companies"), "Company B")
    plain = list(step_frames(NOTEBOOK_PARAMS, sequence))
    staged = list(step_frames(NOTEBOOK_PARAMS, sequence, stages=True))
    assert len(staged) == 1 + 4 * 4
    assert [frame for frame in staged if frame.state.stage == 0] == plain
    renderer = FrameRenderer(400, 240)
    try:
        images = []
        for frame in staged:
            image = renderer.image(frame)
            assert (image.width(), image.height()) == (400, 240)
            images.append(bytes(image.constBits()))
            view = renderer.scene.stage_state()
            assert view.stage == frame.state.stage
            if frame.state.stage:
                assert view.caption.startswith(f"Stage {frame.state.stage} of 3")
                assert view.dimmed and set(view.pending) <= set(pending_keys(frame.state.stage))
                assert bool(view.pending) == (frame.state.stage < 3)  # stage 3 computes the last values
            else:
                assert not view.dimmed and view.pending == () and view.caption == ""
            assert not renderer.scene.stage_overlay.pulse_running()  # stills: no pulse
        # A whole step drawn after its stages is the same picture as drawn on its own.
        fresh = FrameRenderer(400, 240)
        try:
            assert bytes(fresh.image(staged[8]).constBits()) == images[8]
        finally:
            fresh.close()
    finally:
        renderer.close()
    assert len(set(images)) == len(images)
    assert svg_names(staged)[5:9] == [
        "step_02_stage_1.svg",
        "step_02_stage_2.svg",
        "step_02_stage_3.svg",
        "step_02_whole.svg",
    ]
    assert svg_names(plain) == [f"step_0{k}.svg" for k in range(5)]


def test_a_replay_shows_the_last_step_at_each_sampled_epoch(qapp):
    sequence = animated_sequence(load_example("companies"), "Company B")
    history = TrainingHistory(("Company A", "Company B"))
    start = NOTEBOOK_PARAMS.to_flat()
    rows = [[w + 0.01 * k for w in start] for k in range(300)]
    history.extend(range(300), [1.0 / (k + 1) for k in range(300)], [[0, 0]] * 300, rows, run_start=True)
    frames = list(replay_frames(history, sequence))
    assert len(frames) == 100
    assert frames[0].state.params == CellParams.from_flat(rows[0])
    assert frames[-1].state.params == CellParams.from_flat(rows[-1])
    assert frames[-1].caption.startswith("Training: epoch 299 of 299")
    assert all(frame.state.step is not None and frame.state.step.x == sequence.inputs[-1] for frame in frames)


def test_export_animation_writes_the_gif_of_the_windows_sequence_and_says_so(make_window, qtbot, tmp_path):
    window = make_window()
    window.open_example("companies", ask=False)
    window.select_sequence("Company B")
    window.action_export_animation.trigger()
    panel = window.animation_panel
    assert panel.isVisible() and not panel.isModal()
    assert "Company B: the start and 4 steps" in panel.what_label.text()
    assert not panel.replay_button.isEnabled()  # no training run yet
    panel.size_box.setCurrentText("400x240")
    panel.fps_box.setValue(2)
    out = tmp_path / "b.gif"
    assert panel.export_to(str(out))
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=EXPORT_TIMEOUT_MS)
    with Image.open(out) as gif:
        assert gif.size == (400, 240) and gif.info["duration"] == 500
    assert len(set(_frame_bytes(out))) == 5
    assert window.statusBar().currentMessage() == f"Wrote {out}: 5 frames, 400x240"
    assert window.errors == []
    assert window.undo_stack.isClean()  # exporting changes nothing


def test_a_bad_size_is_explained_in_the_panel_and_nothing_is_written(make_window, tmp_path):
    window = make_window()
    panel = show_animation_panel(window)
    panel.size_box.setCurrentText("10x10")
    assert panel.error_label.isVisible() and "64 to 3840" in panel.error_label.text()
    assert not panel.save_button.isEnabled()
    assert not panel.export_to(str(tmp_path / "x.gif"))
    assert not (tmp_path / "x.gif").exists()
    panel.size_box.setCurrentText("640x360")
    assert not panel.error_label.isVisible() and panel.save_button.isEnabled()


def test_stopping_an_export_writes_nothing(make_window, qtbot, tmp_path):
    window = make_window()
    panel = show_animation_panel(window)
    out = tmp_path / "stopped.gif"
    assert panel.export_to(str(out))
    panel.stop()
    assert not panel.is_exporting() and not out.exists()
    assert "nothing written" in window.statusBar().currentMessage()


def test_a_missing_folder_is_said_in_one_line_in_the_panel_before_any_frame_is_drawn(
    make_window, monkeypatch, tmp_path
):
    window = make_window()
    panel = show_animation_panel(window)
    drawn = []
    monkeypatch.setattr(FrameRenderer, "image", lambda self, frame: drawn.append(frame))
    assert not panel.export_to(str(tmp_path / "missing" / "x.gif"))
    assert not panel.is_exporting() and drawn == []
    text = panel.error_label.text()
    assert panel.error_label.isVisible() and text.startswith("Cannot write ") and "no folder" in text
    assert "\n" not in text and "Errno" not in text
    assert panel.save_button.isEnabled()  # Save GIF asks for another place
    assert window.errors == []


def test_a_failed_write_is_shown_in_one_line_in_the_panel_not_a_crash(make_window, qtbot, monkeypatch, tmp_path):
    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("lstm_gui.ui.animation.atomic_write_bytes", disk_full)
    window = make_window()
    panel = show_animation_panel(window)
    panel.size_box.setCurrentText("320x180")
    out = tmp_path / "x.gif"
    assert panel.export_to(str(out))
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=EXPORT_TIMEOUT_MS)
    assert panel.error_label.text() == f"Could not write {out}: No space left on device"
    assert window.errors == [] and not out.exists() and panel.save_button.isEnabled()


def test_too_many_pixels_in_all_frames_are_refused_before_rendering(make_window, monkeypatch, tmp_path):
    window = make_window()
    window.session.set_inputs([0.5] * 60)  # 61 frames; 4K allows 48
    panel = show_animation_panel(window)
    drawn = []
    monkeypatch.setattr(FrameRenderer, "image", lambda self, frame: drawn.append(frame))
    panel.size_box.setCurrentText("3840x2160")
    assert not panel.export_to(str(tmp_path / "big.gif"))
    assert drawn == [] and not (tmp_path / "big.gif").exists()
    assert panel.error_label.text() == (
        "61 frames of 3840x2160 are 506 million pixels, more than the limit of 400 million; "
        "choose a smaller size or at most 48 frames"
    )
    window.undo_stack.setClean()


def test_the_training_replay_is_offered_once_the_session_has_a_history(make_window, qtbot, tmp_path):
    window = make_window()
    window.open_example("companies", ask=False)
    panel = show_animation_panel(window)
    history = TrainingHistory(("Company A", "Company B"))
    flat = NOTEBOOK_PARAMS.to_flat()
    history.extend([0, 1, 2], [0.5, 0.25, 0.125], [[0, 0]] * 3, [flat, flat, [w + 0.5 for w in flat]], run_start=True)
    window.session.set_history(history)
    assert panel.replay_button.isEnabled()
    panel.replay_button.setChecked(True)
    assert "at 3 epochs" in panel.what_label.text()
    out = tmp_path / "replay.gif"
    assert panel.export_to(str(out))
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=EXPORT_TIMEOUT_MS)
    assert len(_frame_bytes(out)) == 3


def test_the_stages_checkbox_is_off_by_default_and_adds_each_steps_stages(make_window, qtbot, tmp_path):
    window = make_window()
    window.open_example("companies", ask=False)
    window.select_sequence("Company B")
    panel = show_animation_panel(window)
    assert not panel.stages_box.isChecked() and panel.stages_box.isEnabled()
    panel.stages_box.setChecked(True)
    assert "Company B: the start and 4 steps, 3 stages each (17 frames)" in panel.what_label.text()
    panel.size_box.setCurrentText("320x180")
    out = tmp_path / "stages.gif"
    assert panel.export_to(str(out))
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=EXPORT_TIMEOUT_MS)
    frames = _frame_bytes(out)
    assert len(frames) == 17 and len(set(frames)) == 17
    assert window.statusBar().currentMessage() == f"Wrote {out}: 17 frames, 320x180"
    assert window.errors == [] and window.undo_stack.isClean()


def test_a_replay_shows_whole_steps_so_the_stages_checkbox_is_off_for_it(make_window, qtbot):
    window = make_window()
    window.open_example("companies", ask=False)
    panel = show_animation_panel(window)
    history = TrainingHistory(("Company A", "Company B"))
    flat = NOTEBOOK_PARAMS.to_flat()
    history.extend([0, 1, 2], [0.5, 0.25, 0.125], [[0, 0]] * 3, [flat, flat, [w + 0.5 for w in flat]], run_start=True)
    window.session.set_history(history)
    panel.stages_box.setChecked(True)
    panel.replay_button.setChecked(True)
    assert not panel.stages_box.isEnabled()
    assert len(panel.frames()) == 3  # a replay frame per epoch, whatever the box says
    panel.steps_button.setChecked(True)
    assert panel.stages_box.isEnabled() and len(panel.frames()) == 17
