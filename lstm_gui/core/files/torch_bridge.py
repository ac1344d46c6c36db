"""The cell as ``torch.nn.LSTM(input_size=1, hidden_size=1)`` and back.

PyTorch stacks the four gates in the order input, forget, candidate (``g``),
output in ``weight_ih_l0`` (4x1: the input weights), ``weight_hh_l0`` (4x1:
the short-term memory weights), ``bias_ih_l0`` and ``bias_hh_l0`` (4 each).

Bias split: torch adds two biases per gate where the cell has one. Exporting
puts the whole bias in ``bias_ih_l0`` and zeros in ``bias_hh_l0``; importing
adds them. So cell -> torch -> cell is exact, and torch -> cell -> torch keeps
each gate's sum ``bias_ih + bias_hh`` (the only thing the LSTM computes with)
exactly as float64 rounds that sum.

This is the only core module (with the torch reference engine) that imports torch, and
only when one of its functions is called through it.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from lstm_gui.core.cell import CellParams, GateParams
from lstm_gui.core.files.io import SessionFileError, atomic_write_bytes, read_bytes_limited
from lstm_gui.core.formatting import quote_value, show_path
from lstm_gui.core.limits import MAX_TORCH_COMPRESSION_RATIO, MAX_TORCH_UNPACKED_BYTES

#: The cell's gates in PyTorch's row order (i, f, g, o).
TORCH_GATE_ORDER: tuple[str, ...] = ("input", "forget", "candidate", "output")

STATE_DICT_KEYS: tuple[str, ...] = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")

_SHAPES = {"weight_ih_l0": (4, 1), "weight_hh_l0": (4, 1), "bias_ih_l0": (4,), "bias_hh_l0": (4,)}


class TorchFileError(ValueError):
    """A state_dict or ``.pt`` file that is not an ``nn.LSTM(1, 1)``; ``str()`` is for a person."""


def params_to_state_dict(params: CellParams, dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """The cell's weights as the ``state_dict`` of ``nn.LSTM(1, 1)``.

    Load it with ``lstm.load_state_dict(...)``; with ``dtype=torch.float64``
    and ``lstm.double()`` the LSTM computes the same values as the cell.
    """
    gates = [params.gate(name) for name in TORCH_GATE_ORDER]
    return {
        "weight_ih_l0": torch.tensor([[g.w_input] for g in gates], dtype=dtype),
        "weight_hh_l0": torch.tensor([[g.w_short] for g in gates], dtype=dtype),
        "bias_ih_l0": torch.tensor([g.bias for g in gates], dtype=dtype),
        "bias_hh_l0": torch.zeros(4, dtype=dtype),
    }


def _strip_prefix(state_dict: Mapping[str, Any]) -> dict[str, Any]:
    """Accept the LSTM's own keys or, from a bigger model, ``<prefix>.weight_ih_l0`` etc."""
    if "weight_ih_l0" in state_dict:
        return dict(state_dict)
    prefixes = {
        key[: -len("weight_ih_l0")] for key in state_dict if isinstance(key, str) and key.endswith(".weight_ih_l0")
    }
    if len(prefixes) == 1:
        prefix = prefixes.pop()
        return {
            key[len(prefix) :]: value
            for key, value in state_dict.items()
            if isinstance(key, str) and key.startswith(prefix)
        }
    if len(prefixes) > 1:
        raise TorchFileError(
            f"more than one LSTM in this state_dict ({', '.join(sorted(p.rstrip('.') for p in prefixes))})"
        )
    return dict(state_dict)


