"""The one place that finds packaged files (examples, icons).

In a wheel the top-level ``resources/`` folder is installed as
``lstm_gui/resources``; in an editable checkout it is found next to the
package. Nothing else builds paths to data files.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from lstm_gui.core.formatting import quote_value


def resources_root() -> Traversable:
    packaged = files("lstm_gui") / "resources"
    if packaged.is_dir():
        return packaged
    # Editable install or plain checkout: resources/ sits beside lstm_gui/.
    return Path(str(files("lstm_gui"))).parent / "resources"


def package_search_path() -> str:
    """The folder that holds the ``lstm_gui`` package: what a child Python
    process needs on its ``PYTHONPATH`` to import this very copy."""
    return str(Path(str(files("lstm_gui"))).parent)


def resource(*parts: str) -> Traversable:
    node = resources_root()
    for part in parts:
        node = node / part
    return node


def list_examples() -> list[str]:
    """Names of the shipped example sessions."""
    folder = resource("examples")
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def example_text(name: str) -> str:
    """The JSON text of an example session; ``KeyError`` if there is none."""
    if name not in list_examples():
        raise KeyError(f"no example named {quote_value(name)}; available: {', '.join(list_examples())}")
    return resource("examples", f"{name}.json").read_text(encoding="utf-8")
