"""Qt's system libraries, checked before the ``QApplication`` exists.

On a Linux desktop without some ``libxcb-*`` libraries Qt aborts with
"xcb-cursor0 is needed", whatever is really missing. Before that happens
:func:`missing_system_libraries_message` runs ``ldd`` on Qt's xcb platform
plugin and names the missing libraries and the Debian/Ubuntu packages that
hold them. ``dev.sh`` uses the same table: ``python -m
lstm_gui.ui.system_check --packages`` prints the packages to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Library file name prefix -> the Debian/Ubuntu package that holds it. The one
#: place for this table (dev.sh asks this module).
LIBRARY_PACKAGES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so", "libxcb-cursor0"),
    ("libxcb-icccm.so", "libxcb-icccm4"),
    ("libxcb-keysyms.so", "libxcb-keysyms1"),
    ("libxcb-image.so", "libxcb-image0"),
    ("libxcb-render-util.so", "libxcb-render-util0"),
    ("libxcb-xkb.so", "libxcb-xkb1"),
    ("libxcb-shape.so", "libxcb-shape0"),
    ("libxcb-randr.so", "libxcb-randr0"),
    ("libxcb-xinerama.so", "libxcb-xinerama0"),
    ("libxkbcommon-x11.so", "libxkbcommon-x11-0"),
    ("libxkbcommon.so", "libxkbcommon0"),
    ("libEGL.so", "libegl1"),
    ("libGL.so", "libgl1"),
    ("libOpenGL.so", "libgl1"),
    ("libfontconfig.so", "libfontconfig1"),
    ("libdbus-1.so", "libdbus-1-3"),
)

LDD_TIMEOUT_SECONDS = 10
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found\s*$")


def missing_libraries(ldd_output: str) -> list[str]:
    """The library names ``ldd`` reported as ``not found`` (sorted, once each)."""
    found = {m.group(1) for line in ldd_output.splitlines() if (m := _NOT_FOUND.match(line))}
    return sorted(found)


def package_for(library: str) -> str | None:
    """The Debian/Ubuntu package of ``library`` (``None`` if not in the table)."""
    for prefix, package in LIBRARY_PACKAGES:
        if library.startswith(prefix):
            return package
    return None


def packages_for(libraries: Sequence[str]) -> list[str]:
    """Packages for ``libraries``; one not in the table appears as ``?<library>``."""
    return sorted({package_for(lib) or f"?{lib}" for lib in libraries})


def missing_message(libraries: Sequence[str]) -> str:
    """What to tell a person whose machine lacks ``libraries``."""
    packages = packages_for(libraries)
    known = [p for p in packages if not p.startswith("?")]
    lines = [f"lstm-gui: Qt cannot start: these system libraries are missing: {' '.join(libraries)}"]
    if known:
        lines.append(f"  on Debian/Ubuntu: sudo apt-get install {' '.join(known)}")
    unknown = [p[1:] for p in packages if p.startswith("?")]
    if unknown:
        lines.append(f"  (install the packages that provide: {' '.join(unknown)})")
    return "\n".join(lines)


def xcb_will_be_used(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will pick its xcb (X11) platform plugin."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    if not environ.get("DISPLAY"):
        return False
    # Qt prefers Wayland in a Wayland session.
    return not (environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland")


def xcb_plugin_files() -> list[Path]:
    """Qt's xcb platform plugin and its ``Qt6XcbQpa`` library, those that exist."""
    try:
        from PySide6.QtCore import QLibraryInfo  # QtCore needs no display libraries
    except ImportError:
        return []
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    libraries = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))
    candidates = [plugins / "platforms" / "libqxcb.so", *sorted(libraries.glob("libQt6XcbQpa.so*"))[:1]]
    return [path for path in candidates if path.is_file()]


def run_ldd(files: Sequence[Path]) -> str:
    """``ldd``'s output for ``files``; empty if there is no ``ldd`` or it fails."""
    ldd = shutil.which("ldd")
    if not ldd or not files:
        return ""
    try:
        result = subprocess.run(
            [ldd, *map(str, files)], capture_output=True, text=True, timeout=LDD_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout


def missing_system_libraries_message(environ: Mapping[str, str] | None = None) -> str | None:
    """The message to print before starting Qt, or ``None`` if nothing is missing
    (or xcb is not going to be used, or it cannot be told)."""
    if not xcb_will_be_used(os.environ if environ is None else environ):
        return None
    missing = missing_libraries(run_ldd(xcb_plugin_files()))
    return missing_message(missing) if missing else None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lstm_gui.ui.system_check [--packages]``: check Qt's xcb
    plugin whatever the display; print the message (exit 1) or, with
    ``--packages``, only the packages to install (``?lib`` for unknown ones)."""
    args = list(sys.argv[1:] if argv is None else argv)
    missing = missing_libraries(run_ldd(xcb_plugin_files()))
    if "--packages" in args:
        print(" ".join(packages_for(missing)))
        return 0
    if missing:
        print(missing_message(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