def params_from_state_dict(state_dict: Mapping[str, Any]) -> CellParams:
    """The cell's weights from an ``nn.LSTM(1, 1)`` ``state_dict`` (bias = bias_ih + bias_hh).

    Missing biases (``nn.LSTM(1, 1, bias=False)``) count as 0.

    Raises
    ------
    TorchFileError
        Other keys (more layers, bidirectional, projections), other shapes
        (another size), or a value that is not finite.
    """
    if not isinstance(state_dict, Mapping):
        raise TorchFileError(f"expected a state_dict (a mapping of tensors), got {type(state_dict).__name__}")
    sd = _strip_prefix(state_dict)
    missing = [key for key in ("weight_ih_l0", "weight_hh_l0") if key not in sd]
    if missing:
        raise TorchFileError(
            f"not an nn.LSTM state_dict: missing {', '.join(missing)} (keys: {', '.join(map(str, sd)) or 'none'})"
        )
    unknown = sorted(str(key) for key in sd if key not in STATE_DICT_KEYS)
    if unknown:
        raise TorchFileError(
            f"only a one-layer, one-direction nn.LSTM(1, 1) is supported; unexpected {', '.join(unknown)}"
        )
    columns: dict[str, list[float]] = {}
    for key in STATE_DICT_KEYS:
        if key not in sd:
            columns[key] = [0.0] * 4  # bias=False
            continue
        tensor = sd[key]
        if not isinstance(tensor, torch.Tensor):
            raise TorchFileError(f"{key}: expected a tensor, got {type(tensor).__name__}")
        if tuple(tensor.shape) != _SHAPES[key]:
            raise TorchFileError(
                f"{key}: expected shape {_SHAPES[key]} for nn.LSTM(input_size=1, hidden_size=1), "
                f"got {tuple(tensor.shape)}"
            )
        if not (tensor.is_floating_point()):
            raise TorchFileError(f"{key}: expected floating-point numbers, got {tensor.dtype}")
        values = [float(v) for v in tensor.detach().to("cpu", torch.float64).reshape(-1).tolist()]
        for k, value in enumerate(values):
            if not math.isfinite(value):
                raise TorchFileError(f"{key}[{k}]: expected a finite number, got {quote_value(value)}")
        columns[key] = values
    by_gate = {}
    for row, gate in enumerate(TORCH_GATE_ORDER):
        bias = columns["bias_ih_l0"][row] + columns["bias_hh_l0"][row]
        if not math.isfinite(bias):
            raise TorchFileError(f"bias of the {gate} gate: bias_ih + bias_hh overflows")
        by_gate[gate] = GateParams(columns["weight_hh_l0"][row], columns["weight_ih_l0"][row], bias)
    return CellParams(**by_gate)


def make_lstm(params: CellParams) -> torch.nn.LSTM:
    """A float64 ``nn.LSTM(1, 1)`` with the cell's weights (for checks and export)."""
    lstm = torch.nn.LSTM(input_size=1, hidden_size=1).double()
    with torch.no_grad():
        lstm.load_state_dict(params_to_state_dict(params))
    return lstm


def _load_failure(data: bytes, exc: Exception) -> str:
    """A short reason for a failed ``torch.load`` (torch's own text is long and
    suggests ``weights_only=False``, which we never do)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return "not a torch file (torch.save writes a zip archive; this is not one)"
    if "weights only" in str(exc).lower():
        return (
            "holds Python objects, not only tensors (e.g. a whole model); "
            "save the LSTM's weights with torch.save(lstm.state_dict(), path)"
        )
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return f"cannot read the torch file ({lines[0].strip() if lines else type(exc).__name__})"


def _check_archive(data: bytes, source: str) -> None:
    """Refuse a zip archive that would unpack to more than an LSTM needs
    before ``torch.load`` unpacks it (a 2 MB compressed file can unpack to
    gigabytes). Not a zip archive: ``torch.load`` says what it is."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > 1024 and ratio > MAX_TORCH_COMPRESSION_RATIO:
                raise TorchFileError(
                    f"{source}: not an nn.LSTM(1, 1) state_dict (an entry is compressed {ratio:.0f} times; "
                    f"the limit is {MAX_TORCH_COMPRESSION_RATIO})"
                )
        if total > MAX_TORCH_UNPACKED_BYTES:
            raise TorchFileError(
                f"{source}: not an nn.LSTM(1, 1) state_dict (it unpacks to {total / 2**20:.1f} MiB; "
                f"the limit is {MAX_TORCH_UNPACKED_BYTES / 2**20:.0f} MiB)"
            )


