"""What an animation holds, without a screen: size and speed rules, the
sequence stepped, the frame positions, the replay's rows."""

from __future__ import annotations

import pytest

from lstm_gui.core.animation import (
    FREE_INPUTS,
    FramePosition,
    animated_sequence,
    check_fps,
    frame_caption,
    frame_count,
    frame_duration_ms,
    frame_positions,
    parse_size,
    sample_rows,
    svg_file_name,
)
from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.limits import MAX_ANIMATION_FRAMES


@pytest.mark.parametrize(("text", "size"), [("800x450", (800, 450)), (" 640 X 360 ", (640, 360)), ("64×64", (64, 64))])
def test_a_size_is_width_x_height_in_pixels(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("800", "expected WIDTHxHEIGHT"),
        ("800x", "expected WIDTHxHEIGHT"),
        ("-800x450", "expected WIDTHxHEIGHT"),
        ("800.5x450", "expected WIDTHxHEIGHT"),
        ("10x450", "the width must be 64 to 3840 pixels, got 10"),
        ("800x99999", "the height must be 64 to 3840 pixels, got 99999"),
    ],
)
def test_a_bad_size_is_refused_with_the_reason(text, reason):
    with pytest.raises(FieldError) as info:
        parse_size(text, "--size")
    assert info.value.where == "--size"
    assert reason in info.value.reason


def test_fps_must_be_finite_and_within_its_range():
    assert check_fps(2) == 2.0
    for bad in (0, -1, 51, float("nan"), float("inf"), "2", True):
        with pytest.raises(FieldError):
            check_fps(bad)


def test_frame_durations_are_whole_hundredths_of_a_second_as_gif_stores_them():
    assert frame_duration_ms(1) == 1000
    assert frame_duration_ms(3) == 330
    assert frame_duration_ms(0.5) == 2000
    assert frame_duration_ms(50) == 20


def test_a_dataset_sequence_starts_from_memories_0_and_the_free_inputs_from_the_sessions():
    session = load_example("companies")
    b = animated_sequence(session, "Company B")
    item = next(item for item in session.dataset if item.name == "Company B")
    assert (b.name, b.inputs, b.long0, b.short0) == ("Company B", item.inputs, 0.0, 0.0)
    session.set_memories(0.5, -0.25)
    free = animated_sequence(session)
    assert (free.name, free.inputs, free.long0, free.short0) == (FREE_INPUTS, session.inputs, 0.5, -0.25)


def test_an_unknown_empty_or_too_long_sequence_is_refused():
    session = load_example("companies")
    with pytest.raises(FieldError, match="no dataset sequence named 'Company X'; available: 'Company A', 'Company B'"):
        animated_sequence(session, "Company X", "--sequence")
    session.set_inputs([])
    with pytest.raises(FieldError, match="empty"):
        animated_sequence(session)
    session.set_inputs([0.5] * MAX_ANIMATION_FRAMES)
    with pytest.raises(FieldError, match=f"more than the limit of {MAX_ANIMATION_FRAMES}"):
        animated_sequence(session)


def test_the_frames_are_the_start_and_each_step_at_stage_0():
    assert list(frame_positions(4)) == [FramePosition(k, 0) for k in range(5)]


def test_each_frame_caption_names_the_sequence_the_step_and_its_input():
    sequence = animated_sequence(load_example("companies"), "Company B")
    captions = [frame_caption(sequence, position) for position in frame_positions(len(sequence.inputs))]
    assert captions[0] == "Company B \u2014 start: long-term memory 0, short-term memory 0"
    assert captions[2] == f"Company B \u2014 step 2 of 4: input {sequence.inputs[1]:g}"


