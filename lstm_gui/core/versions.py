"""The versions a bug report needs: lstm-gui, Python, Qt, PySide6, pyqtgraph, torch.

Help > About shows them (with a Copy button). Qt-free: it only reads modules
that are already imported (``sys.modules``), never imports one, so asking
for the versions never loads torch (a second or more) just to name it.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from types import ModuleType

from lstm_gui import __version__

NOT_LOADED = "not loaded"


def _module_version(modules: Mapping[str, ModuleType], name: str) -> str:
    module = modules.get(name)
    if module is None:
        return NOT_LOADED
    return str(getattr(module, "__version__", "unknown"))


def _qt_version(modules: Mapping[str, ModuleType]) -> str:
    core = modules.get("PySide6.QtCore")
    q_version = getattr(core, "qVersion", None)
    return str(q_version()) if callable(q_version) else NOT_LOADED


def component_versions(modules: Mapping[str, ModuleType] | None = None) -> list[tuple[str, str]]:
    """(name, version) of lstm-gui, Python, Qt, PySide6, pyqtgraph and torch;
    a library not imported in this process reads :data:`NOT_LOADED`.

    ``modules`` defaults to ``sys.modules`` (tests pass their own).
    """
    modules = sys.modules if modules is None else modules
    return [
        ("lstm-gui", __version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", _qt_version(modules)),
        ("PySide6", _module_version(modules, "PySide6")),
        ("pyqtgraph", _module_version(modules, "pyqtgraph")),
        ("torch", _module_version(modules, "torch")),
        ("Platform", platform.platform(terse=True)),
    ]


def versions_text(versions: list[tuple[str, str]] | None = None) -> str:
    """The versions as plain text, one ``name: version`` a line (for a bug report)."""
    rows = component_versions() if versions is None else versions
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name + ':':<{width + 1}} {version}" for name, version in rows) + "\n"
