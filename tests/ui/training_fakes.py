"""Stand-ins for TrainingRun, loaded by the training process in tests."""

from __future__ import annotations


class FailingRun:
    """A run whose engine raises, as a broken engine would."""

    def __init__(self, params, dataset, config, history=None) -> None:
        raise RuntimeError("the engine broke on purpose")
