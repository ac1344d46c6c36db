"""Training throughput (issue 6, goals 1 and 2).

1. Company A/B, one update per sequence, Adam lr 0.001, from StatQuest's
   start: the app's engine (a :class:`TrainingRun` with history, as the window
   and ``lstm-gui train`` use it) against the notebook-style torch loop
   (baseline_notebook.py), median epochs per second of several repeats.
2. 256 sequences of 50 steps, full-batch Adam: the fast engine (numpy over the
   batch at this size) against the same loop written with batched float64
   torch tensors and autograd; the weights must agree to 1e-9.
"""

from __future__ import annotations

import random
import statistics
import time

from lstm_gui.core.dataset import COMPANIES, DatasetItem
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.engines.fast import FastEngine
from lstm_gui.training.run import TrainingRun, dataset_sequences


def _rates(funcs: dict[str, tuple], repeats: int) -> dict[str, tuple[float, object]]:
    """Median epochs per second of each ``func(epochs)`` over ``repeats``
    rounds; the functions take turns within a round, so that load from
    elsewhere on the machine hits the baseline and the engine alike."""
    rates: dict[str, list[float]] = {name: [] for name in funcs}
    results: dict[str, object] = {}
    for _ in range(repeats):
        for name, (func, epochs) in funcs.items():
            t0 = time.perf_counter()
            results[name] = func(epochs)
            rates[name].append(epochs / (time.perf_counter() - t0))
    return {name: (statistics.median(rates[name]), results[name]) for name in funcs}


def companies_throughput(repeats: int) -> list[str]:
    import torch
    from baseline_notebook import train_notebook_loop

    torch.set_num_threads(1)
    start = list(STATQUEST_PARAMS.to_flat())

    def app_run(epochs):
        return TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=epochs)).run(lambda p: None)

    def raw_engine(epochs):
        engine = FastEngine(start, dataset_sequences(COMPANIES), "adam", True)
        engine.run_epochs(epochs, 0.001)
        return engine.weights

    def torch_reference(epochs):
        return TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=epochs, engine="torch")).run()

    base_epochs = 300
    measured = _rates(
        {
            "notebook": (lambda e: train_notebook_loop(start, e), base_epochs),
            "app": (app_run, 5000),
            "raw": (raw_engine, 5000),
            "torch": (torch_reference, 200),
        },
        repeats,
    )
    base_rate, base_weights = measured["notebook"]
    app_rate, result = measured["app"]
    raw_rate, _ = measured["raw"]
    ref_rate, _ = measured["torch"]
    # Same results: the float32 notebook loop and the float64 engine agree to
    # float32 precision after the same epochs; StatQuest's outputs at 5000.
    same = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=base_epochs)).run()
    drift = max(abs(a - b) for a, b in zip(same.params.to_flat(), base_weights))
    outputs = [round(v, 4) for v in result.outputs]
    return [
        f"notebook loop (torch float32, autograd, Adam, 1 thread): {base_rate:,.0f} epochs/s",
        f"fast engine in a TrainingRun (history, progress): {app_rate:,.0f} epochs/s"
        f" = {app_rate / base_rate:.0f}x the notebook loop",
        f"fast engine alone (FastEngine.run_epochs): {raw_rate:,.0f} epochs/s = {raw_rate / base_rate:.0f}x",
        f"torch reference engine (float64 autograd + torch.optim): {ref_rate:,.0f} epochs/s"
        f" = {ref_rate / base_rate:.2f}x",
        f"StatQuest's 5000-epoch run: {5000 / app_rate * 1000:.0f} ms (notebook loop: {5000 / base_rate:.1f} s);"
        f" outputs {outputs} (published [0.0022, 0.9693])",
        f"same weights as the notebook loop after {base_epochs} epochs: max difference {drift:.1e} (float32)",
    ]


def _large_dataset(sequences: int = 256, steps: int = 50, seed: int = 0) -> list[DatasetItem]:
    rng = random.Random(seed)
    return [
        DatasetItem(f"s{k}", tuple(rng.uniform(-1.0, 1.0) for _ in range(steps)), rng.choice((0.0, 1.0)))
        for k in range(sequences)
    ]


def torch_batched_loop(start: list[float], dataset: list[DatasetItem], epochs: int, lr: float) -> list[float]:
    """Full-batch Adam with batched float64 tensors and autograd (the baseline)."""
    import torch

    from lstm_gui.training.engines.torch_reference import cell_output

    torch.set_num_threads(1)
    inputs = torch.tensor([item.inputs for item in dataset], dtype=torch.float64).T.contiguous()
    targets = torch.tensor([item.target for item in dataset], dtype=torch.float64)
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        # The reference engine's cell, fed one (n,) tensor per time step.
        short = cell_output(w, inputs)
        loss = ((short - targets) ** 2).sum()
        loss.backward()
        optimizer.step()
    return w.detach().tolist()


def large_batch(repeats: int) -> list[str]:
    dataset = _large_dataset()
    start = list(STATQUEST_PARAMS.to_flat())
    lr = 0.01
    epochs = 20

    def fast(e):
        engine = FastEngine(start, dataset_sequences(dataset), "adam", False)
        engine.run_epochs(e, lr)
        return engine.weights

    measured = _rates(
        {"torch": (lambda e: torch_batched_loop(start, dataset, e, lr), epochs), "fast": (fast, epochs)}, repeats
    )
    base_rate, base_weights = measured["torch"]
    fast_rate, fast_weights = measured["fast"]
    rel = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(fast_weights, base_weights))
    return [
        f"256 sequences x 50 steps, full-batch Adam lr {lr}: torch batched autograd loop {base_rate:.1f} epochs/s",
        f"fast engine (numpy over the batch): {fast_rate:.1f} epochs/s = {fast_rate / base_rate:.1f}x",
        f"same weights after {epochs} epochs: max relative difference {rel:.1e}"
        + (" (OK, < 1e-9)" if rel < 1e-9 else " (MISMATCH)"),
    ]


def run(repeats: int) -> list[str]:
    return companies_throughput(repeats) + large_batch(repeats)


if __name__ == "__main__":
    for line in run(3):
        print(line)
