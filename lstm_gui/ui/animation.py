"""Animations of the cell for slides: a GIF of stepping through a sequence (or
of a training run's replay) and one SVG per step, drawn from the real diagram.
With stages, each step also shows its three stages the way Step Into does
(the stage's parts lit and the rest dimmed, later values pending, the
stage's caption with its formulas), as stills: no pulse.

The frames are the window's own :class:`~lstm_gui.ui.diagram.scene.DiagramScene`
rendered offscreen (through :meth:`DiagramScene.render_to`, the same painting
as File > Export Diagram), scaled to fit exactly ``width x height`` pixels
with a caption line above it (which sequence, which step, which input).
What to animate (size and speed rules, the sequence, the frame positions)
is decided Qt-free in :mod:`lstm_gui.core.animation`; ``lstm-gui animate``
and File > Export Animation both call :func:`export_animation`.

GIF: Pillow, one palette of 256 colours shared by every frame, chosen from
the frames themselves without dithering: the diagram's flat colours stay
flat (no speckle) and a colour never shifts between frames. MP4 is not
offered: the one pip-installable encoder (imageio-ffmpeg) is a 68 MB download
(173 MB unpacked), more than the rest of the window's dependencies besides
PySide6 and torch.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication

from lstm_gui import __version__
from lstm_gui.core.animation import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    AnimatedSequence,
    FramePosition,
    check_fps,
    check_pixel_budget,
    check_size,
    frame_caption,
    frame_duration_ms,
    frame_positions,
    sample_rows,
    svg_file_name,
)
from lstm_gui.core.cell import CellParams, Trace, run
from lstm_gui.core.files.io import atomic_write_bytes
from lstm_gui.core.formatting import format_number
from lstm_gui.training.history import TrainingHistory
from lstm_gui.ui.diagram.scene import DiagramScene, DiagramState
from lstm_gui.ui.theme import diagram_colors

_SVG_SIZE = re.compile(rb'<svg width="[^"]*" height="[^"]*"')
#: The caption band's height as a share of the frame's height (at least 14 px).
CAPTION_SHARE = 0.07
#: Frames the shared GIF palette is chosen from (evenly spread): enough to
#: meet every colour the diagram uses, few enough to stay fast for a replay.
PALETTE_SAMPLE_FRAMES = 8


@dataclass(frozen=True, slots=True)
class Frame:
    """One picture of an animation: what the diagram shows and the line above it."""

    state: DiagramState
    caption: str
    #: Where in the sequence (names the SVG slide); None for a replay's frames.
    position: FramePosition | None = None


@dataclass(slots=True)
class AnimationResult:
    """What :func:`export_animation` wrote."""

    frame_count: int
    gif_path: str | None = None
    svg_paths: list[str] = field(default_factory=list)


def step_frames(params: CellParams, sequence: AnimatedSequence, stages: bool = False) -> Iterator[Frame]:
    """The start and every step of ``sequence`` with ``params``, one frame
    per position of :func:`~lstm_gui.core.animation.frame_positions` (with
    ``stages``, each step's three stages before the whole step)."""
    trace = run(params, sequence.inputs, sequence.long0, sequence.short0)
    for position in frame_positions(len(trace), stages):
        yield Frame(_state_at(params, sequence, trace, position), frame_caption(sequence, position), position)


def _state_at(params: CellParams, sequence: AnimatedSequence, trace: Trace, position: FramePosition) -> DiagramState:
    # The stage goes through DiagramState as the window's does (MainWindow._show_step):
    # the scene lights and dims the stage's parts, writes "…" for what a later
    # stage computes and shows the stage's caption with its formulas.
    step = trace[position.step - 1] if position.step >= 1 else None
    return DiagramState(
        params=params, long0=sequence.long0, short0=sequence.short0, step=step, stage=position.stage if step else 0
    )


def replay_frames(
    history: TrainingHistory, sequence: AnimatedSequence, max_frames: int | None = None
) -> Iterator[Frame]:
    """A training run's replay: the last step of ``sequence`` with the weights
    of each sampled epoch of ``history`` (at most ``max_frames`` rows, always
    the first and the last)."""
    rows = sample_rows(len(history)) if max_frames is None else sample_rows(len(history), max_frames)
    last_epoch = history.last_epoch
    title = sequence.name[:1].upper() + sequence.name[1:]
    for row in rows:
        params = CellParams.from_flat([float(v) for v in history.weights[row]])
        trace = run(params, sequence.inputs, sequence.long0, sequence.short0)
        epoch = int(history.epochs[row])
        caption = (
            f"Training: epoch {epoch} of {last_epoch}, loss {format_number(float(history.loss[row]))} \u2014 "
            f"{title}, step {len(trace)}: output {format_number(trace.final()[1])}"
        )
        yield Frame(_state_at(params, sequence, trace, FramePosition(len(trace))), caption)


class FrameRenderer:
    """Draws frames at exactly ``width x height`` pixels from its own offscreen scene.

    The scene is a real :class:`DiagramScene` in the chosen theme (needs a
    ``QApplication``: its values are labels); it is never shown.
    """

    def __init__(
        self, width: int, height: int, theme: str = "light", show_sums: bool = False, show_names: bool = False
    ) -> None:
        self.width, self.height = check_size(width, height)
        self.colors = diagram_colors(theme)
        self.scene = DiagramScene(self.colors)
        self.scene.set_show_sums(show_sums)
        self.scene.set_show_names(show_names)

    def close(self) -> None:
        """Free the scene's items now (its labels are widgets)."""
        self.scene.clear()
        self.scene.deleteLater()

    def layout(self) -> tuple[QRectF, QRectF]:
        """(caption band, diagram rectangle): the diagram keeps its proportions,
        as large as fits under the caption, centred (letterboxed)."""
        band = max(14.0, round(self.height * CAPTION_SHARE))
        scene_rect = self.scene.sceneRect()
        room_w, room_h = float(self.width), self.height - band
        scale = min(room_w / scene_rect.width(), room_h / scene_rect.height())
        w, h = scene_rect.width() * scale, scene_rect.height() * scale
        diagram = QRectF((room_w - w) / 2, band + (room_h - h) / 2, w, h)
        return QRectF(0, 0, self.width, band), diagram

    def paint(self, painter: QPainter, frame: Frame) -> None:
        """Paint ``frame`` onto ``painter`` (an image or an SVG) at the renderer's size."""
        self.scene.show_state(frame.state, flash=False)
        # The step-0 banner tells a person to press a key: the caption says "start" instead.
        self.scene.step0_banner.setVisible(False)
        caption_rect, diagram_rect = self.layout()
        painter.fillRect(QRectF(0, 0, self.width, self.height), QColor(self.colors.background))
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        font = QFont()
        font.setPixelSize(max(9, int(caption_rect.height() * 0.55)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(self.colors.text))
        text = painter.fontMetrics().elidedText(frame.caption, Qt.TextElideMode.ElideRight, self.width - 16)
        painter.drawText(caption_rect.adjusted(8, 0, -8, 0), int(Qt.AlignmentFlag.AlignCenter), text)
        self.scene.render_to(painter, diagram_rect)

    def image(self, frame: Frame) -> QImage:
        """``frame`` as an RGB image of exactly the renderer's size."""
        image = QImage(self.width, self.height, QImage.Format.Format_RGB888)
        image.fill(QColor(self.colors.background))
        painter = QPainter(image)
        try:
            self.paint(painter, frame)
        finally:
            painter.end()
        return image

    def svg_bytes(self, frame: Frame, title: str) -> bytes:
        """``frame`` as an SVG document (vectors: sharp on any projector)."""
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(self.width, self.height))
        generator.setViewBox(QRectF(0, 0, self.width, self.height))
        generator.setTitle(title)
        generator.setDescription(f"Made with lstm-gui {__version__}")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError("could not draw the SVG")
        try:
            self.paint(painter, frame)
        finally:
            painter.end()
        data = bytes(QByteArray(buffer.data()).data())
        buffer.close()
        # Qt writes the size in millimetres at 72 dpi (282.222mm for 800 px), which
        # other programs read at 90 or 96 dpi: state the pixels, as asked for.
        return _SVG_SIZE.sub(f'<svg width="{self.width}" height="{self.height}"'.encode(), data, count=1)


def palette_sample(frames: Sequence[Any]) -> list[Any]:
    """The frames the palette is chosen from: at most
    :data:`PALETTE_SAMPLE_FRAMES`, evenly spread (all of them when fewer)."""
    step = max(1, len(frames) // PALETTE_SAMPLE_FRAMES)
    return list(frames[::step][:PALETTE_SAMPLE_FRAMES])


def gif_palette(frames: Sequence[Any]) -> Any:
    """One palette of 256 colours for every frame (a Pillow "P" image),
    chosen without dithering from at most :data:`PALETTE_SAMPLE_FRAMES`
    frames spread over ``frames`` (Pillow RGB images)."""
    from PIL import Image  # only when a GIF is written

    sample = palette_sample(frames)
    width, height = sample[0].size
    montage = Image.new("RGB", (width, height * len(sample)))
    for k, frame in enumerate(sample):
        montage.paste(frame, (0, k * height))
    return montage.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def save_gif(indexed: Sequence[Any], fps: float) -> bytes:
    """Frames already on one palette as a GIF that loops forever, ``fps`` a second."""
    out = io.BytesIO()
    indexed[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=list(indexed[1:]),
        duration=frame_duration_ms(fps),
        loop=0,
        optimize=False,
    )
    return out.getvalue()


def gif_bytes(images: Sequence[QImage], fps: float = DEFAULT_FPS) -> bytes:
    """``images`` as a looping GIF with one shared palette (see the module's docstring)."""
    from PIL import Image

    if not images:
        raise ValueError("no frames to write")
    frames = [to_pil(image) for image in images]
    palette = gif_palette(frames)
    return save_gif([frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames], fps)


def to_pil(image: QImage) -> Any:
    """``image`` as a Pillow RGB image (Pillow is imported only when needed)."""
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())
    # Rows are padded to 4 bytes: tell Pillow the stride.
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1)


