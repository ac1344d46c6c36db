"""The plots' legends stay off the curves (issue 13's gradient plot, the
over-time plot with watch curves)."""

from __future__ import annotations

from lstm_gui.ui.widgets.gradient_plot import AXIS_TITLE, GradientPlot
from lstm_gui.ui.widgets.over_time_plot import LEGEND_NAME_CHARS, OverTimePlot, legend_name


def test_the_gradient_plots_legend_is_outside_the_plot_area(qtbot):
    plot = GradientPlot()
    qtbot.addWidget(plot)
    plot.resize(880, 140)  # the dock at 1280x720
    plot.show()
    qtbot.waitExposed(plot)
    view = plot.getPlotItem().getViewBox()
    # Right of the plot area (the layout's grid may share a fraction of a pixel).
    assert plot.legend.sceneBoundingRect().left() >= view.sceneBoundingRect().right() - 1
    assert len(AXIS_TITLE) <= 10  # rotated, it fits a low dock's height


def test_watch_curves_keep_most_of_a_narrow_over_time_plots_width(qtbot):
    plot = OverTimePlot()
    qtbot.addWidget(plot)
    plot.resize(440, 180)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_watch_curves([("forget * long_prev", [1.0, 2.0]), ("input * candidate", [0.5, 0.1]), ("x > 0.5", [1, 0])])
    qtbot.waitUntil(lambda: plot.getPlotItem().getViewBox().width() > 0.6 * plot.width())
    assert legend_name("forget * long_prev") == "forget * long_p\u2026"
    assert len(legend_name("x" * 40)) == LEGEND_NAME_CHARS
