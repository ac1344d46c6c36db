"""Lessons (issue 14): chapters in the session file, their set-up and their questions."""

from __future__ import annotations

import copy
import json

import pytest

from lstm_gui.core.cell import run
from lstm_gui.core.chapters import Chapter, ChapterState, Goal, Prediction, answer
from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import (
    dumps_session,
    example_names,
    load_example,
    load_session,
    loads_session,
    save_session,
)
from lstm_gui.core.lessons import Lesson, record_state, sequence_trace, state_session
from lstm_gui.core.session import Session

TOUR = "statquest-tour"


def _lesson_data() -> dict:
    return json.loads(dumps_session(load_example(TOUR)))


def test_the_tour_is_a_shipped_example_with_six_chapters_and_inputs():
    assert TOUR in example_names()
    tour = load_example(TOUR)
    assert tour.inputs
    assert [c.title for c in tour.chapters][:2] == [
        "The cell: two memory lines",
        "Company A, step by step: the forget gate",
    ]
    assert len(tour.chapters) == 6


def test_each_tour_chapter_sets_up_its_sequence_and_the_reference_numbers():
    lesson = Lesson(load_example(TOUR))
    # Chapter 2 asks about Company A's forget gate at step 1: 0.834795 (reference.md).
    trace = lesson.chapter_trace(1)
    assert lesson.chapters[1].state.sequence == "Company A"
    assert trace[0].forget == pytest.approx(0.834795, abs=1e-6)
    assert answer(lesson.chapters[1].prediction, "yes", trace).right
    # Chapter 3: Company B's output 0.969393; chapter 4: its long-term memory 2.409093.
    assert lesson.chapters[2].prediction.real_value(lesson.chapter_trace(2)) == pytest.approx(0.969393, abs=1e-6)
    assert lesson.chapters[3].prediction.real_value(lesson.chapter_trace(3)) == pytest.approx(2.409093, abs=1e-6)
    # Chapter 5 starts from StatQuest's draws with the video's settings: outputs -0.0377 and -0.0383.
    start = lesson.chapter_session(4)
    assert start.training.init == "statquest" and start.training.lr == 0.001 and start.training.epochs == 5000
    outputs = [run(start.params, item.inputs).final()[1] for item in start.dataset]
    assert outputs == pytest.approx([-0.0377, -0.0383], abs=1e-4)
    assert all(lesson.chapter_session(k).chapters == lesson.chapters for k in range(len(lesson)))


def test_a_lesson_round_trip_through_a_file_is_exact(tmp_path):
    session = load_example("companies")
    chapters = [
        Chapter("Start", "Some *text*", record_state(session, "Company B", 2), highlight=("forget",)),
        Chapter(
            "Guess",
            "- a bullet",
            record_state(session, "free", 0),
            prediction=Prediction("More than half?", "yes/no", "forget", 1, op=">=", value=0.5),
            hidden=("dock_plot",),
            locked=("weight_forget_bias",),
            advance_when=Goal(step=1),
        ),
        Chapter("Pick", state=ChapterState(sequence="Company A", step=4, stage="output")),
        Chapter("Drag", prediction=Prediction("How much?", "number", "short", 1, tolerance=0.05, minimum=0, maximum=2)),
        Chapter(
            "Choose",
            prediction=Prediction("Which?", "choice", "long", 1, choices=("a", "b"), answer=1),
            advance_when=Goal(trained=True),
        ),
    ]
    session.set_chapters(chapters)
    path = tmp_path / "lesson.json"
    save_session(session, path)
    loaded = load_session(path)
    assert loaded.chapters == session.chapters
    assert dumps_session(loaded) == path.read_text(encoding="utf-8")


