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

    def settle(window: MainWindow) -> None:
        for _ in range(10):
            app.processEvents()
        window.size_docks()
        for _ in range(10):
            app.processEvents()

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

    # 1. The notebook's example at step 1 (default size).
    window = new_window("notebook", 1440, 900)
    window.set_step(1)
    shot(window, "window.png")
    window.export_png(str(out / "diagram.png"))
    print("wrote diagram.png")
    window.close()

    # 2. The companies example, Company B stepped to 4, dark theme.
    window = new_window("companies", 1440, 900, theme="dark")
    window.select_sequence("Company B")
    window.set_step(4)
    shot(window, "companies_dark.png")
    window.close()

    # 3. A small screen: 1280x720, Company A at step 2, the training tab shown.
    window = new_window("companies", 1280, 720)
    window.select_sequence("Company A")
    window.set_step(2)
    shot(window, "window_1280x720.png")
    window.dock_training.raise_()
    shot(window, "training_tab_1280x720.png")
    window.close()

    # 4. The training panel after StatQuest's 5000-epoch run (the tutorial's picture).
    window = new_window("companies", 1440, 900)
    panel = window.training_panel
    window.dock_training.raise_()
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
    path = out / "training.png"
    if not window.dock_training.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path}")
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