class AnimationExport:
    """One export, in small pieces: each ``next()`` of :meth:`steps` renders,
    converts or writes a little (one frame, or the final save), so the window
    can run it between events and show progress; :func:`export_animation`
    runs it to the end. :attr:`result` holds what was written once done.

    Files are written at the end only (each atomically), so an export that
    is stopped halfway leaves no GIF and no SVG behind.
    """

    def __init__(
        self,
        frames: Sequence[Frame] | Iterator[Frame],
        gif_path: str | os.PathLike[str] | None = None,
        svg_dir: str | os.PathLike[str] | None = None,
        size: tuple[int, int] = DEFAULT_SIZE,
        fps: float = DEFAULT_FPS,
        theme: str = "light",
        show_sums: bool = False,
        title: str = "LSTM cell",
    ) -> None:
        if gif_path is None and svg_dir is None:
            raise ValueError("give a GIF path or an SVG folder")
        self.frames = list(frames)
        if not self.frames:
            raise ValueError("no frames to write")
        self.gif_path = gif_path
        self.svg_dir = svg_dir
        self.fps = check_fps(fps)
        if gif_path is not None:
            check_pixel_budget(len(self.frames), size)
        self.title = title
        self.renderer = FrameRenderer(*size, theme=theme, show_sums=show_sums)
        self.result: AnimationResult | None = None

    @property
    def total(self) -> int:
        """How many pieces :meth:`steps` yields (for a progress bar)."""
        n = len(self.frames)
        gif = n + len(palette_sample(range(n))) if self.gif_path is not None else 0
        return (n if self.svg_dir is not None else 0) + gif + 1

    def steps(self) -> Iterator[int]:
        """Do the work; yields the number of pieces done so far."""
        from PIL import Image

        done = 0
        svgs: list[tuple[Path, bytes]] = []
        if self.svg_dir is not None:
            names = svg_names(self.frames)
            for frame, name in zip(self.frames, names, strict=True):
                path = Path(self.svg_dir) / name
                svgs.append((path, self.renderer.svg_bytes(frame, f"{self.title} - {frame.caption}")))
                done += 1
                yield done
        indexed = []
        if self.gif_path is not None:
            # The palette's sample frames first; then every frame is put on the
            # palette as soon as it is drawn, so only one byte a pixel is kept
            # (the RGB frames of a 4K animation took gigabytes).
            samples: dict[int, Any] = {}
            for k in palette_sample(range(len(self.frames))):
                samples[k] = to_pil(self.renderer.image(self.frames[k]))
                done += 1
                yield done
            palette = gif_palette(list(samples.values()))
            for k, frame in enumerate(self.frames):
                picture = samples.pop(k) if k in samples else to_pil(self.renderer.image(frame))
                indexed.append(picture.quantize(palette=palette, dither=Image.Dither.NONE))
                del picture
                done += 1
                yield done
        result = AnimationResult(len(self.frames))
        if svgs:
            folder = Path(self.svg_dir)  # type: ignore[arg-type]  # svgs only when svg_dir is set
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(folder)) from None
            for path, data in svgs:
                _write(path, data)
                result.svg_paths.append(str(path))
        if self.gif_path is not None:
            _write(self.gif_path, save_gif(indexed, self.fps))
            result.gif_path = os.fspath(self.gif_path)
        self.result = result
        yield done + 1

    def close(self) -> None:
        self.renderer.close()


