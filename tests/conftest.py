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
        _spread_slow_tests(items)
        return
    skip = pytest.mark.skip(reason="long stress test: run with --run-slow (as .ci/run does) or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _spread_slow_tests(items) -> None:
    """With one worker per CPU (pytest-xdist, ``--dist worksteal``, which first
    gives each of the k workers one k-th of the tests in a row), put an equal
    share of the long stress tests at the head of each worker's part: they
    start at once, side by side, and the short tests fill in around them."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slow = [item for item in items if "slow" in item.keywords]
    fast = [item for item in items if "slow" not in item.keywords]
    size = -(-len(fast) // workers)  # ceiling
    items[:] = [test for k in range(workers) for test in (*slow[k::workers], *fast[k * size : (k + 1) * size])]


@pytest.fixture(autouse=True)
def _display_decimals_restored():
    """A window's Preferences set the decimals every value label shows (one
    process-wide setting): each test starts and ends with the default."""
    from lstm_gui.core.formatting import DISPLAY_DECIMALS, set_display_decimals

    set_display_decimals(DISPLAY_DECIMALS)
    yield
    set_display_decimals(DISPLAY_DECIMALS)
