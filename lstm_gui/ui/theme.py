"""Light and dark themes: the Qt palette (Fusion style) and the diagram's colours.

The diagram keeps the video's colour code in both themes (long-term memory
green, short-term memory pink, sigmoid blue, tanh orange); only lightness
changes so the lines stay readable on a dark background.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES: tuple[str, ...] = ("light", "dark")
#: What a person can choose in View > Theme: "system" follows the desktop's
#: light or dark scheme (and its changes); the default until one is chosen.
THEME_CHOICES: tuple[str, ...] = ("system", "light", "dark")
DEFAULT_THEME_CHOICE = "system"
#: How far a full value (1, or -1 for tanh) mixes the fill towards the colour.
FILL_STRENGTH = 0.62


@dataclass(frozen=True, slots=True)
class DiagramColors:
    """Colours the diagram, plot and value scales draw with."""

    background: str
    surface: str  # inside of blocks with no value yet (step 0)
    text: str
    muted: str  # captions
    long_term: str  # green line
    short_term: str  # pink line
    input_line: str
    sigmoid: str  # blue outline
    tanh: str  # orange outline
    node: str  # fill of the x and + nodes
    tanh_low: str  # tanh scale at -1
    field_bg: str
    field_border: str
    error: str
    current: str  # highlight of the current step (strip, table)
    flash: str = "#f5a300"  # ring around a value that just changed (diagram)
    fill_map: str = "video"  # colour map of the block fills (core.preferences.FILL_MAPS)


LIGHT = DiagramColors(
    background="#fbfbfd",
    surface="#ffffff",
    text="#1d2330",
    muted="#5b6475",
    long_term="#2e9e4f",
    short_term="#e0457b",
    input_line="#6b7280",
    sigmoid="#2f6fd6",
    tanh="#ef8a17",
    node="#ffffff",
    tanh_low="#7c4dcc",
    field_bg="#ffffff",
    field_border="#b8c0cc",
    error="#d32f2f",
    current="#ffe08a",
    flash="#f5a300",
)

DARK = DiagramColors(
    background="#1e2127",
    surface="#2a2e36",
    text="#e6e9ef",
    muted="#a3abb8",
    long_term="#4cc46f",
    short_term="#ff6f9f",
    input_line="#9aa3b0",
    sigmoid="#5b9bff",
    tanh="#ffa53d",
    node="#2a2e36",
    tanh_low="#a27cf0",
    field_bg="#15171c",
    field_border="#4a505c",
    error="#ff6b6b",
    current="#6b5a1e",
    flash="#ffc940",
)


def diagram_colors(theme: str, fill_map: str = "video") -> DiagramColors:
    """The colours of ``theme`` with block fills from the colour map ``fill_map``."""
    colors = DARK if theme == "dark" else LIGHT
    return colors if fill_map == colors.fill_map else replace(colors, fill_map=fill_map)


def system_theme() -> str:
    """The desktop's scheme as a theme: "dark" when Qt says so (Qt 6.5+),
    else "light" (also when the platform cannot tell, e.g. offscreen)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return "light"
    return "dark" if app.styleHints().colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve_theme(choice: str, system: str) -> str:
    """The theme to draw with for the person's ``choice`` ("system", "light",
    "dark"; anything else counts as "system") when the desktop's is ``system``."""
    return choice if choice in THEMES else (system if system in THEMES else "light")


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


#: Viridis (matplotlib's perceptually uniform, colour-blind friendly map) at 0, 1/4 ... 1.
_VIRIDIS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
#: Okabe-Ito colours: sigmoid blue; tanh bluish green (-1) to orange (+1).
_OKABE_ITO = {"sigmoid": "#0072b2", "tanh_low": "#009e73", "tanh_high": "#e69f00"}


def _ramp(stops: tuple[str, ...], t: float) -> QColor:
    t = min(1.0, max(0.0, t)) * (len(stops) - 1)
    k = min(int(t), len(stops) - 2)
    return _mix(QColor(stops[k]), QColor(stops[k + 1]), t - k)


