"""``lstm-gui stages``: each time step in its three stages, the same text the
window's Step Into shows; bad --step values as one line and exit 2."""

from __future__ import annotations

import pytest

from lstm_gui.cli import main
from lstm_gui.core.cell import NOTEBOOK_PARAMS, run
from lstm_gui.core.stages import stage_formulas


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_step_is_written_as_its_three_stages_with_the_cores_formulas(capsys):
    code, out, err = run_cli(capsys, "stages", "--example", "notebook")
    assert code == 0 and err == ""
    step = run(NOTEBOOK_PARAMS, [1.0], 2.0, 1.0)[0]
    lines = out.splitlines()
    assert lines[0] == "step 1: x = 1.0000, long-term 2.0000, short-term 1.0000"
    assert lines[1] == "  Stage 1 of 3: forget"
    assert lines[2:4] == [f"    {line}" for line in stage_formulas(1, NOTEBOOK_PARAMS, step)]
    assert "  Stage 2 of 3: remember something new" in lines
    assert lines[-1] == "    short = 0.9917 x 0.9945 = 0.9862"


def test_step_picks_one_step_of_the_sequence(capsys):
    code, out, _ = run_cli(
        capsys, "stages", "--example", "companies", "--inputs", "1,0.5,0.25,1", "--long", "0", "--short", "0"
    )
    assert code == 0 and out.count("Stage 1 of 3") == 4
    code, out, _ = run_cli(
        capsys,
        "stages",
        "--example",
        "companies",
        "--inputs",
        "1,0.5,0.25,1",
        "--long",
        "0",
        "--short",
        "0",
        "--step",
        "2",
    )
    assert code == 0 and out.count("Stage 1 of 3") == 1
    assert out.startswith("step 2: x = 0.5000, long-term 0.4995, short-term 0.2764\n")
    assert "    long = 0.4796 + 0.4340 = 0.9136\n" in out


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("0", "--step: expected 1 to 1 (the input sequence's steps), got 0"),
        ("2", "--step: expected 1 to 1"),
        ("1.5", "--step: expected a whole number, got '1.5'"),
        ("x" * 300, "--step: expected a whole number"),
    ],
)
def test_a_bad_step_is_refused_on_one_line(capsys, step, message):
    code, out, err = run_cli(capsys, "stages", "--step", step)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and len(err) < 300
    assert err.startswith("lstm-gui: error: ") and message in err


def test_sequence_picks_a_dataset_sequence_from_memories_zero(capsys):
    code, out, err = run_cli(capsys, "stages", "--example", "companies", "--sequence", "Company A")
    assert code == 0 and err == ""
    from_inputs = run_cli(
        capsys, "stages", "--example", "companies", "--inputs", "0,0.5,0.25,1", "--long", "0", "--short", "0"
    )[1]
    assert out == from_inputs and out.count("Stage 1 of 3") == 4
    code, _, err = run_cli(capsys, "stages", "--example", "companies", "--sequence", "Nobody")
    assert code == 2 and err.count("\n") == 1 and "--sequence: no dataset sequence named" in err


def test_huge_numbers_are_written_in_exponent_form(capsys):
    code, out, _ = run_cli(capsys, "stages", "--example", "companies", "--inputs", "1e300")
    assert code == 0 and "x = 1.0000e+300" in out and "0" * 20 not in out
