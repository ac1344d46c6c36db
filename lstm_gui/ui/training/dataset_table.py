"""The training dataset as an editable table, with Add, Remove, Import and
Export.

It shows the session's dataset (it listens to the adapter's
``dataset_changed``) and turns each edit into one undo command
(:func:`~lstm_gui.ui.commands.dataset_command`). A refused cell shows the
session's value again and the reason under the table.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core import dataset as datasets
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.core.parsing import parse_number
from lstm_gui.core.session import Session
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import dataset_command
from lstm_gui.ui.training.controls import format_value


class DatasetEditor(QWidget):
    """The dataset table, its buttons and its error line.

    Signals
    -------
    status_message(str) : a short note for the window's status bar.
    """

    status_message = Signal(str)
    #: A refusal was shown (the panel unfolds the dataset so it is in sight).
    error_shown = Signal(str)

    def __init__(self, adapter: SessionAdapter, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._adapter = adapter
        self._undo_stack = undo_stack
        self.dataset_table = QTableWidget(0, 3)
        self.dataset_table.setObjectName("train_dataset")
        self.dataset_table.setHorizontalHeaderLabels(["Name", "Inputs", "Target"])
        header = self.dataset_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.dataset_table.verticalHeader().setVisible(False)
        self.dataset_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dataset_table.setToolTip(
            "Inputs: numbers separated by spaces, commas or semicolons. Every sequence starts from memories 0."
        )
        self.dataset_table.itemChanged.connect(self._on_item_changed)
        self.dataset_table.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.dataset_table.setMinimumHeight(90)
        self.dataset_error = QLabel()
        self.dataset_error.setObjectName("train_dataset_error")
        self.dataset_error.setWordWrap(True)
        self.dataset_error.setStyleSheet("color: #b00020;")
        self.dataset_error.hide()
        self.button_add_row = QPushButton("Add")
        self.button_add_row.setObjectName("train_add_row")
        self.button_add_row.clicked.connect(self.add_sequence)
        self.button_remove_row = QPushButton("Remove")
        self.button_remove_row.setObjectName("train_remove_row")
        self.button_remove_row.clicked.connect(self.remove_selected_sequences)
        self.button_import = QPushButton("Import…")
        self.button_import.setToolTip("Replace the dataset with a CSV file's (name, inputs, target)")
        self.button_import.setObjectName("train_import_csv")
        self.button_import.clicked.connect(self._on_import_csv)
        self.button_export = QPushButton("Export…")
        self.button_export.setToolTip("Save the dataset as a CSV file")
        self.button_export.setObjectName("train_export_csv")
        self.button_export.clicked.connect(self._on_export_csv)
        row_buttons = QHBoxLayout()
        for button in (self.button_add_row, self.button_remove_row, self.button_import, self.button_export):
            row_buttons.addWidget(button)
        row_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 4)
        layout.addWidget(self.dataset_table)
        layout.addLayout(row_buttons)
        layout.addWidget(self.dataset_error)
        adapter.dataset_changed.connect(self._on_dataset_changed)

    @property
    def session(self) -> Session:
        return self._adapter.session

    def set_editable(self, editable: bool) -> None:
        """Off while a run goes (the run trains on the dataset it started with)."""
        for widget in (self.dataset_table, self.button_add_row, self.button_remove_row, self.button_import):
            widget.setEnabled(editable)

    @Slot(object)
    def _on_dataset_changed(self, dataset: tuple[DatasetItem, ...]) -> None:
        self.show_dataset(dataset)

    def show_dataset(self, dataset: tuple[DatasetItem, ...]) -> None:
        table = self.dataset_table
        header = table.horizontalHeader()
        # With content-sized columns every setItem re-measured the whole column
        # (5,000 rows: 90 s); fill with fixed columns and updates off, then
        # size the columns once (benchmarks/bench_many_sequences.py).
        modes = [header.sectionResizeMode(column) for column in range(3)]
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        table.setUpdatesEnabled(False)
        try:
            with QSignalBlocker(table):
                table.setRowCount(len(dataset))
                for row, item in enumerate(dataset):
                    for column, text in enumerate(
                        (item.name, datasets.format_inputs(item.inputs), format_value(item.target))
                    ):
                        cell = QTableWidgetItem(text)
                        if column == 2:
                            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                        table.setItem(row, column, cell)
        finally:
            for column, mode in enumerate(modes):
                header.setSectionResizeMode(column, mode)
            table.setUpdatesEnabled(True)

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, cell: QTableWidgetItem) -> None:
        row, column = cell.row(), cell.column()
        dataset = self.session.dataset
        if row >= len(dataset):
            return
        old = dataset[row]
        text = cell.text()
        try:
            if column == 0:
                new = replace(old, name=text.strip())
            elif column == 1:
                new = DatasetItem(old.name, datasets.parse_inputs(text, f"{old.name} inputs"), old.target)
            else:
                new = DatasetItem(old.name, old.inputs, parse_number(text, f"{old.name} target"))
            after = dataset[:row] + (new,) + dataset[row + 1 :]
            datasets.check_dataset(after)  # the dataset's rules (one name each), in one place
        except FieldError as error:  # NumberError, a rule of DatasetItem or of the dataset
            # Refused: the cell shows the session's value again, the reason stays visible.
            where = "name" if error.where.endswith("name") else error.where
            self.show_error(f"{where}: {error.reason}" if where else error.reason)
            self.show_dataset(dataset)
            return
        self.show_error("")
        if after != dataset:
            self._undo_stack.push(dataset_command(self.session, after, f"Edit {old.name}"))

    def show_error(self, text: str) -> None:
        self.dataset_error.setText(text)
        self.dataset_error.setVisible(bool(text))
        if text:
            self.error_shown.emit(text)

    @Slot()
    def add_sequence(self) -> None:
        dataset = self.session.dataset
        names = {d.name for d in dataset}
        k = len(dataset) + 1
        while f"Sequence {k}" in names:
            k += 1
        inputs = dataset[-1].inputs if dataset else (0.0,)
        new = DatasetItem(f"Sequence {k}", inputs, 0.0)
        self._undo_stack.push(dataset_command(self.session, dataset + (new,), "Add sequence"))
        self.dataset_table.setCurrentCell(len(dataset), 1)

    @Slot()
    def remove_selected_sequences(self) -> None:
        dataset = self.session.dataset
        rows = sorted({index.row() for index in self.dataset_table.selectionModel().selectedRows()})
        if not rows and self.dataset_table.currentRow() >= 0:
            rows = [self.dataset_table.currentRow()]
        rows = [r for r in rows if r < len(dataset)]
        if not rows:
            self.show_error("Select the rows to remove first.")
            return
        after = tuple(d for k, d in enumerate(dataset) if k not in rows)
        text = "Remove sequence" if len(rows) == 1 else f"Remove {len(rows)} sequences"
        self._undo_stack.push(dataset_command(self.session, after, text))

    def import_dataset_csv(self, path: str) -> None:
        """Replace the dataset with a CSV file's (one undo step)."""
        try:
            imported = datasets.read_dataset_csv(path)
        except (OSError, ValueError) as error:
            self.show_error(f"Could not import: {error}")
            return
        self.show_error("")
        self._undo_stack.push(dataset_command(self.session, imported, "Import dataset"))

    def export_dataset_csv(self, path: str) -> None:
        try:
            datasets.write_dataset_csv(self.session.dataset, path)
        except OSError as error:
            self.show_error(f"Could not export {path}: {error}")
            return
        self.status_message.emit(f"Dataset saved to {path}")

    @Slot()
    def _on_import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import dataset", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.import_dataset_csv(path)

    @Slot()
    def _on_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export dataset", "dataset.csv", "CSV files (*.csv)")
        if path:
            self.export_dataset_csv(path)
