"""Preferences' rules, defaults and stored values; the display decimals; the versions for About."""

from __future__ import annotations

import sys
import types

import pytest

from lstm_gui import __version__
from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import (
    DISPLAY_DECIMALS,
    display_decimals,
    format_cell,
    format_number,
    set_display_decimals,
)
from lstm_gui.core.preferences import (
    DEFAULTS,
    MAX_DECIMALS,
    MIN_DECIMALS,
    Preferences,
    animation_ms,
    plot_interval_ms,
    preferences_from_stored,
    validate_preferences,
)
from lstm_gui.core.versions import NOT_LOADED, component_versions, versions_text


def test_defaults_are_four_decimals_normal_speed_and_the_video_colours():
    assert Preferences(decimals=4, animation_speed=1.0, plot_rate=40, fill_map="video") == DEFAULTS
    assert validate_preferences(DEFAULTS) is DEFAULTS


@pytest.mark.parametrize(
    ("preferences", "where", "reason"),
    [
        (Preferences(decimals=3), "decimals", "expected a whole number from 4 to 8, got 3"),
        (Preferences(decimals=9), "decimals", "expected a whole number from 4 to 8, got 9"),
        (Preferences(decimals=True), "decimals", "expected a whole number from 4 to 8, got true"),
        (Preferences(animation_speed=3.0), "animation_speed", "expected one of 0.5, 1, 2, 4, got 3.0"),
        (Preferences(animation_speed=float("nan")), "animation_speed", "expected one of 0.5, 1, 2, 4, got nan"),
        (Preferences(plot_rate=1000), "plot_rate", "expected one of 10, 15, 20, 30, 40, 60, got 1000"),
        (Preferences(fill_map="rainbow"), "fill_map", "expected one of video, viridis, grey, colour_blind"),
    ],
)
def test_a_refused_preference_names_its_field_and_the_choices(preferences, where, reason):
    with pytest.raises(FieldError) as refused:
        validate_preferences(preferences)
    assert refused.value.where == where
    assert refused.value.reason.startswith(reason)


def test_stored_text_reads_back_and_a_bad_stored_value_becomes_its_default():
    stored = {"decimals": "6", "animation_speed": "2", "plot_rate": "20", "fill_map": "grey"}
    assert preferences_from_stored(stored) == Preferences(6, 2.0, 20, "grey")
    edited = {"decimals": "twelve", "animation_speed": "1e999", "plot_rate": "-5", "fill_map": "", "other": "x"}
    assert preferences_from_stored(edited) == DEFAULTS
    assert preferences_from_stored({"decimals": 8}) == Preferences(decimals=8)


def test_animation_and_plot_timings_follow_the_chosen_speed_and_rate():
    assert animation_ms(600, 1.0) == 600
    assert animation_ms(600, 2.0) == 300
    assert animation_ms(600, 0.5) == 1200
    assert plot_interval_ms(40, 3) == 8  # the window's tick before this was a choice
    assert plot_interval_ms(10, 3) == 33


def test_the_display_decimals_are_one_setting_every_default_caller_follows():
    assert display_decimals() == DISPLAY_DECIMALS == 4
    try:
        set_display_decimals(MAX_DECIMALS)
        assert format_number(0.123456789) == "0.12345679"
        assert format_cell(-0.000000001) == "0.00000000"  # no "-0"
        assert format_number(0.123456789, 2) == "0.12"  # an explicit count still wins
        set_display_decimals(MIN_DECIMALS)
        assert format_number(0.123456789) == "0.1235"
    finally:
        set_display_decimals(DISPLAY_DECIMALS)


def test_versions_name_every_component_and_say_when_torch_is_not_loaded():
    qt_core = types.SimpleNamespace(qVersion=lambda: "6.99.1")
    modules = {
        "PySide6": types.SimpleNamespace(__version__="6.99.0"),
        "PySide6.QtCore": qt_core,
        "pyqtgraph": types.SimpleNamespace(__version__="0.99"),
    }
    versions = dict(component_versions(modules))  # type: ignore[arg-type]
    assert versions["lstm-gui"] == __version__
    assert versions["Python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    assert versions["Qt"] == "6.99.1"
    assert versions["PySide6"] == "6.99.0"
    assert versions["pyqtgraph"] == "0.99"
    assert versions["torch"] == NOT_LOADED
    modules["torch"] = types.SimpleNamespace(__version__="2.9.0+cpu")
    text = versions_text(component_versions(modules))  # type: ignore[arg-type]
    assert "torch:     2.9.0+cpu\n" in text
    assert text.splitlines()[0] == f"lstm-gui:  {__version__}"


def test_asking_for_the_versions_imports_nothing():
    before = set(sys.modules)
    component_versions()
    assert set(sys.modules) == before
