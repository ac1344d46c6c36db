"""Render the README screenshots from the real app, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python .ci/screenshots.py [OUT_DIR]

Writes resources/screenshots/*.png and company_b.gif (or into OUT_DIR). Settings go to a
temporary folder, so a person's own window layout never leaks in.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LSTM_GUI_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="lstm-gui-shots-")

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from lstm_gui.core.stages import StepPosition
    from lstm_gui.ui.app import make_app
    from lstm_gui.ui.main_window import MainWindow

    # --only-gradients: just issue 13's pictures (the others need a long training run).
    only_gradients = "--only-gradients" in argv
    # --only-docks: the Watch and Breakpoints docks in the dark theme and the About note.
    only_docks = "--only-docks" in argv
    argv = [arg for arg in argv if arg not in ("--only-gradients", "--only-docks")]
    out = Path(argv[0]) if argv else ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()

    def fade(window: MainWindow) -> None:
        for _ in range(20):
            app.processEvents()
        # Let the brief "what changed" flashes fade: the pictures show the steady state.
        deadline = time.monotonic() + 5
        while window.scene.flashing_labels() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)

    def settle(window: MainWindow) -> None:
        for _ in range(10):
            app.processEvents()
        window.reset_layout()
        fade(window)

    def shot(window: MainWindow, name: str) -> None:
        settle(window)
        path = out / name
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def new_window(example: str, width: int, height: int, theme: str = "light") -> MainWindow:
        window = MainWindow()
        window.open_example(example, ask=False)
        window._apply_theme(theme, save=False)
        window.resize(width, height)
        window.show()
        settle(window)
        return window

    def train_statquest(window: MainWindow) -> None:
        """StatQuest's run: their start, Adam, lr 0.001, 5000 epochs, one update per sequence."""
        panel = window.training_panel
        panel.init_box.setCurrentIndex(panel.init_box.findData("statquest"))
        panel.optimizer_box.setCurrentIndex(panel.optimizer_box.findData("adam"))
        for edit, text in ((panel.lr_edit, "0.001"), (panel.epochs_edit, "5000")):
            edit.setText(text)
            edit.editingFinished.emit()
        panel.action_train.trigger()
        deadline = time.monotonic() + 120
        while panel.is_training() and time.monotonic() < deadline:
            app.processEvents()
        settle(window)

    if only_gradients:
        gradient_shots(app, out, new_window, shot, settle)
        return 0
    if only_docks:
        dock_shots(out, new_window, settle)
        return 0

    # 1. 1440x900: StatQuest's run done, Company B at its last step, the sums on the diagram.
    window = new_window("companies", 1440, 900)
    train_statquest(window)
    window.select_sequence("Company B")
    window.set_step(4)
    window.action_show_sums.trigger()
    shot(window, "window.png")
    path = out / "training.png"
    if not window.dock_training.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")
    # The loss landscape after that run: the training path down into the valley.
    from lstm_gui.core.landscape import LandscapeChoice

    window.session.set_landscape(
        LandscapeChoice(x="candidate.w_short", y="output.w_short", x_range=(-2.0, 3.0), y_range=(1.5, 5.5), grid=96)
    )
    window.action_view_landscape.trigger()
    deadline = time.monotonic() + 60
    while window.landscape_view.is_computing() and time.monotonic() < deadline:
        app.processEvents()
    for _ in range(10):
        app.processEvents()
    path = out / "landscape.png"
    if not window.dock_landscape.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")
    window.dock_landscape.hide()
    window.action_show_sums.trigger()
    window.undo_stack.setClean()
    window.close()

    # 2. 1280x720: the companies example as it opens (step 1), the notebook's names shown.
    window = new_window("companies", 1280, 720)
    window.action_show_names.trigger()
    shot(window, "window_1280x720.png")
    window.export_png(str(out / "diagram.png"))
    print("wrote diagram.png")
    window.action_show_names.trigger()
    window.close()

    # 3. 1024x700: after the run, the history scrubber previews epoch 2000.
    window = new_window("companies", 1024, 700)
    train_statquest(window)
    window.training_panel.preview_epoch(2000)
    window.select_sequence("Company A")
    window.set_step(4)
    shot(window, "window_1024x700.png")
    window.undo_stack.setClean()
    window.close()

    # 4. The dark theme: Company B stepped to 2.
    window = new_window("companies", 1440, 900, theme="dark")
    window.select_sequence("Company B")
    window.set_step(2)
    shot(window, "companies_dark.png")
    window.close()

    # 9. The comparison dock: the plain RNN and the GRU on Company B at step 2, after Train all three
    #    (random start from seed 1, Adam, lr 0.01, 2000 epochs), floated to show it whole.
    window = new_window("companies", 1440, 900)
    window.session.set_training(window.session.training.replace(init="random", seed=1, lr=0.01, epochs=2000))
    window.select_sequence("Company B")
    window.set_step(2)
    window.action_view_comparison.trigger()
    view = window.comparison_view
    view.train_all()
    deadline = time.monotonic() + 60
    while view.runner.is_running() and time.monotonic() < deadline:
        app.processEvents()
    window.dock_comparison.setFloating(True)
    window.dock_comparison.resize(440, 1000)
    for _ in range(20):
        app.processEvents()
    path = out / "comparison.png"
    if not window.dock_comparison.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")
    window.undo_stack.setClean()
    window.close()

    # 5. Issue 13: the long-memory example after seed 0's run (Train), with View > Show
    #    Gradients, walked back to step 1, and the gradient-through-time plot.
    gradient_shots(app, out, new_window, shot, settle)

    # 6. 1280x720, issue 12: Go to end stopped at a breakpoint on Company A,
    # watches in the trace table; then the Breakpoints and Watch docks side by side.
    from lstm_gui.core.debugging import Breakpoint, Watch

    window = new_window("companies", 1280, 720)
    session = window.session
    session.set_breakpoints(
        [
            Breakpoint("long * long_prev < 0"),
            Breakpoint("forget < 0.1", enabled=False),
            Breakpoint("output > 0.99 or output < 0.01"),
        ]
    )
    session.set_watches(
        [
            Watch("forget * long_prev", in_table=True),
            Watch("input * candidate", in_table=True, in_plot=True),
            Watch("output * tanh(long)"),
            Watch("log(-long)"),
        ]
    )
    session.set_training_breakpoints([Breakpoint("loss < 0.01"), Breakpoint("abs(wo1) > 5", enabled=False)])
    window.select_sequence("Company A")
    window.set_step(1)
    window.go_to_end()  # stops at step 4: the long-term memory changes sign
    window.action_view_breakpoints.trigger()
    window.dock_trace.raise_()
    window.breakpoints_panel.steps.editor.set_text("forget >> 1")
    for _ in range(20):
        app.processEvents()
    message = window.statusBar().currentMessage()
    path = out / "debugger_window.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path} ({message})")
    breakpoints = window.dock_breakpoints.grab()
    window.action_view_watches.trigger()
    for _ in range(20):
        app.processEvents()
    watches = window.dock_watches.grab()
    side_by_side(breakpoints, watches, out / "debugger_docks.png")
    window.undo_stack.setClean()
    window.close()

    # 7. The README's animation: Company B stepped through with each step's stages, as
    # `lstm-gui animate --stages` makes it (17 frames, about 0.4 MB at 640x360).
    from lstm_gui.cli import main as lstm_gui_main

    gif = out / "company_b.gif"
    argv = ["animate", "--example", "companies", "--sequence", "Company B", "--size", "640x360", "--stages", str(gif)]
    if lstm_gui_main(argv) != 0:
        raise OSError(f"could not write {gif}")

    # 8. Edit > Preferences (a floating panel): six decimals, the colour-blind safe fills.
    from lstm_gui.core.preferences import Preferences

    window = new_window("companies", 1440, 900)
    window.set_preferences(Preferences(decimals=6, fill_map="colour_blind"), save=False)
    window.show_preferences()
    settle(window)
    path = out / "preferences.png"
    if not window.dock_preferences.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    window.close()

    # 9. Stepped into a time step: Company B, step 2, stage 2 (remember something new) lit.
    window = new_window("companies", 1440, 900)
    window.select_sequence("Company B")
    window.stepper.set_position(StepPosition(2, 2))
    settle(window)
    window.export_png(str(out / "stage.png"))
    print("wrote stage.png")
    window.close()

    # 10. File > Export Animation's panel (a tool window) with Stages ticked.
    from lstm_gui.ui.animation_panel import show_animation_panel

    window = new_window("companies", 1440, 900)
    window.select_sequence("Company B")
    panel = show_animation_panel(window)
    panel.stages_box.setChecked(True)
    settle(window)
    path = out / "animation_panel.png"
    if not panel.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    window.close()

    # 11. 1280x720: the tour's chapter 2 beside the diagram, its question answered.
    window = new_window("statquest-tour", 1280, 720)
    window.lessons.go_to(1)  # after settle(): its Reset Layout would show the docks the chapter hides
    window.lessons.guess("yes")
    fade(window)
    path = out / "lesson.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    window.close()

    # 12. 1280x720, stepped into stage 3: the caption above the long-term memory line
    # covers nothing (issue 14's review), and Help > Keyboard Shortcuts after an edit
    # with a long undo text lists plain "Undo".
    from lstm_gui.ui.commands import params_command

    window = new_window("companies", 1280, 720)
    window.select_sequence("Company B")
    window.stepper.set_position(StepPosition(2, 3))
    shot(window, "stage_1280x720.png")
    params = window.session.params.with_value("forget", "bias", 1.5)
    window.undo_stack.push(params_command(window.session, params, "Set weights from the loss landscape"))
    window.show_keyboard_shortcuts()
    for _ in range(20):
        app.processEvents()
    path = out / "keyboard_shortcuts.png"
    if not window.dock_shortcuts.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    window.undo_stack.setClean()
    window.close()

    # 13. 1280x720, dark: chapter 2's question waiting, its locked forget-gate weights greyed,
    # Train and stepping disabled, the banner saying to answer first (issue 14 review).
    window = new_window("statquest-tour", 1280, 720, theme="dark")
    window.lessons.go_to(1)
    fade(window)
    path = out / "lesson_locked_dark.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    window.close()
    QApplication.processEvents()
    return 0


