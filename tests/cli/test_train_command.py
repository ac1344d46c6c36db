"""``lstm-gui train``: the same engine without a window."""

from __future__ import annotations

import json

import pytest

from lstm_gui import cli
from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.core.session import Session
from lstm_gui.training.config import TrainConfig


def train(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["train", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_statquest_run_prints_published_outputs_as_json(capsys):
    code, out, err = train(
        capsys,
        "--example",
        "companies",
        "--init",
        "statquest",
        "--optimizer",
        "adam",
        "--lr",
        "0.001",
        "--epochs",
        "5000",
        "--per-sample",
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "finished" and data["epochs"] == 5000
    assert [round(v, 4) for v in data["outputs"]] == [0.0022, 0.9693]
    assert [round(v, 2) for v in data["weights"]] == list(NOTEBOOK_PARAMS.to_flat())
    assert data["weight_keys"][0] == "forget.w_short" and len(data["weights"]) == 12
    expected_loss = sum((h - y) ** 2 for h, y in zip(data["outputs"], data["targets"]))
    assert data["loss"] == pytest.approx(expected_loss, rel=1e-12)
    assert err == ""  # stderr is not a terminal in tests: no progress unless asked


def test_table_format_and_progress_on_stderr(capsys):
    code, out, err = train(
        capsys,
        "--example",
        "companies",
        "--init",
        "zeros",
        "--optimizer",
        "sgd",
        "--momentum",
        "0.9",
        "--lr",
        "0.1",
        "--epochs",
        "200",
        "--full-batch",
        "--format",
        "table",
        "--progress",
    )
    assert code == 0
    assert "status: finished after 200 epochs" in out and "Company B" in out and "wlr1" in out
    assert "epoch 200/200" in err


def test_torch_engine_gives_the_same_weights(capsys):
    pytest.importorskip("torch")
    args = ["--example", "companies", "--init", "random:3", "--optimizer", "rmsprop", "--lr", "0.01", "--epochs", "30"]
    _, fast, _ = train(capsys, *args)
    _, reference, _ = train(capsys, *args, "--engine", "torch")
    for a, b in zip(json.loads(fast)["weights"], json.loads(reference)["weights"]):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_out_saves_the_trained_session_with_its_history(capsys, tmp_path):
    from lstm_gui.core.files.session_file import load_session

    path = tmp_path / "trained.json"
    code, out, err = train(
        capsys,
        "--example",
        "companies",
        "--init",
        "statquest",
        "--epochs",
        "300",
        "--lr",
        "0.01",
        "--out",
        str(path),
    )
    assert code == 0, err
    data = json.loads(out)
    session = load_session(path)
    assert list(session.params.to_flat()) == data["weights"]
    assert session.training.epochs == 300 and session.training.init == "statquest"
    assert len(session.history) == 301
    assert session.history.weights[-1].tolist() == data["weights"]


def test_stop_below(capsys):
    code, out, _ = train(capsys, "--init", "statquest", "--lr", "0.01", "--epochs", "100000", "--stop-below", "0.05")
    data = json.loads(out)
    assert code == 0 and data["status"] == "stopped_below" and data["loss"] < 0.05 and data["epochs"] < 100000


def test_diverging_run_exits_3_and_writes_nothing(capsys, tmp_path):
    from lstm_gui.core.files.session_file import save_session

    source = tmp_path / "huge.json"
    save_session(Session(dataset=(DatasetItem("far", (1.0, 0.5), 1e10),)), source)
    out_path = tmp_path / "out.json"
    code, out, err = train(
        capsys, str(source), "--optimizer", "sgd", "--lr", "1e300", "--epochs", "50", "--out", str(out_path)
    )
    assert code == 3
    assert out == "" and not out_path.exists()
    assert "diverged" in err and "nothing written" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lr", "abc"], "--lr: expected a finite number"),
        (["--lr", "nan"], "--lr"),
        (["--lr", "-0.1"], "--lr: expected a positive learning rate"),
        (["--lr", "-1e-3"], "--lr: expected a positive learning rate"),
        (["--optimizer", "lbfgs"], "--optimizer"),
        (["--example", "nope"], "nope"),
        (["--epochs", "1.5"], "--epochs"),
        (["--init", "ones"], "--init: expected one of current, statquest, zeros, random:SEED"),
        (["--stop-below", "inf"], "--stop-below"),
    ],
)
def test_bad_flags_exit_2_with_one_line(capsys, argv, message):
    code, out, err = train(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "field", "value", "flag"),
    [
        (["--epochs", "0"], "epochs", 0, "--epochs"),
        (["--epochs", "2000000000"], "epochs", 2_000_000_000, "--epochs"),
        (["--momentum", "1"], "momentum", 1.0, "--momentum"),
        (["--lr", "0"], "lr", 0.0, "--lr"),
        (["--stop-below", "0"], "stop_below", 0.0, "--stop-below"),
        (["--init", "random:-1"], "seed", -1, "--init random seed"),
        (["--init", "random:2147483648"], "seed", 2**31, "--init random seed"),
    ],
)
def test_a_refused_flag_gets_the_config_rule_reason_under_the_flag_name(capsys, argv, field, value, flag):
    with pytest.raises(FieldError) as rule:
        TrainConfig(**{field: value})
    code, out, err = train(capsys, *argv)
    assert code == 2 and out == ""
    assert err == f"lstm-gui: error: {flag}: {rule.value.reason}\n"


def test_zero_epochs_are_refused_with_the_flag_name(capsys):
    code, _, err = train(capsys, "--epochs", "0")
    assert code == 2 and err == "lstm-gui: error: --epochs: expected at least 1, got 0\n"


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_break_works_for_the_rnn_and_gru_with_their_weight_names(capsys, cell):
    from lstm_gui.core.cells import CELLS

    weight = CELLS[cell].param_names[-1]
    code, out, err = train(capsys, "--cell", cell, "--example", "companies", "--epochs", "500", "--break", "epoch == 7")
    assert code == 0, err
    data = json.loads(out)
    assert (data["status"], data["epochs"], data["stopped_by"], data["epoch"]) == ("breakpoint", 7, "epoch == 7", 7)
    code, out, _ = train(
        capsys, "--cell", cell, "--example", "companies", "--epochs", "5", "--break", f"abs({weight}) > 1e9"
    )
    assert code == 0 and "stopped_by" not in json.loads(out)
    code, out, err = train(capsys, "--cell", cell, "--example", "companies", "--break", "wlr1 > 1 or out_0 <")
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("lstm-gui: error: --break: ")


def test_break_epoch_counts_the_sessions_history(capsys, tmp_path):
    path = tmp_path / "trained.json"
    code, _, err = train(capsys, "--example", "companies", "--epochs", "100", "--out", str(path))
    assert code == 0, err
    code, out, err = train(capsys, str(path), "--epochs", "200", "--break", "epoch == 110")
    assert code == 0, err
    data = json.loads(out)
    assert (data["epochs"], data["epoch"], data["stopped_by"]) == (10, 110, "epoch == 110")
    code, out, _ = train(capsys, str(path), "--new-history", "--epochs", "200", "--break", "epoch == 10")
    assert (json.loads(out)["epochs"], json.loads(out)["epoch"]) == (10, 10)