def value_fill(colors: DiagramColors, activation: str, value: float) -> QColor:
    """The fill of a gate block for ``value`` in the colour map ``colors.fill_map``.

    "video" (the default): sigmoid 0..1 from the plain surface to full blue;
    tanh -1..1 violet at -1, the plain surface at 0, full orange at +1 (a
    diverging scale, so the sign reads at a glance). "viridis": one
    sequential scale for both (tanh from -1 to 1). "grey": the surface to
    the text colour (sigmoid); dark to light (tanh). "colour_blind": the
    video's scheme in Okabe-Ito colours.
    """
    surface = QColor(colors.surface)
    if colors.fill_map == "viridis":
        return _ramp(_VIRIDIS, value if activation == "sigmoid" else (value + 1) / 2)
    if colors.fill_map == "grey":
        if activation == "sigmoid":
            return _mix(surface, QColor(colors.text), value * FILL_STRENGTH)
        return _ramp(("#262626", "#8c8c8c", "#f2f2f2"), (value + 1) / 2)
    if colors.fill_map == "colour_blind":
        if activation == "sigmoid":
            return _mix(surface, QColor(_OKABE_ITO["sigmoid"]), value * FILL_STRENGTH * 1.2)
        end = _OKABE_ITO["tanh_high"] if value >= 0 else _OKABE_ITO["tanh_low"]
        return _mix(surface, QColor(end), abs(value) * FILL_STRENGTH * 1.2)
    # Never quite the outline's colour, so the block's type stays visible.
    strength = FILL_STRENGTH
    if activation == "sigmoid":
        return _mix(surface, QColor(colors.sigmoid), value * strength)
    if value >= 0:
        return _mix(surface, QColor(colors.tanh), value * strength)
    return _mix(surface, QColor(colors.tanh_low), -value * strength)


def readable_text(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill``."""
    luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()
    return QColor("#111111") if luminance > 0.55 else QColor("#ffffff")


def make_palette(theme: str) -> QPalette:
    """A Fusion palette for ``theme`` (light is Fusion's own, slightly cooler)."""
    palette = QPalette()
    if theme == "dark":
        window, base, alt, text = "#25282e", "#1b1d22", "#2b2f36", "#e6e9ef"
        button, highlight, disabled = "#30343c", "#3d7be0", "#7c8491"
        link = "#7fb0ff"
    else:
        window, base, alt, text = "#f3f4f7", "#ffffff", "#f6f7fa", "#1d2330"
        button, highlight, disabled = "#eceef2", "#2f6fd6", "#9aa1ad"
        link = "#2f6fd6"
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, alt),
        (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, disabled),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, button),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, "#ff5252"),
        (QPalette.ColorRole.Highlight, highlight),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.Link, link),
    ):
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style with the theme's palette, for the whole application."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(make_palette(theme))


#: The training plot's weight curves per theme: one hue per gate (forget
#: blue, input teal, candidate orange, output purple), three shades per hue
#: (w_short, w_input, bias). Every colour has a contrast of at least 3.4:1 on
#: the theme's plot background (Base: white, #1b1d22), checked in the tests.
_PARAMETER_SHADES: dict[str, dict[str, tuple[str, str, str]]] = {
    "light": {
        "forget": ("#0e3c7c", "#165fc6", "#478beb"),
        "input": ("#084641", "#0c7067", "#119b90"),
        "candidate": ("#60330b", "#9a5111", "#d57018"),
        "output": ("#570f8a", "#8b19dd", "#b667ee"),
    },
    "dark": {
        "forget": ("#2a79e7", "#70a5ef", "#b6d1f7"),
        "input": ("#0f8b80", "#3ae9db", "#b6f7f1"),
        "candidate": ("#be6415", "#ec9b54", "#f7d4b6"),
        "output": ("#aa4eeb", "#c382f1", "#dcb6f7"),
    },
}


def parameter_colors(theme: str) -> dict[tuple[str, str], str]:
    """(gate, role) -> the colour of that weight's curve in ``theme``: grouped
    by gate (hue), w_short darkest, w_input mid, bias lightest."""
    shades = _PARAMETER_SHADES["dark" if theme == "dark" else "light"]
    roles = ("w_short", "w_input", "bias")
    return {(gate, role): colours[k] for gate, colours in shades.items() for k, role in enumerate(roles)}