def dock_shots(out: Path, new_window, settle) -> None:
    """watch_dock_dark.png and breakpoints_dark.png (1280x720, dark): unchecked
    Table/Plot boxes readable, a condition watch as true/false, the fired
    breakpoint marked while selected; about_note.png: the long-memory example's
    description unfolded under the input strip."""
    from lstm_gui.core.debugging import Breakpoint, Watch

    window = new_window("companies", 1280, 720, theme="dark")
    window.select_sequence("Company B")
    window.session.set_watches((Watch("x > 0.5", True, True), Watch("forget * long_prev", False, True)))
    window.session.set_breakpoints((Breakpoint("x > 0.9"), Breakpoint("forget < 0.1", False)))
    window.set_step(1)
    window.go_to_end()
    for dock, name in ((window.dock_watches, "watch_dock_dark.png"), (window.dock_breakpoints, "breakpoints_dark.png")):
        dock.show()
        dock.raise_()
        window.breakpoints_panel.steps.table.selectRow(0)
        window.grab()  # lays the dock out (settle's reset_layout would hide it again)
        path = out / name
        if not dock.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        print(f"wrote {path}")
    window.undo_stack.setClean()
    window.close()
    window = new_window("long-memory", 1280, 720)
    window.about_note.toggle()
    path = out / "about_note.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")
    window.close()