def test_lstm_gui_trace_reads_a_lesson_file_as_a_session(tmp_path, capsys):
    from lstm_gui.cli import main

    path = tmp_path / "lesson.json"
    save_session(load_example(TOUR), path)
    assert main(["trace", str(path)]) == 0
    assert "0.9694" in capsys.readouterr().out  # the tour's free inputs are Company B's


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["chapters"][2]["prediction"].update(kind="maybe"), "chapters[2].prediction.kind: expected one of"),
        (lambda d: d["chapters"][1]["prediction"].update(key="forgot"), "chapters[1].prediction.key: expected one of"),
        (lambda d: d["chapters"][1]["prediction"].update(op="=="), "chapters[1].prediction.op: expected one of"),
        (lambda d: d["chapters"][1]["prediction"].update(step=9), "chapters[1].prediction.step: the sequence"),
        (
            lambda d: d["chapters"][3]["prediction"].update(answer=3),
            "chapters[3].prediction.answer: expected the index",
        ),
        (lambda d: d["chapters"][0]["state"].update(sequence="Company C"), "chapters[0].state.sequence: no sequence"),
        (lambda d: d["chapters"][0]["state"].update(step=5), "chapters[0].state.step: the sequence"),
        (
            lambda d: d["chapters"][0]["state"]["weights"]["forget"].update(bias="x"),
            "chapters[0].state.weights.forget.bias",
        ),
        (lambda d: d["chapters"][0].update(title=""), "chapters[0].title: expected the chapter's title"),
        (lambda d: d["chapters"][0].update(colour="red"), "chapters[0]: unknown key 'colour'"),
        (lambda d: d["chapters"][0].update(locked="all"), "chapters[0].locked: expected a list of names"),
        (lambda d: d["chapters"][4].update(advance_when={}), "chapters[4].advance_when: expected 'step' or 'trained'"),
        (lambda d: d["chapters"][4].update(advance_when={"trained": 1}), "chapters[4].advance_when.trained: expected"),
        (lambda d: d.update(chapters={}), "chapters: expected a list of chapters"),
    ],
)
def test_bad_chapter_data_names_its_place(change, message):
    data = _lesson_data()
    change(data)
    with pytest.raises(SessionFileError) as refused:
        loads_session(json.dumps(data))
    assert message in str(refused.value)


def test_a_version_2_file_without_chapters_still_loads_and_has_none():
    data = json.loads(dumps_session(load_example("companies")))
    data["format_version"] = 2
    assert loads_session(json.dumps(data)).chapters == ()
    assert "chapters" not in json.loads(dumps_session(loads_session(json.dumps(data))))


def test_a_missing_part_of_a_chapter_comes_from_the_lessons_own_session():
    base = load_example("companies")
    state = ChapterState(memories=(0.5, -0.25), sequence="free", step=1)
    session = state_session(state, base)
    assert (session.long0, session.short0) == (0.5, -0.25)
    assert session.params == base.params and session.dataset == base.dataset
    assert sequence_trace(session, "free")[0].long_prev == 0.5
    assert sequence_trace(session, "Company A")[0].long_prev == 0.0  # dataset items start from 0


def test_the_session_announces_new_chapters_and_update_from_takes_them():
    session, other = Session(), Session()
    seen = []
    session.events.chapters_changed.connect(seen.append)
    other.set_chapters([Chapter("One")])
    session.update_from(other)
    assert seen == [(Chapter("One"),)]
    session.update_from(Session())
    assert session.chapters == () and len(seen) == 2


def test_guesses_are_checked_each_their_way():
    trace = run(load_example("companies").params, [0.0])
    yes_no = Prediction("Keep more than half?", "yes/no", "forget", 1, op=">", value=0.5)
    assert answer(yes_no, "yes", trace).right and not answer(yes_no, "no", trace).right
    number = Prediction("Forget?", "number", "forget", 1, tolerance=0.05)
    assert answer(number, 0.8, trace).right and not answer(number, 0.7, trace).right
    choice = Prediction("Which?", "choice", "forget", 1, choices=("low", "high"), answer=1)
    result = answer(choice, "high", trace, chapter=3)
    assert result.right and result.chapter == 3 and result.right_answer == "high"
    with pytest.raises(FieldError, match="choices: a choice question needs at least 2"):
        Prediction("Which?", "choice", "forget", 1, choices=("one",), answer=0)


def test_the_tour_file_is_unchanged_by_a_load_and_save():
    from lstm_gui.core.resources import example_text

    text = example_text(TOUR)
    assert dumps_session(loads_session(text)) == text
    assert copy.deepcopy(json.loads(text))["format_version"] == 5


def test_guesses_round_trip_through_settings_text_and_bad_text_is_skipped():
    from lstm_gui.core.chapters import Answer
    from lstm_gui.core.lessons import answers_from_text, answers_to_text

    answers = {
        1: Answer(1, "Keep more than half?", "yes", 0.8348, "yes", True),
        2: Answer(2, "Company B's output?", 0.5, 0.969393, 0.969393, False),
    }
    assert answers_from_text(answers_to_text(answers)) == answers
    assert answers_from_text("") == {} and answers_from_text("not json") == {}
    assert answers_from_text('[{"chapter": -1}, {"chapter": 2, "guess": null}, 3]') == {}
