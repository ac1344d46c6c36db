"""The core imports without Qt, and the light modules without torch."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

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
    result = subprocess.run([sys.executable, "-c", _BLOCKER, *modules], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _qt_free_modules() -> list[str]:
    names = []
    for package in (lstm_gui.core, lstm_gui.training, lstm_gui.cli):
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    assert {
        "lstm_gui.core.cell",
        "lstm_gui.core.files.session_file",
        "lstm_gui.training.run",
        "lstm_gui.training.child",
        "lstm_gui.cli.train",
    } <= set(names)
    return names


def test_core_training_and_cli_import_with_qt_blocked():
    loaded = _imported(*_qt_free_modules())
    assert not [m for m in loaded if not m.startswith("torch")]


def test_session_files_and_cli_do_not_import_torch():
    # Start-up speed: the window must appear before `import torch` would finish.
    assert (
        _imported(
            "lstm_gui.core.session",
            "lstm_gui.core.files.session_file",
            "lstm_gui.core.dataset",
            "lstm_gui.cli",
            "lstm_gui.training.run",
        )
        == []
    )


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


# -- the import graph ------------------------------------------------------------------

#: Imports that stay inside functions on purpose: torch (seconds to import) and Qt.
_LAZY_IMPORTS = {
    ("lstm_gui.cli", "lstm_gui.ui.app"),
    ("lstm_gui.cli.animate", "lstm_gui.ui.animation"),  # draws offscreen with Qt: only when it runs
    ("lstm_gui.cli.torch_io", "lstm_gui.core.files.torch_bridge"),
    ("lstm_gui.training.run", "lstm_gui.training.engines.torch_reference"),
}


def _sources() -> dict[str, Path]:
    root = Path(lstm_gui.core.__file__).parent.parent
    sources = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name.split(".")[1:2] in (["core"], ["training"], ["cli"]):
            sources[name] = path
    return sources


def _imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(module, what it may name besides: its submodules imported by ``from m
    import sub``, whether at module level) for each import in a file, counting
    those inside functions and under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        top = node in tree.body
        if isinstance(node, ast.Import):
            found += [(alias.name, [], top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, [f"{node.module}.{alias.name}" for alias in node.names], top))
    return found


def test_core_training_and_cli_have_no_import_cycles():
    sources = _sources()
    graph = {
        name: {
            imported
            for module, submodules, _ in _imports(path)
            for imported in [module, *submodules]
            if imported in sources and imported != name
        }
        for name, path in sources.items()
    }
    cycles = []
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        for imported in sorted(graph[name]):
            if imported in trail:
                cycles.append(trail[trail.index(imported) :] + [imported])
            elif imported not in done:
                visit(imported, trail + [imported])
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []


def test_imports_are_at_module_top_except_torch_and_qt():
    inner = {
        (name, module)
        for name, path in _sources().items()
        if name != "lstm_gui.training.child"  # the training process' entry point
        for module, _, top in _imports(path)
        if not top and (module.split(".")[0] == "lstm_gui" or module.split(".")[0] in sys.stdlib_module_names)
    }
    assert inner == _LAZY_IMPORTS
