"""Live results: the summed loss and each sequence's output at the weights the
diagram shows, with the previous values beside them.

The window calls :meth:`LiveResults.show_results` whenever the weights it
shows change (an edit, an undo, a training preview, the history scrubber) and
when the dataset changes. The numbers come from
:func:`~lstm_gui.training.evaluate.evaluate_dataset`; this widget only
formats them. It keeps the values shown before the last change, so each line
says what changed ("was ...") and whether the loss went down.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.formatting import format_number
from lstm_gui.training.evaluate import evaluate_dataset

#: Sequences listed one per line; the rest are counted in a summary line.
SHOWN_SEQUENCES = 10
#: (better, worse) text colours on a light and on a dark background.
CHANGE_COLOURS = {"light": ("#1b7f3b", "#c62828"), "dark": ("#6ad48f", "#ff8a80")}
PREVIEW_STYLE = {
    "light": "QLabel { font-style: italic; color: #6a4a00; background: #fff3c4; padding: 2px 4px; }",
    "dark": "QLabel { font-style: italic; color: #ffe08a; background: #4a3d12; padding: 2px 4px; }",
}


def _target_text(target: float) -> str:
    return f"{target:g}"


class LiveResults(QWidget):
    """The loss (``live_loss``) and per-sequence outputs (``live_outputs``) at
    the weights shown, and a banner (``live_preview``) while those are a
    preview rather than the session's weights."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live_results")
        self.preview_label = QLabel()
        self.preview_label.setObjectName("live_preview")
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_label.hide()
        self.loss_label = QLabel("Loss --")
        self.loss_label.setObjectName("live_loss")
        self.loss_label.setTextFormat(Qt.TextFormat.PlainText)
        self.loss_label.setToolTip("Sum over the dataset of (final short-term memory - target)²")
        font = self.loss_label.font()
        font.setBold(True)
        self.loss_label.setFont(font)
        self.outputs = QWidget()
        self.outputs.setObjectName("live_outputs")
        outputs_layout = QVBoxLayout(self.outputs)
        outputs_layout.setContentsMargins(0, 0, 0, 0)
        outputs_layout.setSpacing(1)
        #: One label per listed sequence, reused (never rebuilt) on each update.
        self.output_labels: list[QLabel] = []
        for k in range(SHOWN_SEQUENCES):
            label = QLabel()
            label.setObjectName(f"live_output_{k}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.hide()
            outputs_layout.addWidget(label)
            self.output_labels.append(label)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("live_outputs_more")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.hide()
        outputs_layout.addWidget(self.summary_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.loss_label)
        layout.addWidget(self.outputs)
        #: The values shown now and the ones shown before they last changed.
        self.loss: float | None = None
        self.previous_loss: float | None = None
        self._outputs: dict[str, float] = {}
        self._previous_outputs: dict[str, float] = {}
        self._preview: str | None = None
        #: Name -> target of the listed sequences (their colours).
        self._targets: dict[str, float] = {}
        self._apply_theme()

    # -- theme
    def _theme(self) -> str:
        return "dark" if self.palette().color(QPalette.ColorRole.Window).lightness() < 128 else "light"

    def _apply_theme(self) -> None:
        self.preview_label.setStyleSheet(PREVIEW_STYLE[self._theme()])
        self._colour_changes()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()
        super().changeEvent(event)

    # -- showing
    def show_results(self, params: CellParams, dataset: Sequence[DatasetItem], preview: str | None = None) -> None:
        """Show the loss and outputs at ``params`` on ``dataset``; ``preview``
        (e.g. "preview of epoch 2000") marks weights that are not the
        session's. The values shown before are kept as "was" when they change."""
        loss, outputs = evaluate_dataset(params, dataset)
        names = [item.name for item in dataset]
        new_outputs = dict(zip(names, outputs))
        if self.loss is not None and (loss != self.loss or new_outputs != self._outputs):
            self.previous_loss = self.loss
            self._previous_outputs = self._outputs
        self.loss, self._outputs = loss, new_outputs
        self._preview = preview
        self.preview_label.setText(preview.capitalize() if preview else "")
        self.preview_label.setVisible(bool(preview))
        self.loss_label.setText(self._loss_text())
        for k, label in enumerate(self.output_labels):
            if k < len(dataset):
                item = dataset[k]
                label.setText(self._output_text(item.name, outputs[k], item.target))
                label.show()
            else:
                label.hide()
        more = len(dataset) - SHOWN_SEQUENCES
        self.summary_label.setText(f"… and {more} more" if more > 0 else "")
        self.summary_label.setVisible(more > 0)
        self._targets = {item.name: item.target for item in dataset[:SHOWN_SEQUENCES]}
        self._colour_changes()

    def _loss_text(self) -> str:
        loss, before = self.loss, self.previous_loss
        if loss is None:
            return "Loss --"
        text = f"Loss {format_number(loss)}"
        if before is not None:
            arrow = " ▼" if loss < before else (" ▲" if loss > before else "")
            text += f" (was {format_number(before)}){arrow}"
        return text

    def _output_text(self, name: str, output: float, target: float) -> str:
        text = f"{name} {format_number(output)}"
        before = self._previous_outputs.get(name)
        if before is not None:
            text += f" (was {format_number(before)})"
        return f"{text} → {_target_text(target)}"

    def _colour_changes(self) -> None:
        """Green when a value moved towards its goal (loss down, output nearer
        its target), red when away; the plain text colour otherwise."""
        better, worse = CHANGE_COLOURS[self._theme()]

        def style(improved: bool | None) -> str:
            if improved is None:
                return ""
            return f"QLabel {{ color: {better if improved else worse}; }}"

        loss, before = self.loss, self.previous_loss
        self.loss_label.setStyleSheet(
            style(None if loss is None or before is None or loss == before else loss < before)
        )
        for label, (name, target) in zip(self.output_labels, self._targets.items()):
            now, was = self._outputs.get(name), self._previous_outputs.get(name)
            if now is None or was is None or now == was:
                label.setStyleSheet("")
            else:
                label.setStyleSheet(style(abs(now - target) < abs(was - target)))

    @property
    def preview(self) -> str | None:
        """The preview text shown, or ``None`` for the session's own weights."""
        return self._preview
