"""Packaged files are found from an editable checkout and from a built wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import lstm_gui
from lstm_gui.core.resources import example_text, list_examples, resources_root

ROOT = Path(lstm_gui.__file__).resolve().parent.parent


def test_examples_from_this_checkout():
    assert {"notebook", "companies"} <= set(list_examples())
    assert json.loads(example_text("notebook"))["format_version"] == 1
    with pytest.raises(KeyError, match="no example named 'x'"):
        example_text("x")
    if (ROOT / "resources" / "examples").is_dir():  # editable install / checkout
        assert Path(str(resources_root())).resolve() == ROOT / "resources"


_PROBE = r"""
import json, sys
import lstm_gui
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.resources import list_examples, resources_root
print(json.dumps({
    "package": lstm_gui.__file__,
    "resources": str(resources_root()),
    "examples": list_examples(),
    "short": load_example("companies").trace().final()[1],
}))
"""


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("not running from a source checkout")
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if build.returncode != 0:
        last = (build.stderr.strip().splitlines() or ["?"])[-1]
        if "hatchling" in build.stderr or "connection" in build.stderr.lower() or "network" in build.stderr.lower():
            pytest.skip(f"cannot build a wheel here (build backend not available): {last}")
        pytest.fail(f"building the wheel failed: {build.stderr}")
    wheel = next(out.glob("lstm_gui-*.whl"))
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "lstm_gui/resources/examples/notebook.json" in names
        archive.extractall(target)
    return target


def test_examples_from_a_built_wheel(unpacked_wheel, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    # The wheel's copy is used, not the checkout's.
    assert Path(probe["package"]).resolve().is_relative_to(unpacked_wheel.resolve())
    assert Path(probe["resources"]).resolve() == (unpacked_wheel / "lstm_gui" / "resources").resolve()
    assert {"notebook", "companies"} <= set(probe["examples"])
    assert probe["short"] == pytest.approx(0.969393, abs=1e-6)
    listing = subprocess.run(
        [sys.executable, "-m", "lstm_gui", "trace", "--list-examples"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert listing.returncode == 0 and "companies" in listing.stdout
