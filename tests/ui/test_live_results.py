"""Live results: the loss and outputs at the weights shown, with what they were."""

from __future__ import annotations

import random

from PySide6.QtWidgets import QLabel, QWidget

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.session import COMPANIES, DatasetItem
from lstm_gui.training.config import STATQUEST_PARAMS
from lstm_gui.training.evaluate import evaluate_dataset
from lstm_gui.ui.training.live_results import LiveResults


def _texts(widget: LiveResults) -> list[str]:
    outputs = widget.findChild(QWidget, "live_outputs")
    return [label.text() for label in outputs.findChildren(QLabel) if not label.isHidden()]


def _first_number(text: str) -> float:
    return float(text.split()[1])


def test_loss_and_outputs_equal_evaluate_dataset_rounded(qtbot):
    widget = LiveResults()
    qtbot.addWidget(widget)
    widget.show_results(NOTEBOOK_PARAMS, COMPANIES)
    loss, outputs = evaluate_dataset(NOTEBOOK_PARAMS, COMPANIES)
    loss_text = widget.findChild(QLabel, "live_loss").text()
    assert loss_text == f"Loss {loss:.4f}"
    assert _first_number(loss_text) == round(loss, 4)
    assert _texts(widget) == [f"Company A {outputs[0]:.4f} → 0", f"Company B {outputs[1]:.4f} → 1"]
    assert not widget.findChild(QLabel, "live_preview").isVisibleTo(widget)


def test_was_shows_the_previous_values_and_the_loss_arrow(qtbot):
    widget = LiveResults()
    qtbot.addWidget(widget)
    widget.show_results(STATQUEST_PARAMS, COMPANIES)
    before_loss, before = evaluate_dataset(STATQUEST_PARAMS, COMPANIES)
    widget.show_results(NOTEBOOK_PARAMS, COMPANIES)
    loss, outputs = evaluate_dataset(NOTEBOOK_PARAMS, COMPANIES)
    assert loss < before_loss
    assert widget.loss_label.text() == f"Loss {loss:.4f} (was {before_loss:.4f}) ▼"
    assert _texts(widget)[1] == f"Company B {outputs[1]:.4f} (was {before[1]:.4f}) → 1"
    # Loss down: green. Going back up: red and the other arrow.
    assert "color" in widget.loss_label.styleSheet()
    green = widget.loss_label.styleSheet()
    widget.show_results(STATQUEST_PARAMS, COMPANIES)
    assert widget.loss_label.text().endswith("▲")
    assert widget.loss_label.styleSheet() != green
    # The same weights again (a step, a redraw): "was" stays what it was.
    widget.show_results(STATQUEST_PARAMS, COMPANIES)
    assert widget.loss_label.text() == f"Loss {before_loss:.4f} (was {loss:.4f}) ▲"


def test_a_preview_is_marked_with_a_banner(qtbot):
    widget = LiveResults()
    qtbot.addWidget(widget)
    widget.show()
    widget.show_results(NOTEBOOK_PARAMS, COMPANIES, preview="preview of epoch 2000")
    banner = widget.findChild(QLabel, "live_preview")
    assert banner.isVisible() and banner.text() == "Preview of epoch 2000"
    assert "italic" in banner.styleSheet()
    widget.show_results(NOTEBOOK_PARAMS, COMPANIES)
    assert not banner.isVisible()


def test_five_thousand_sequences_show_ten_and_a_summary(qtbot):
    rng = random.Random(1)
    dataset = tuple(DatasetItem(f"S{k}", (rng.random(), rng.random()), 1.0) for k in range(5000))
    widget = LiveResults()
    qtbot.addWidget(widget)
    widget.show_results(NOTEBOOK_PARAMS, dataset)
    texts = _texts(widget)
    assert len(texts) == 11
    assert texts[-1] == "… and 4990 more"
    loss, outputs = evaluate_dataset(NOTEBOOK_PARAMS, dataset)
    assert texts[0] == f"S0 {outputs[0]:.4f} → 1"
    assert _first_number(widget.loss_label.text()) == round(loss, 4)
