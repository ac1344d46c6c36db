#!/usr/bin/env bash
# Set up a virtual environment (.venv) in this checkout, then launch the app or
# run the quality gates and the tests.
#   bash dev.sh run [ARGS...]   set up and launch lstm-gui (ARGS go to lstm-gui)
#   bash dev.sh test [ARGS...]  set up with the test extra, then run, stopping at
#                               the first failure: ruff check, ruff format --check,
#                               mypy, and pytest offscreen (ARGS go to pytest)
# The exit status is the failing step's (pytest's when the gates pass).
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-run}"; shift || true
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
fi
pip=(.venv/bin/python -m pip -q --disable-pip-version-check)
# torch first, the CPU build: a bare 'torch' requirement would pull a multi-GB CUDA build.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    "${pip[@]}" install "torch==2.13.0" \
        || "${pip[@]}" install "torch>=2.1" --index-url https://download.pytorch.org/whl/cpu
fi
# Qt's X11 plugin needs a few system libraries that pip cannot install (a
# fresh Debian/Ubuntu often lacks libxcb-icccm4 and libxcb-keysyms1). Find the
# missing ones with ldd; install them when we are root with apt-get, else say
# the exact command.
check_qt_system_libraries() {
    [ "$(uname -s)" = Linux ] || return 0
    case "${QT_QPA_PLATFORM:-}" in offscreen|minimal|vnc) return 0 ;; esac
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "lstm-gui: no screen (neither DISPLAY nor WAYLAND_DISPLAY is set); run it in a desktop session, or under xvfb-run" >&2
        exit 1
    fi
    local packages
    # The library -> Debian/Ubuntu package table lives in one place:
    # lstm_gui/ui/system_check.py (the window runs the same check at start).
    packages=$(.venv/bin/python -m lstm_gui.ui.system_check --packages 2>/dev/null) || return 0
    [ -n "$packages" ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! echo "$packages" | grep -q '?'; then
        echo "Installing the system libraries Qt needs: $packages" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null; }
    else
        .venv/bin/python -m lstm_gui.ui.system_check
        exit 1
    fi
}

# Run one quality gate; on failure say which one and exit with its status.
gate() {
    echo "== ${*:3}" >&2
    local status=0
    "$@" || status=$?
    if [ "$status" != 0 ]; then
        echo "dev.sh: '${*:3}' failed (exit status $status)" >&2
        exit "$status"
    fi
}

case "$mode" in
    run)
        "${pip[@]}" install -e .
        # Only the window needs a screen and Qt's system libraries; the
        # commands, --help and --version run anywhere.
        case "${1:-}" in
            -h|--help|--version|trace|grad|stages|train|landscape|animate|export-torch|import-torch|--install-desktop-entry|--uninstall-desktop-entry) ;;
            *) check_qt_system_libraries ;;
        esac
        exec .venv/bin/lstm-gui "$@" ;;
    test)
        "${pip[@]}" install -e '.[test]'
        # The rules are in pyproject.toml ([tool.ruff], [tool.mypy]); the test
        # extra pins ruff's and mypy's versions, so everyone gets the same verdict.
        gate .venv/bin/python -m ruff check lstm_gui tests benchmarks .ci
        gate .venv/bin/python -m ruff format --check lstm_gui tests benchmarks .ci
        gate .venv/bin/python -m mypy lstm_gui
        export QT_QPA_PLATFORM=offscreen
        # One thread per maths library in each test process: with a worker per
        # CPU, training children that each spin up a thread per CPU fight for
        # the cores (OpenMP threads busy-wait) and start/stop cycles crawl.
        export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
        echo "== pytest" >&2
        # exec: pytest's exit status is the script's. -n auto: one worker per
        # CPU (pytest-xdist); every test keeps its settings and files in its
        # own temporary folders, so they run side by side. worksteal: a worker
        # that runs out takes tests from another's queue, so the long stress
        # tests (collected first with --run-slow) spread over the workers.
        exec .venv/bin/python -m pytest -q -n auto --dist worksteal "$@" ;;
    *)
        echo "usage: bash dev.sh run|test [ARGS...]" >&2; exit 2 ;;
esac
