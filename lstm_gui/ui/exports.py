"""Exports of what the window shows: the diagram as PNG or SVG, the trace as
CSV, the weights as an ``nn.LSTM(1, 1)`` state_dict."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from lstm_gui import __version__
from lstm_gui.core.cell import CellParams, Trace
from lstm_gui.core.files.io import atomic_write_text
from lstm_gui.core.formatting import trace_csv_text
from lstm_gui.ui.diagram.scene import DiagramScene


def export_png(scene: DiagramScene, path: str, scale: float = 2.0) -> None:
    """The diagram as a PNG, ``scale`` pixels per scene unit (sharp for slides)."""
    rect = scene.sceneRect()
    image = QImage(int(rect.width() * scale), int(rect.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(scene.backgroundBrush().color())
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render_to(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    if not image.save(path, "PNG"):  # type: ignore[call-overload]  # stub says bytes; PySide6 takes str
        raise OSError(f"could not write {path}")


def export_svg(scene: DiagramScene, path: str, title: str) -> None:
    """The diagram as SVG through QSvgGenerator (pyqtgraph's exporter fails on Qt 6.11)."""
    rect = scene.sceneRect()
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(title)
    generator.setDescription(f"Made with lstm-gui {__version__}")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    scene.render_to(painter, QRectF(0, 0, rect.width(), rect.height()))
    painter.end()
    if not Path(path).exists() or Path(path).stat().st_size == 0:
        raise OSError(f"could not write {path}")


def export_trace_csv(trace: Trace, path: str) -> None:
    """Every value of every step at full precision (reads back exactly)."""
    atomic_write_text(path, trace_csv_text(trace))


def export_torch(params: CellParams, path: str) -> None:
    """The weights as the state_dict of ``nn.LSTM(1, 1)`` in float64."""
    from lstm_gui.core.files.torch_bridge import save_torch  # imports torch: only now

    save_torch(params, path)