def gradient_shots(app, out: Path, new_window, shot, settle) -> None:
    """gradients_window.png (1440x900) and gradient_plot.png: the long-memory example
    trained as its settings say (seed 0's start, Adam lr 0.05, 1000 epochs), the
    gradients on the diagram at step 1, and the curves with a plain RNN's from the
    same kind of start after the same training."""
    from lstm_gui.core.cells import cell_kind
    from lstm_gui.core.gradients import gradients
    from lstm_gui.training.cell_training import train_cell

    window = new_window("long-memory", 1440, 900)
    panel = window.training_panel
    panel.action_train.trigger()
    deadline = time.monotonic() + 300
    while panel.is_training() and time.monotonic() < deadline:
        app.processEvents()
    settle(window)
    window.action_show_gradients.trigger()
    window.dock_gradient_plot.show()
    window.dock_gradient_plot.raise_()
    window.set_step(1)
    shot(window, "gradients_window.png")
    window.dock_gradient_plot.setFloating(True)
    window.dock_gradient_plot.resize(900, 380)
    session = window.session
    rnn = train_cell(
        "rnn", cell_kind("rnn").random_params(0), session.dataset, session.training.replace(init="current")
    )
    inputs, _long0, short0, _free = window.stepper.sequence()
    window.gradients.plot.set_cell_curve(
        "rnn",
        gradients("rnn", rnn.weights, inputs, 0.0, short0, window.gradients.model.target()),
        "plain RNN, same start and training: d loss / d short-term",
    )
    window.set_step(1)
    for _ in range(20):
        app.processEvents()
    path = out / "gradient_plot.png"
    if not window.dock_gradient_plot.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")
    # The pictures after these start as a person's first window would: the
    # gradients off and the plot back in its place (both are remembered).
    if window.action_show_gradients.isChecked():
        window.action_show_gradients.trigger()
    window.reset_layout()
    window.undo_stack.setClean()
    window.close()


def side_by_side(left, right, path: Path) -> None:
    """Two pictures next to each other on a white background (the two docks share one place in the window)."""
    from PySide6.QtGui import QColor, QPainter, QPixmap

    gap = 16
    picture = QPixmap(left.width() + gap + right.width(), max(left.height(), right.height()))
    picture.setDevicePixelRatio(left.devicePixelRatio())
    picture.fill(QColor("white"))
    painter = QPainter(picture)
    painter.drawPixmap(0, 0, left)
    painter.drawPixmap(int(left.width() / left.devicePixelRatio()) + gap, 0, right)
    painter.end()
    if not picture.save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