def svg_names(frames: Sequence[Frame]) -> list[str]:
    """The SVG file of each frame (:func:`~lstm_gui.core.animation.svg_file_name`):
    named by step (and stage) when every frame has a position, else by its
    index (a replay: ``step_00.svg``, ``step_01.svg``, ...)."""
    positions = [frame.position for frame in frames]
    if any(position is None for position in positions):
        digits = max(2, len(str(len(frames) - 1)))
        return [svg_file_name(FramePosition(k), digits) for k in range(len(frames))]
    known = [position for position in positions if position is not None]
    digits = max(2, len(str(max(position.step for position in known))))
    stages = any(position.stage for position in known)
    return [svg_file_name(position, digits, stages) for position in known]


def export_animation(
    frames: Sequence[Frame] | Iterator[Frame],
    gif_path: str | os.PathLike[str] | None = None,
    svg_dir: str | os.PathLike[str] | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    fps: float = DEFAULT_FPS,
    theme: str = "light",
    show_sums: bool = False,
    title: str = "LSTM cell",
) -> AnimationResult:
    """Render ``frames`` at ``size`` and write a GIF to ``gif_path`` and/or
    ``step_00.svg``, ``step_01.svg``, ... (:func:`svg_names`) into
    ``svg_dir`` (created if missing). Every file is written atomically; ``OSError`` (naming the
    target) if one cannot be."""
    job = AnimationExport(frames, gif_path, svg_dir, size, fps, theme, show_sums, title)
    try:
        for _ in job.steps():
            pass
    finally:
        job.close()
    assert job.result is not None
    return job.result


def export_without_window(frames: Sequence[Frame] | Iterator[Frame], **options: Any) -> AnimationResult:
    """:func:`export_animation` where no window runs (the command line): a
    ``QApplication`` is made if there is none (the diagram's values are
    widgets), and its pending deletions run afterwards."""
    app = QApplication.instance() or QApplication(["lstm-gui"])
    try:
        return export_animation(frames, **options)
    finally:
        app.processEvents()  # let the offscreen scene's deleteLater run


def _write(path: str | os.PathLike[str], data: bytes) -> None:
    """Atomically, and a failure names ``path`` (not the temporary file beside it)."""
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(path)) from None
