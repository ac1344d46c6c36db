"""The core imports without Qt, and the light modules without torch."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import lstm_gui.cli
import lstm_gui.core
import lstm_gui.training

# Run in a fresh interpreter: this one may already have Qt and torch loaded.
_BLOCKER = r"""
import importlib.abc, json, sys

BLOCKED = ("PySide6", "pyqtgraph", "shiboken6")

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, Blocker())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "PySide6", "pyqtgraph"))))
"""


def _imported(*modules: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKER, *modules], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _qt_free_modules() -> list[str]:
    names = []
    for package in (lstm_gui.core, lstm_gui.training, lstm_gui.cli):
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    assert {"lstm_gui.core.cell", "lstm_gui.core.files.session_file", "lstm_gui.training.run",
            "lstm_gui.training.child", "lstm_gui.cli.train"} <= set(names)
    return names


def test_core_training_and_cli_import_with_qt_blocked():
    loaded = _imported(*_qt_free_modules())
    assert not [m for m in loaded if not m.startswith("torch")]


def test_session_files_and_cli_do_not_import_torch():
    # Start-up speed: the window must appear before `import torch` would finish.
    assert _imported("lstm_gui.core.session", "lstm_gui.core.files.session_file", "lstm_gui.core.dataset", "lstm_gui.cli",
                     "lstm_gui.training.run") == []


def test_trace_command_runs_without_torch():
    code = (
        "import sys, io, contextlib\n"
        "from lstm_gui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['trace', '--example', 'companies', '--format', 'json']) == 0\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
