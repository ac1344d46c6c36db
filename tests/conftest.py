import os

import pytest

# Tests never open visible windows.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="also run the long stress tests (@pytest.mark.slow); .ci/run does",
    )


def pytest_collection_modifyitems(config, items):
    # The everyday run stays short; CI (and `-m slow`) runs the stress tests too.
    if config.getoption("--run-slow") or "slow" in (config.getoption("-m") or ""):
        # The stress tests first: with one worker per CPU (pytest-xdist) each
        # long one then runs beside the short ones instead of alone at the end.
        items.sort(key=lambda item: "slow" not in item.keywords)
        return
    skip = pytest.mark.skip(reason="long stress test: run with --run-slow (as .ci/run does) or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _display_decimals_restored():
    """A window's Preferences set the decimals every value label shows (one
    process-wide setting): each test starts and ends with the default."""
    from lstm_gui.core.formatting import DISPLAY_DECIMALS, set_display_decimals

    set_display_decimals(DISPLAY_DECIMALS)
    yield
    set_display_decimals(DISPLAY_DECIMALS)
