"""Help > Keyboard Shortcuts: every action with a shortcut, grouped by menu.

The list is read from the window's own ``QAction``s each time it is shown
(:func:`shortcut_rows`), never written down a second time, so it cannot
drift from the keys that work. :func:`shortcut_conflicts` finds two actions
on one key (Qt would then run neither and print "Ambiguous shortcut
overload"); a test runs it over the whole window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: The group of actions with a shortcut that are in no menu.
OTHER_GROUP = "Other"

#: A QAction dynamic property holding the name the list shows for an action
#: whose text changes with the state (Undo reads "Undo Set weights from the
#: loss landscape"): the list names what the key does, not what it would do now.
SHORTCUT_NAME = "shortcut_name"


@dataclass(frozen=True, slots=True)
class ShortcutRow:
    """One action as listed: its menu path, its words and its keys."""

    group: str  # "File", "File > Open Recent", or OTHER_GROUP
    text: str  # the action's SHORTCUT_NAME, else its text without its & mnemonic
    keys: str  # every shortcut, as this platform writes them, ", " between
    action: QAction


def plain_text(text: str) -> str:
    """A menu text without its mnemonic ("&Open..." -> "Open...", "&&" -> "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def action_name(action: QAction) -> str:
    """The action as the list names it: its :data:`SHORTCUT_NAME` if set,
    else its text without the mnemonic."""
    stable = action.property(SHORTCUT_NAME)
    return str(stable) if stable else plain_text(action.text())


def keys_text(action: QAction) -> str:
    """The action's shortcuts in the platform's words ("Ctrl+S, Ctrl+Y")."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty())


def _menu_actions(menu: QMenu, path: str) -> Iterable[tuple[str, QAction]]:
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            yield from _menu_actions(submenu, f"{path} > {plain_text(submenu.title())}")
        elif not action.isSeparator():
            yield path, action


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every action of ``window`` that has a shortcut: those in the menu bar
    first, in menu order and under their menu's path, then the others (in
    no menu) under :data:`OTHER_GROUP`. Each action once."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        for path, action in _menu_actions(menu, plain_text(menu.title())):
            keys = keys_text(action)
            if keys and id(action) not in seen:
                seen.add(id(action))
                rows.append(ShortcutRow(path, action_name(action), keys, action))
    for action in window.findChildren(QAction):
        keys = keys_text(action)
        if keys and id(action) not in seen:
            seen.add(id(action))
            rows.append(ShortcutRow(OTHER_GROUP, action_name(action), keys, action))
    return rows


def shortcut_conflicts(actions: Iterable[QAction]) -> dict[str, list[str]]:
    """Keys bound to more than one of ``actions`` -> the names of those actions.

    Only window- and application-wide shortcuts can collide across the
    window; a shortcut that works only while its own widget has focus
    (e.g. Escape in the history scrubber) is left out.
    """
    wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    owners: dict[str, list[str]] = {}
    for action in actions:
        if action.shortcutContext() not in wide:
            continue
        name = action.objectName() or plain_text(action.text())
        for sequence in {s.toString(QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts()}:
            if sequence:
                owners.setdefault(sequence, []).append(name)
    return {keys: names for keys, names in owners.items() if len(names) > 1}


class ShortcutsPanel(QWidget):
    """A filter line (``shortcuts_filter``) over a tree (``shortcuts_tree``):
    one branch per menu, one row per action (what it does, its keys)."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_panel")
        self._window = window
        self.filter = QLineEdit()
        self.filter.setObjectName("shortcuts_filter")
        self.filter.setPlaceholderText("Filter by action or key, e.g. undo or ctrl")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcuts_tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        self.filter.textChanged.connect(self._on_filter_changed)
        self.refresh()

    def refresh(self) -> None:
        """Read the actions again (their texts change, e.g. Run and Pause)."""
        self.tree.clear()
        #: Each menu's branch and its rows, in the order shown.
        self._groups: list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = []
        branches: dict[str, tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = {}
        for row in shortcut_rows(self._window):
            if row.group not in branches:
                group = QTreeWidgetItem(self.tree, [row.group])
                group.setFirstColumnSpanned(True)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                branches[row.group] = (group, [])
                self._groups.append(branches[row.group])
            parent, items = branches[row.group]
            item = QTreeWidgetItem(parent, [row.text, row.keys])
            # The full name leads the tooltip, so a name elided by a narrow
            # dock can still be read.
            tip = row.action.statusTip() or row.action.toolTip()
            item.setToolTip(0, row.text if not tip or tip == row.text else f"{row.text}\n{tip}")
            items.append(item)
        self.tree.expandAll()
        self._on_filter_changed(self.filter.text())

    @Slot(str)
    def _on_filter_changed(self, text: str) -> None:
        """Rows whose action, keys or menu contain every word typed (any case)."""
        words = text.lower().split()
        for group, items in self._groups:
            group_text = group.text(0).lower()
            shown = 0
            for item in items:
                haystack = f"{group_text} {item.text(0).lower()} {item.text(1).lower()}"
                match = all(word in haystack for word in words)
                item.setHidden(not match)
                shown += match
            group.setHidden(shown == 0)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """(group, action, keys) of the rows the filter leaves shown."""
        return [
            (group.text(0), item.text(0), item.text(1))
            for group, items in self._groups
            if not group.isHidden()
            for item in items
            if not item.isHidden()
        ]
