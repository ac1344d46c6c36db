"""``lstm-gui animate``: a GIF of exactly the requested size with a distinct
frame for the start and each step, one SVG per step, one-line refusals, and
Qt loaded only when the command runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PIL import Image

from lstm_gui.cli import main
from lstm_gui.core.files.session_file import load_example, save_session


def _frames(path) -> list[bytes]:
    with Image.open(path) as gif:
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(gif.convert("RGB").tobytes())
        return frames


def test_company_b_at_800x450_is_an_800x450_gif_with_a_distinct_frame_per_step_and_the_start(tmp_path, capsys):
    out = tmp_path / "company_b.gif"
    code = main(["animate", "--example", "companies", "--sequence", "Company B", "--size", "800x450", str(out)])
    assert code == 0, capsys.readouterr().err
    with Image.open(out) as gif:
        assert gif.size == (800, 450)
        assert gif.info["loop"] == 0
        assert gif.info["duration"] == 1000
    frames = _frames(out)
    assert len(frames) == 5 and len(set(frames)) == 5
    assert f"wrote {out}: 5 frames, 800x450, 1 fps" in capsys.readouterr().err


def test_the_free_inputs_of_a_session_file_at_another_size_and_speed(tmp_path, capsys):
    session = tmp_path / "s.json"
    example = load_example("notebook")
    example.set_inputs([1.0, 0.5, -0.5])
    save_session(example, session)
    out = tmp_path / "free.gif"
    assert main(["animate", str(session), "--size", "321x200", "--fps", "4", str(out)]) == 0, capsys.readouterr().err
    with Image.open(out) as gif:
        assert gif.size == (321, 200) and gif.info["duration"] == 250
    assert len(set(_frames(out))) == 4


def test_a_gif_with_too_many_pixels_is_refused_in_one_line_before_any_work(tmp_path, capsys):
    session = tmp_path / "long.json"
    example = load_example("notebook")
    example.set_inputs([0.5] * 200)
    save_session(example, session)
    out = tmp_path / "big.gif"
    assert main(["animate", str(session), "--size", "3840x2160", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--size: 201 frames of 3840x2160 are 1,667 million pixels, more than the limit of 400 million" in err
    assert not out.exists()


def test_svg_dir_writes_one_slide_per_step_with_or_without_the_gif(tmp_path, capsys):
    slides = tmp_path / "slides" / "new"
    assert main(["animate", "--example", "companies", "--sequence", "Company A", "--svg-dir", str(slides)]) == 0
    names = sorted(p.name for p in slides.iterdir())
    assert names == [f"step_0{k}.svg" for k in range(5)]
    text = (slides / "step_02.svg").read_text()
    assert '<svg width="800" height="450"' in text and 'viewBox="0 0 800 450"' in text
    assert "<title>LSTM cell - Company A \u2014 step 2 of 4: input 0.5</title>" in text
    assert not list(tmp_path.glob("*.gif"))


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--size", "800"], "--size: expected WIDTHxHEIGHT in pixels such as 800x450, got '800'"),
        (["--size", "8x8"], "--size: the width must be 64 to 3840 pixels, got 8"),
        (["--fps", "0"], "--fps: expected 0.1 to 50 frames per second, got 0"),
        (["--fps", "abc"], "--fps: expected a finite number, got 'abc'"),
        (["--sequence", "Company X"], "--sequence: no dataset sequence named 'Company X'"),
        ([], "nothing to write: give OUT.gif and/or --svg-dir DIR"),
        (["OUT_PNG"], "OUT.gif: expected a file name ending in .gif"),
        (["MISSING_FOLDER"], "OUT.gif: cannot write"),
        (["FOLDER_GIF"], "OUT.gif: cannot write"),
        (["--svg-dir", "A_FILE"], "--svg-dir:"),
        (["UNWRITABLE"], "cannot write"),
    ],
)
def test_a_bad_argument_is_exit_2_and_one_line(tmp_path, capsys, argv, expected):
    (tmp_path / "folder.gif").mkdir()
    (tmp_path / "a_file").write_text("x")
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    paths = {
        "OUT_PNG": str(tmp_path / "out.png"),
        "MISSING_FOLDER": str(tmp_path / "no" / "out.gif"),
        "FOLDER_GIF": str(tmp_path / "folder.gif"),
        "A_FILE": str(tmp_path / "a_file"),
        "UNWRITABLE": str(readonly / "out.gif"),
    }
    if "UNWRITABLE" in argv and subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() == "0":
        paths["UNWRITABLE"] = "/proc/out.gif"  # root may write anywhere but /proc
    argv = [paths.get(a, a) for a in argv]
    if argv[:1] in (["--size"], ["--fps"], ["--sequence"]):
        argv.append(str(tmp_path / "out.gif"))
    code = main(["animate", "--example", "companies", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("lstm-gui: error: "), err
    assert expected in err
    readonly.chmod(0o700)


def test_the_command_line_package_imports_no_qt_until_animate_runs():
    script = (
        "import json, sys\n"
        "import lstm_gui.cli, lstm_gui.cli.animate\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PIL', 'pyqtgraph'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_replay_animates_a_saved_training_run_epoch_by_epoch(tmp_path, capsys):
    trained = tmp_path / "trained.json"
    args = ["train", "--example", "companies", "--init", "statquest", "--epochs", "300", "--no-progress"]
    assert main([*args, "--out", str(trained)]) == 0
    out = tmp_path / "replay.gif"
    assert main(["animate", str(trained), "--sequence", "Company B", "--replay", "--size", "320x180", str(out)]) == 0
    frames = _frames(out)
    assert len(frames) == 100 and len(set(frames)) == 100  # 301 epochs sampled to 100, each different


def test_replay_without_a_history_is_refused(tmp_path, capsys):
    assert main(["animate", "--example", "companies", "--replay", str(tmp_path / "x.gif")]) == 2
    assert "--replay: the session has no training history" in capsys.readouterr().err


def test_stages_shows_each_steps_three_stages_before_the_whole_step(tmp_path, capsys):
    out = tmp_path / "stages.gif"
    args = ["animate", "--example", "companies", "--sequence", "Company B", "--size", "320x180", "--stages"]
    assert main([*args, str(out)]) == 0, capsys.readouterr().err
    with Image.open(out) as gif:
        assert gif.size == (320, 180)
    frames = _frames(out)
    assert len(frames) == 1 + 4 * 4 and len(set(frames)) == 17
    assert f"wrote {out}: 17 frames, 320x180, 1 fps" in capsys.readouterr().err


def test_stages_svg_dir_names_each_stage_so_the_files_sort_in_play_order(tmp_path, capsys):
    slides = tmp_path / "slides"
    args = ["animate", "--example", "companies", "--sequence", "Company A", "--stages", "--svg-dir", str(slides)]
    assert main(args) == 0, capsys.readouterr().err
    names = sorted(p.name for p in slides.iterdir())
    expected = ["step_00.svg"]
    for step in range(1, 5):
        expected += [f"step_0{step}_stage_{k}.svg" for k in (1, 2, 3)] + [f"step_0{step}_whole.svg"]
    assert names == expected
    text = (slides / "step_02_stage_2.svg").read_text()
    assert "<title>LSTM cell - Company A \u2014 step 2 of 4, stage 2 of 3: remember something new</title>" in text
    assert "Stage 2 of 3: remember something new" in text  # the stage's caption on the diagram
    assert "step 2 of 4: input 0.5</title>" in (slides / "step_02_whole.svg").read_text()
    assert "wrote 17 SVG files" in capsys.readouterr().err


def test_stages_with_replay_is_refused_a_replay_shows_whole_steps(tmp_path, capsys):
    assert main(["animate", "--example", "companies", "--replay", "--stages", str(tmp_path / "x.gif")]) == 2
    err = capsys.readouterr().err
    assert "--stages: a training replay shows whole steps; leave out --stages or --replay" in err
    assert not (tmp_path / "x.gif").exists()
