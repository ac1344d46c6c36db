"""The Preferences panel: decimals, animation speed, plot update rate, block colours.

A form in a floating dock (Edit > Preferences, never modal). Each change is
announced at once as a whole :class:`~lstm_gui.core.preferences.Preferences`
(``changed``) and the window applies and stores it; there is no OK button.
*Restore Defaults* announces :data:`~lstm_gui.core.preferences.DEFAULTS`.
The panel keeps no preferences of its own: the window hands it the current
ones (:meth:`PreferencesPanel.show_preferences`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core.formatting import format_number
from lstm_gui.core.preferences import (
    ANIMATION_SPEEDS,
    ANIMATION_WORDS,
    DEFAULTS,
    FILL_MAPS,
    MAX_DECIMALS,
    MIN_DECIMALS,
    PLOT_RATES,
    Preferences,
)
from lstm_gui.ui.widgets.wheel_guard import guard_widget

#: The number the decimals example shows (sigmoid of the notebook's forget
#: gate sum at step 1: a value a person sees on the diagram).
EXAMPLE_VALUE = 0.9973885009


class PreferencesPanel(QWidget):
    """The preferences form (``pref_decimals``, ``pref_animation_speed``,
    ``pref_plot_rate``, ``pref_fill_map``, ``pref_restore_defaults``,
    ``pref_close``).

    Signals
    -------
    changed(Preferences) : a control changed; the whole new preferences.
    close_requested : the Close button.
    """

    changed = Signal(object)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_panel")
        self._preferences = DEFAULTS

        self.decimals = QSpinBox()
        self.decimals.setObjectName("pref_decimals")
        self.decimals.setRange(MIN_DECIMALS, MAX_DECIMALS)
        self.decimals.setToolTip(
            "Decimals of every value on the diagram, in the trace table and in the live results"
            f" ({MIN_DECIMALS} to {MAX_DECIMALS}); copies and exports keep full precision"
        )
        self.decimals_example = QLabel()
        self.decimals_example.setObjectName("pref_decimals_example")
        decimals_row = QHBoxLayout()
        decimals_row.addWidget(self.decimals)
        decimals_row.addWidget(self.decimals_example, 1)

        self.animation_speed = QComboBox()
        self.animation_speed.setObjectName("pref_animation_speed")
        self.animation_speed.setToolTip("How fast a changed value's highlight (and other animations) fade")
        for speed in ANIMATION_SPEEDS:
            self.animation_speed.addItem(f"{ANIMATION_WORDS[speed]} ({speed:g}x)", speed)

        self.plot_rate = QComboBox()
        self.plot_rate.setObjectName("pref_plot_rate")
        self.plot_rate.setToolTip(
            "How often the training plots redraw while training at most; fewer leaves a slow computer"
            " more time for the rest of the window"
        )
        for rate in PLOT_RATES:
            self.plot_rate.addItem(f"{rate} times a second", rate)

        self.fill_map = QComboBox()
        self.fill_map.setObjectName("pref_fill_map")
        self.fill_map.setToolTip("The colour scale of the gate blocks' fills (the legend under the diagram)")
        for name, words in FILL_MAPS.items():
            self.fill_map.addItem(words, name)

        for control in (self.decimals, self.animation_speed, self.plot_rate, self.fill_map):
            guard_widget(control)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        decimals_label = QLabel("&Decimals shown:")
        decimals_label.setBuddy(self.decimals)  # a row of two widgets: name the one Alt+D focuses
        form.addRow(decimals_label, decimals_row)
        form.addRow("&Animation speed:", self.animation_speed)
        form.addRow("&Plot updates:", self.plot_rate)
        form.addRow("Block &colours:", self.fill_map)

        note = QLabel("Changes apply at once and are remembered. The theme is in View > Theme.")
        note.setObjectName("pref_note")
        note.setWordWrap(True)
        note.setEnabled(False)  # the palette's muted text

        self.restore_button = QPushButton("Restore &Defaults")
        self.restore_button.setObjectName("pref_restore_defaults")
        self.restore_button.setToolTip("Every preference back to its default")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("pref_close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.show_preferences(DEFAULTS)
        self.decimals.valueChanged.connect(self._on_control_changed)
        for combo in (self.animation_speed, self.plot_rate, self.fill_map):
            combo.currentIndexChanged.connect(self._on_control_changed)
        self.restore_button.clicked.connect(self._on_restore_defaults)
        self.close_button.clicked.connect(self.close_requested)

    def preferences(self) -> Preferences:
        """The preferences the controls show."""
        return replace(
            self._preferences,
            decimals=self.decimals.value(),
            animation_speed=float(self.animation_speed.currentData()),
            plot_rate=int(self.plot_rate.currentData()),
            fill_map=str(self.fill_map.currentData()),
        )

    def show_preferences(self, preferences: Preferences) -> None:
        """Set the controls to ``preferences`` (announcing nothing)."""
        self._preferences = preferences
        controls = (self.decimals, self.animation_speed, self.plot_rate, self.fill_map)
        for control in controls:
            control.blockSignals(True)
        try:
            self.decimals.setValue(preferences.decimals)
            for combo, value in (
                (self.animation_speed, preferences.animation_speed),
                (self.plot_rate, preferences.plot_rate),
                (self.fill_map, preferences.fill_map),
            ):
                index = combo.findData(value)
                if index >= 0:
                    combo.setCurrentIndex(index)
        finally:
            for control in controls:
                control.blockSignals(False)
        self._show_example()

    def _show_example(self) -> None:
        self.decimals_example.setText(f"e.g. {format_number(EXAMPLE_VALUE, self.decimals.value())}")

    @Slot()
    def _on_control_changed(self, *_: object) -> None:
        self._preferences = self.preferences()
        self._show_example()
        self.changed.emit(self._preferences)

    @Slot()
    def _on_restore_defaults(self) -> None:
        self.show_preferences(DEFAULTS)
        self.changed.emit(DEFAULTS)

    def sizeHint(self) -> QSize:
        # Wide enough for the longest colour map's name beside its label.
        hint = super().sizeHint()
        return hint.expandedTo(QSize(380, hint.height()))
