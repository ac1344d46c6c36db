"""Render the README screenshots from the real app, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python .ci/screenshots.py [OUT_DIR]

Writes resources/screenshots/*.png (or into OUT_DIR). Settings go to a
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

    from lstm_gui.ui.app import make_app
    from lstm_gui.ui.main_window import MainWindow

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

    # 5. 1280x720: the tour's chapter 2 beside the diagram, its question answered.
    window = new_window("statquest-tour", 1280, 720)
    window.lessons.go_to(1)  # after settle(): its Reset Layout would show the docks the chapter hides
    window.lessons.guess("yes")
    fade(window)
    path = out / "lesson.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