def test_with_stages_each_step_shows_stages_1_2_3_then_the_whole_step():
    positions = list(frame_positions(2, stages=True))
    assert positions == [
        FramePosition(0, 0),
        FramePosition(1, 1),
        FramePosition(1, 2),
        FramePosition(1, 3),
        FramePosition(1, 0),
        FramePosition(2, 1),
        FramePosition(2, 2),
        FramePosition(2, 3),
        FramePosition(2, 0),
    ]
    for n in (0, 1, 4, 30):
        assert frame_count(n, stages=True) == len(list(frame_positions(n, stages=True))) == 1 + 4 * n
        assert frame_count(n) == len(list(frame_positions(n))) == 1 + n
    # The whole steps are the same positions with or without stages.
    assert [p for p in frame_positions(4, stages=True) if p.stage == 0] == list(frame_positions(4))


def test_a_stage_frames_caption_names_the_step_and_the_stage_in_the_videos_words():
    sequence = animated_sequence(load_example("companies"), "Company B")
    assert frame_caption(sequence, FramePosition(2, 1)) == "Company B \u2014 step 2 of 4, stage 1 of 3: forget"
    assert (
        frame_caption(sequence, FramePosition(2, 2))
        == "Company B \u2014 step 2 of 4, stage 2 of 3: remember something new"
    )
    assert frame_caption(sequence, FramePosition(4, 3)) == "Company B \u2014 step 4 of 4, stage 3 of 3: output"
    assert frame_caption(sequence, FramePosition(2, 0)).endswith(f"step 2 of 4: input {sequence.inputs[1]:g}")


def test_svg_names_without_stages_are_as_before_and_with_stages_sort_in_play_order():
    assert [svg_file_name(p) for p in frame_positions(2)] == ["step_00.svg", "step_01.svg", "step_02.svg"]
    names = [svg_file_name(p, 2, stages=True) for p in frame_positions(2, stages=True)]
    assert names[:6] == [
        "step_00.svg",
        "step_01_stage_1.svg",
        "step_01_stage_2.svg",
        "step_01_stage_3.svg",
        "step_01_whole.svg",
        "step_02_stage_1.svg",
    ]
    assert sorted(names) == names and len(set(names)) == len(names)
    assert svg_file_name(FramePosition(7, 2), 3, stages=True) == "step_007_stage_2.svg"


def test_stages_count_four_frames_a_step_against_the_frame_limit():
    session = load_example("notebook")
    steps = (MAX_ANIMATION_FRAMES - 1) // 4
    session.set_inputs([0.5] * steps)
    assert frame_count(len(animated_sequence(session, stages=True).inputs), stages=True) <= MAX_ANIMATION_FRAMES
    session.set_inputs([0.5] * (steps + 1))
    animated_sequence(session)  # fine without stages
    with pytest.raises(FieldError, match="steps with their stages make"):
        animated_sequence(session, stages=True)


def test_a_replay_samples_at_most_the_limit_of_rows_always_the_first_and_the_last():
    assert sample_rows(0) == []
    assert sample_rows(5) == [0, 1, 2, 3, 4]
    rows = sample_rows(5001, 100)
    assert len(rows) == 100 and rows[0] == 0 and rows[-1] == 5000
    assert rows == sorted(set(rows))


def test_an_animation_with_too_many_pixels_in_all_frames_is_refused_naming_size_and_frames():
    from lstm_gui.core.animation import check_pixel_budget
    from lstm_gui.core.limits import MAX_ANIMATION_FRAMES, MAX_ANIMATION_PIXELS

    check_pixel_budget(MAX_ANIMATION_FRAMES, (800, 450))  # the default size at the frame limit fits
    check_pixel_budget(48, (3840, 2160))
    with pytest.raises(FieldError) as refused:
        check_pixel_budget(201, (3840, 2160), "--size")
    assert refused.value.where == "--size"
    assert "201 frames of 3840x2160" in refused.value.reason and "at most 48 frames" in refused.value.reason
    assert "\n" not in str(refused.value)
    assert 48 * 3840 * 2160 <= MAX_ANIMATION_PIXELS < 49 * 3840 * 2160
