"""The baseline: the notebook's training loop, as StatQuest's notebook writes it.

The notebook's class (12 scalar ``nn.Parameter``s, float32), memories 0 (the
training task), no printing, autograd, ``torch.optim.Adam(lr=0.001)``, one
update per sequence (A then B), one thread. Used by bench_training.py.
"""

from __future__ import annotations

import torch
import torch.nn as nn


class LSTMbyHand(nn.Module):
    def __init__(self, start: list[float]) -> None:
        super().__init__()
        names = ["wlr1", "wlr2", "blr1", "wpr1", "wpr2", "bpr1", "wp1", "wp2", "bp1", "wo1", "wo2", "bo1"]
        for name, value in zip(names, start):
            setattr(self, name, nn.Parameter(torch.tensor(value)))

    def lstm_unit(self, input_value, long_memory, short_memory):
        long_remember_percent = torch.sigmoid((short_memory * self.wlr1) + (input_value * self.wlr2) + self.blr1)
        potential_remember_percent = torch.sigmoid((short_memory * self.wpr1) + (input_value * self.wpr2) + self.bpr1)
        potential_memory = torch.tanh((short_memory * self.wp1) + (input_value * self.wp2) + self.bp1)
        updated_long_memory = (long_memory * long_remember_percent) + (potential_remember_percent * potential_memory)
        output_percent = torch.sigmoid((short_memory * self.wo1) + (input_value * self.wo2) + self.bo1)
        updated_short_memory = torch.tanh(updated_long_memory) * output_percent
        return [updated_long_memory, updated_short_memory]

    def forward(self, input):
        long_memory = 0
        short_memory = 0
        for x in input:
            long_memory, short_memory = self.lstm_unit(x, long_memory, short_memory)
        return short_memory

    def weights(self) -> list[float]:
        return [float(p.detach()) for p in self.parameters()]


def train_notebook_loop(start: list[float], epochs: int, lr: float = 0.001) -> list[float]:
    """Train Company A/B like the notebook; the 12 weights reached."""
    torch.set_num_threads(1)
    model = LSTMbyHand(start)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    inputs = torch.tensor([[0.0, 0.5, 0.25, 1.0], [1.0, 0.5, 0.25, 1.0]])
    labels = torch.tensor([0.0, 1.0])
    for _ in range(epochs):
        for x, y in zip(inputs, labels):
            optimizer.zero_grad()
            output = model(x)
            loss = (output - y) ** 2
            loss.backward()
            optimizer.step()
    return model.weights()
