"""The words for the cell's parts, in one place: gates, roles, their captions and
the notebook's parameter names."""

from __future__ import annotations

GATES: tuple[str, ...] = ("forget", "input", "candidate", "output")
ROLES: tuple[str, ...] = ("w_short", "w_input", "bias")

#: Sigmoid gates are drawn blue, tanh gates orange.
GATE_ACTIVATION: dict[str, str] = {
    "forget": "sigmoid",
    "input": "sigmoid",
    "candidate": "tanh",
    "output": "sigmoid",
}

#: The notebook's parameter names, in the trace order (gate by gate, w_short,
#: w_input, bias).
NOTEBOOK_NAMES: dict[str, tuple[str, str]] = {
    "wlr1": ("forget", "w_short"),
    "wlr2": ("forget", "w_input"),
    "blr1": ("forget", "bias"),
    "wpr1": ("input", "w_short"),
    "wpr2": ("input", "w_input"),
    "bpr1": ("input", "bias"),
    "wp1": ("candidate", "w_short"),
    "wp2": ("candidate", "w_input"),
    "bp1": ("candidate", "bias"),
    "wo1": ("output", "w_short"),
    "wo2": ("output", "w_input"),
    "bo1": ("output", "bias"),
}

#: (gate, role) pairs in the flat 12-number order used everywhere
#: (command line ``--weights``, training vectors, weight history).
PARAM_KEYS: tuple[tuple[str, str], ...] = tuple(NOTEBOOK_NAMES.values())

#: How a person reads each gate and role (undo texts, tooltips).
GATE_WORDS: dict[str, str] = {
    "forget": "forget gate",
    "input": "input gate",
    "candidate": "candidate (potential memory)",
    "output": "output gate",
}
ROLE_WORDS: dict[str, str] = {
    "w_short": "weight on the short-term memory",
    "w_input": "weight on the input",
    "bias": "bias",
}

#: The diagram's heading and caption of each gate block (the video's words).
GATE_TITLES: dict[str, str] = {
    "forget": "forget gate",
    "input": "input gate",
    "candidate": "candidate",
    "output": "output gate",
}
GATE_CAPTIONS: dict[str, str] = {
    "forget": "% long-term\nto remember",
    "input": "% potential memory\nto remember",
    "candidate": "potential long-term\nmemory",
    "output": "% potential short-term\nto remember",
}
