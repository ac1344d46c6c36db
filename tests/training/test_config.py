"""TrainConfig owns the training rules: each refusal names its field and says why."""

from __future__ import annotations

import dataclasses
import math

import pytest

from lstm_gui.core.dataset import COMPANIES
from lstm_gui.core.errors import FieldError
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.run import TrainingRun


@pytest.mark.parametrize(
    ("changes", "where", "reason"),
    [
        ({"optimizer": "lbfgs"}, "optimizer", "expected one of adam, sgd, rmsprop, adagrad, got 'lbfgs'"),
        ({"init": "ones"}, "init", "expected one of current, statquest, zeros, random, got 'ones'"),
        ({"engine": "jax"}, "engine", "expected one of fast, torch, got 'jax'"),
        ({"lr": 0}, "lr", "expected a positive learning rate, got 0.0"),
        ({"lr": -0.1}, "lr", "expected a positive learning rate, got -0.1"),
        ({"lr": math.inf}, "lr", "expected a finite number, got inf"),
        ({"lr": "fast"}, "lr", "expected a finite number, got 'fast'"),
        ({"momentum": -0.5}, "momentum", "expected at least 0 and below 1, got -0.5"),
        ({"momentum": 1.0}, "momentum", "expected at least 0 and below 1, got 1.0"),
        ({"momentum": math.nan}, "momentum", "expected a finite number, got nan"),
        ({"epochs": 0}, "epochs", "expected at least 1, got 0"),
        ({"epochs": 1_000_000_001}, "epochs", "expected at most 1000000000, got 1000000001"),
        ({"epochs": 1.5}, "epochs", "expected a whole number, got 1.5"),
        ({"epochs": True}, "epochs", "expected a whole number, got true"),
        ({"seed": -1}, "seed", "expected at least 0, got -1"),
        ({"seed": 2**31}, "seed", "expected at most 2147483647, got 2147483648"),
        ({"seed": "7"}, "seed", "expected a whole number, got '7'"),
        ({"stop_below": 0.0}, "stop_below", "expected a loss above 0, got 0.0"),
        ({"stop_below": math.inf}, "stop_below", "expected a finite number, got inf"),
        ({"per_sample": 1}, "per_sample", "expected true or false, got 1"),
    ],
)
def test_a_refused_setting_names_its_field_and_reason(changes, where, reason):
    with pytest.raises(FieldError) as err:
        TrainConfig(**changes)
    assert (err.value.where, err.value.reason) == (where, reason)
    assert str(err.value) == f"{where}: {reason}"


def test_the_edges_of_each_range_are_accepted():
    config = TrainConfig(lr=1e-300, momentum=0.999, epochs=1, seed=2**31 - 1, stop_below=1e-300)
    assert (config.epochs, config.seed, config.momentum) == (1, 2**31 - 1, 0.999)
    assert TrainConfig(epochs=1_000_000_000, seed=0).epochs == 1_000_000_000
    # Whole numbers arrive as plain types (an int learning rate becomes a float).
    assert TrainConfig(lr=1).lr == 1.0 and isinstance(TrainConfig(lr=1).lr, float)


def test_replace_checks_the_changes_like_a_new_config():
    config = TrainConfig(optimizer="sgd", lr=0.5, momentum=0.9)
    assert (
        config.replace(lr=0.25)
        == dataclasses.replace(config, lr=0.25)
        == TrainConfig(optimizer="sgd", lr=0.25, momentum=0.9)
    )
    with pytest.raises(FieldError) as err:
        config.replace(epochs=0)
    assert str(err.value) == "epochs: expected at least 1, got 0"


def test_json_settings_are_refused_at_their_place():
    with pytest.raises(FieldError) as err:
        TrainConfig.from_json_dict({"epochs": 0})
    assert err.value.where == "training.epochs"
    with pytest.raises(FieldError) as err:
        TrainConfig.from_json_dict({"epochs": 0, "colour": "red"}, where="settings")
    assert str(err.value) == "settings: unknown field(s) colour"
    with pytest.raises(FieldError) as err:
        TrainConfig.from_json_dict([1], where="")
    assert str(err.value) == "expected an object, got list"


def test_a_running_learning_rate_change_follows_the_config_rule():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=3))
    with pytest.raises(FieldError) as err:
        run.set_lr(0.0)
    assert str(err.value) == "lr: expected a positive learning rate, got 0.0"
    run.set_lr(0.5)
    assert run.lr == 0.5
