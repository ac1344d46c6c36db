"""The layout's promises, checked on the source (``ast``, nothing is imported).

- The modules of ``lstm_gui`` import each other without a cycle.
- ``core/``, ``training/`` and ``cli/`` never import Qt (PySide6, shiboken6,
  pyqtgraph) or the window (``lstm_gui.ui``), not even inside a function;
  the one exception is the window's launch in ``cli``'s ``_run_window``.
  (``tests/core/test_core_isolation.py`` checks the same at run time.)
- Only ``core/resources.py`` may use ``__file__``: packaged files are found
  with ``importlib.resources``.
- Tests wait for events, not for fixed times, and do not time the code
  (speed is measured in ``benchmarks/``).
- Test doubles live in ``tests/``, never in the package.

How imports become edges of the dependency graph:

- ``import lstm_gui.a.b`` depends on ``lstm_gui.a.b``;
  ``from lstm_gui.a import b`` on ``lstm_gui.a.b`` when that is a module, else
  (``b`` is a name defined in ``a``) on ``lstm_gui.a``, i.e. on the package's
  ``__init__``. Relative imports are resolved the same way. Imports anywhere
  count: at the top, inside functions, under ``if TYPE_CHECKING:``.
- A package's ``__init__`` is the node named after the package. Python runs a
  parent package's ``__init__`` before any submodule, but that implied edge
  (submodule -> parent) is not added: it would make every ``__init__`` that
  re-exports its submodules a "cycle". So a package's ``__init__`` may import
  its own submodules, and there is a cycle only when one of them imports
  something back from that ``__init__`` (``from lstm_gui.cli import CliError``
  inside ``lstm_gui/cli/trace.py``, while ``cli/__init__`` imports ``trace``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import lstm_gui

PACKAGE_DIR = Path(lstm_gui.__path__[0]).resolve()
TESTS_DIR = Path(__file__).resolve().parent

QT_PACKAGES = ("PySide6", "shiboken6", "pyqtgraph")
QT_FREE_PARTS = ("core", "training", "cli")
#: (module, function, imported module): the lazy imports of the window that are allowed.
ALLOWED_WINDOW_IMPORTS = {
    ("lstm_gui.cli", "_run_window", "lstm_gui.ui.app"),
    # animate draws with the window's diagram, offscreen: Qt only once it runs.
    ("lstm_gui.cli.animate", "run", "lstm_gui.ui.animation"),
}
#: The one module that may locate files with ``__file__``.
FILE_LOCATOR = "lstm_gui.core.resources"
DOUBLE_WORDS = ("fake", "host", "double")


# --- the package's modules and their imports ---------------------------------


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package_sources() -> dict[str, tuple[Path, bool]]:
    """Every module of lstm_gui: name -> (file, is a package's __init__)."""
    return {_module_name(path): (path, path.name == "__init__.py") for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _from_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from X import ...`` reads from (relative ones resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _imports(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The modules one import statement depends on (see the module docstring)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = _from_base(node, module, is_package)
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]


def _import_graph(sources: dict[str, tuple[Path, bool]]) -> dict[str, set[str]]:
    known = set(sources)
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for module, (path, is_package) in sources.items():
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imports(node, module, is_package, known):
                    if target in known and target != module:
                        graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a path that ends where it starts) per strongly connected group (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    cycles = []
    for group in groups:
        # The shortest way from the group's first module back to itself, inside the group.
        start = min(group)
        paths = {start: [start]}
        frontier = [start]
        cycle: list[str] = []
        while frontier and not cycle:
            next_frontier = []
            for node in frontier:
                for target in sorted(graph[node] & group):
                    if target == start:
                        cycle = [*paths[node], start]
                        break
                    if target not in paths:
                        paths[target] = [*paths[node], target]
                        next_frontier.append(target)
                if cycle:
                    break
            frontier = next_frontier
        cycles.append(cycle)
    return cycles


def _imports_with_function(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, str | None]]:
    """Every import statement with the name of the outermost function it sits in (None: module level)."""

    def walk(node: ast.AST, function: str | None) -> Iterator[tuple[ast.Import | ast.ImportFrom, str | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, function
            inner = (
                child.name
                if function is None and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                else function
            )
            yield from walk(child, inner)

    yield from walk(tree, None)


def test_the_package_modules_import_each_other_without_a_cycle():
    graph = _import_graph(_package_sources())
    # The graph really holds the package's imports (a parser that found none would pass).
    assert "lstm_gui.cli.common" in graph["lstm_gui.cli"]
    assert "lstm_gui.core.cell" in graph["lstm_gui.core.session"]
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join("  " + " -> ".join(cycle) for cycle in cycles)


def test_an_import_back_from_the_parent_package_init_is_a_cycle_and_a_submodule_import_is_not():
    known = {"pkg", "pkg.a", "pkg.b"}
    init = ast.parse("from pkg import a\nfrom . import b\n")
    child_of_init = ast.parse("from pkg import helper\n")  # a name defined in pkg/__init__.py
    child_of_sibling = ast.parse("from . import a\nfrom .a import thing\nimport pkg.a\n")

    def edges(tree: ast.Module, module: str, is_package: bool) -> set[str]:
        return {
            target
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in _imports(node, module, is_package, known)
        }

    assert edges(init, "pkg", True) == {"pkg.a", "pkg.b"}
    assert edges(child_of_init, "pkg.b", False) == {"pkg"}
    assert edges(child_of_sibling, "pkg.b", False) == {"pkg.a"}
    assert _cycles({"pkg": {"pkg.a", "pkg.b"}, "pkg.a": set(), "pkg.b": {"pkg.a"}}) == []
    assert _cycles({"pkg": {"pkg.a", "pkg.b"}, "pkg.a": set(), "pkg.b": {"pkg"}}) == [["pkg", "pkg.b", "pkg"]]


# --- Qt stays in ui/ ---------------------------------------------------------


def _is_window_or_qt(target: str) -> bool:
    return target.split(".")[0] in QT_PACKAGES or target == "lstm_gui.ui" or target.startswith("lstm_gui.ui.")


def test_core_training_and_cli_never_import_qt_or_the_window_except_to_launch_it():
    sources = _package_sources()
    known = set(sources)
    offending, allowances_used = [], set()
    for module, (path, is_package) in sources.items():
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in QT_FREE_PARTS:
            continue
        for node, function in _imports_with_function(_parse(path)):
            for target in _imports(node, module, is_package, known):
                if not _is_window_or_qt(target):
                    continue
                if (module, function, target) in ALLOWED_WINDOW_IMPORTS:
                    allowances_used.add((module, function, target))
                    continue
                where = f"in {function}()" if function else "at module level"
                offending.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno} imports {target} {where}")
    assert not offending, "Qt-free parts import Qt or the window:\n" + "\n".join(offending)
    # An allowance nobody uses any more would silently allow a new import one day.
    assert allowances_used == ALLOWED_WINDOW_IMPORTS


# --- files are found in one place --------------------------------------------


def test_only_the_resources_module_uses___file__():
    sources = _package_sources()
    assert FILE_LOCATOR in sources
    users = []
    for module, (path, _) in sources.items():
        if module == FILE_LOCATOR:
            continue
        for node in ast.walk(_parse(path)):
            if (isinstance(node, ast.Name) and node.id == "__file__") or (
                isinstance(node, ast.Attribute) and node.attr == "__file__"
            ):
                users.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno}")
    assert not users, f"use {FILE_LOCATOR} (importlib.resources) instead of __file__ in: {', '.join(users)}"


# --- tests wait for events and do not time the code ---------------------------

CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "time", "time_ns", "process_time"}
# Names that are only ever imported from time (``from time import perf_counter``).
BARE_CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time"}


def _is_clock_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr in CLOCKS and isinstance(func.value, ast.Name) and func.value.id == "time"
    return isinstance(func, ast.Name) and func.id in BARE_CLOCKS


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool)


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    yield from (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of one scope, without those of the functions defined inside it (lambdas belong to it)."""
    nodes, todo = [], [scope]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo += [c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.FunctionDef | ast.AsyncFunctionDef)]
    return nodes


def _clock_names(own: list[ast.AST]) -> set[str]:
    """Names that hold a clock reading, or a value computed from one, within one scope."""
    names: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in own:
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node.value is not None:
                if not _reads_clock(node.value, names):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and name.id not in names:
                            names.add(name.id)
                            changed = True
    return names


def _reads_clock(expr: ast.AST, clock_names: set[str]) -> bool:
    return any(_is_clock_call(n) or (isinstance(n, ast.Name) and n.id in clock_names) for n in ast.walk(expr))


def _fixed_waits(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if name == "sleep" and owner in ("time", ""):
            yield node.lineno, "time.sleep(...)"
        elif name == "wait" and owner == "qtbot" and any(_is_number(argument) for argument in arguments):
            yield node.lineno, "qtbot.wait(<fixed time>)"
        elif name == "qWait":
            yield node.lineno, "QTest.qWait(...)"


def _clock_checks(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for scope in _scopes(tree):
        own = _own_nodes(scope)
        clock = _clock_names(own)
        in_assert = {id(n) for a in own if isinstance(a, ast.Assert) for n in ast.walk(a)}
        # `while time.monotonic() - start < 5:` is a timeout around polling, not a check of speed.
        in_loop_test = {id(n) for w in own if isinstance(w, ast.While) for n in ast.walk(w.test)}
        for node in own:
            if isinstance(node, ast.Assert) and _reads_clock(node.test, clock):
                yield node.lineno, "an assert on wall-clock time"
            elif (
                isinstance(node, ast.Compare)
                and id(node) not in in_assert
                and id(node) not in in_loop_test
                and _reads_clock(node, clock)
                and any(_is_number(side) for side in [node.left, *node.comparators])
            ):
                yield node.lineno, "wall-clock time compared with a number"


def _timing_problems(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, what) for each fixed wait and each check of wall-clock time in one test module."""
    return sorted({*_fixed_waits(tree), *_clock_checks(tree)})


def test_a_fixed_wait_or_a_timed_assert_in_a_test_is_found():
    source = (
        "import time\n"
        "def test_x(qtbot):\n"
        "    time.sleep(0.1)\n"
        "    qtbot.wait(300)\n"
        "    qtbot.waitUntil(lambda: True, timeout=1000)\n"
        "    started = time.perf_counter()\n"
        "    elapsed = time.perf_counter() - started\n"
        "    assert elapsed < 1.5\n"
        "    if elapsed > 2:\n"
        "        raise AssertionError\n"
        "    deadline = time.monotonic() + 5\n"
        "    while time.monotonic() < deadline:\n"
        "        break\n"
        "def test_y(event):\n"
        "    assert event.wait(10)\n"
        "    elapsed = 3\n"
        "    assert elapsed < 5\n"
    )
    assert _timing_problems(ast.parse(source)) == [
        (3, "time.sleep(...)"),
        (4, "qtbot.wait(<fixed time>)"),
        (8, "an assert on wall-clock time"),
        (9, "wall-clock time compared with a number"),
    ]


def test_tests_wait_for_events_and_never_time_the_code():
    problems = sorted(
        f"{path.relative_to(TESTS_DIR.parent)}:{line}: {what}"
        for path in TESTS_DIR.rglob("*.py")
        for line, what in _timing_problems(_parse(path))
    )
    assert not problems, (
        "wait with qtbot.waitUntil / waitSignal instead of a fixed time, and measure speed in benchmarks/:\n"
        + "\n".join(problems)
    )


# --- test doubles ------------------------------------------------------------


def test_test_doubles_live_in_tests_not_in_the_package():
    doubles = [
        str(path.relative_to(PACKAGE_DIR.parent))
        for path in PACKAGE_DIR.rglob("*")
        if "__pycache__" not in path.parts and any(word in path.stem.lower() for word in DOUBLE_WORDS)
    ]
    assert not doubles, f"test doubles belong in tests/: {', '.join(doubles)}"


def test_the_readme_layout_names_every_module():
    """The README's Development tree lists every module: a new file must be placed there too."""
    from pathlib import Path as _Path

    root = _Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    tree = readme.split("### Layout", 1)[1].split("###", 1)[0]
    listed = {line.split()[0] for line in tree.splitlines() if line.strip().endswith(".py") or ".py " in line}
    missing = sorted(
        str(path.relative_to(root)) for path in (root / "lstm_gui").rglob("*.py") if path.name not in listed
    )
    assert not missing, f"not in the README's layout tree: {missing}"