def save_torch(params: CellParams, path: str | os.PathLike[str]) -> None:
    """Save the weights as an ``nn.LSTM(1, 1)`` ``state_dict`` (float64), atomically.

    Read it in PyTorch with ``lstm.load_state_dict(torch.load(path))``.
    """
    buffer = io.BytesIO()
    torch.save(params_to_state_dict(params), buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_torch(path: str | os.PathLike[str]) -> CellParams:
    """Read weights from a ``.pt`` file holding an ``nn.LSTM(1, 1)`` ``state_dict``.

    Loaded with ``torch.load(..., weights_only=True)``: a file cannot run code.

    Raises
    ------
    TorchFileError
        Missing, unreadable or too large file, not a torch file, or not the
        state_dict of an ``nn.LSTM(1, 1)`` (the message says what is wrong).
    """
    source = show_path(path)
    try:
        # An nn.LSTM(1, 1) state_dict is about 2 KB: anything near the limit is something else.
        data = read_bytes_limited(path, MAX_TORCH_UNPACKED_BYTES, "torch file")
    except SessionFileError as exc:
        raise TorchFileError(str(exc)) from None
    _check_archive(data, source)
    try:
        state_dict = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds (pickle, zip, runtime)
        raise TorchFileError(f"{source}: {_load_failure(data, exc)}") from None
    if isinstance(state_dict, torch.nn.Module):  # pragma: no cover - weights_only refuses modules
        state_dict = state_dict.state_dict()
    try:
        return params_from_state_dict(state_dict)
    except TorchFileError as exc:
        raise TorchFileError(f"{source}: {exc}") from None


# -- the comparison cells (issue 13) -------------------------------------------
#
# nn.RNN(1, 1): one gate; its two biases are summed, so the whole bias goes to
# bias_ih_l0. nn.GRU(1, 1): rows reset (r), update (z), candidate (n) in that
# order; for r and z only bias_ih + bias_hh matters, but the candidate's
# bias_hh (b_hn) is multiplied by the reset gate, so it is kept apart:
# bias_ih[n] = candidate.bias_input, bias_hh[n] = candidate.bias_short.


def rnn_state_dict(params: Sequence[float], dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """The plain RNN's (w_short, w_input, bias) as the ``state_dict`` of ``nn.RNN(1, 1)``."""
    w_short, w_input, bias = (float(v) for v in params)
    return {
        "weight_ih_l0": torch.tensor([[w_input]], dtype=dtype),
        "weight_hh_l0": torch.tensor([[w_short]], dtype=dtype),
        "bias_ih_l0": torch.tensor([bias], dtype=dtype),
        "bias_hh_l0": torch.zeros(1, dtype=dtype),
    }


def gru_state_dict(params: Sequence[float], dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """The GRU's 10 numbers (:data:`lstm_gui.core.cells.GRU_PARAM_NAMES`) as
    the ``state_dict`` of ``nn.GRU(1, 1)``."""
    rs, rx, rb, zs, zx, zb, ns, nx, nbx, nbs = (float(v) for v in params)
    return {
        "weight_ih_l0": torch.tensor([[rx], [zx], [nx]], dtype=dtype),
        "weight_hh_l0": torch.tensor([[rs], [zs], [ns]], dtype=dtype),
        "bias_ih_l0": torch.tensor([rb, zb, nbx], dtype=dtype),
        "bias_hh_l0": torch.tensor([0.0, 0.0, nbs], dtype=dtype),
    }


def make_rnn(params: Sequence[float]) -> torch.nn.RNN:
    """A float64 ``nn.RNN(1, 1)`` (tanh) with the plain RNN's weights."""
    rnn = torch.nn.RNN(input_size=1, hidden_size=1).double()
    with torch.no_grad():
        rnn.load_state_dict(rnn_state_dict(params))
    return rnn


def make_gru(params: Sequence[float]) -> torch.nn.GRU:
    """A float64 ``nn.GRU(1, 1)`` with the GRU's weights."""
    gru = torch.nn.GRU(input_size=1, hidden_size=1).double()
    with torch.no_grad():
        gru.load_state_dict(gru_state_dict(params))
    return gru
