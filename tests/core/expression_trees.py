"""Random expressions for property tests: a tree, its text, and a reference
evaluation written straight from the language's rules (independent of the
parser and the generated code in ``lstm_gui.core.expressions``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

Tree = tuple[Any, ...]

NAMES = ("x", "long", "long_prev", "forget", "short")
NUMBERS = ("0", "0.5", "1", "2", "1e-3", "2.5e2", "1e5", ".25", "3.", "1e300")
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
UNARY_FUNCTIONS = ("abs", "exp", "log", "tanh", "sigmoid")

# Binding strength, as in the language (loosest first).
_LEVEL = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7, "pos": 7}


def _level(tree: Tree) -> int:
    kind = tree[0]
    if kind == "bin":
        return _LEVEL[tree[1]]
    return _LEVEL.get(kind, 8)


def trees(max_leaves: int = 12) -> st.SearchStrategy[Tree]:
    leaves = st.one_of(
        st.sampled_from(NAMES).map(lambda n: ("name", n)),
        st.sampled_from(NUMBERS).map(lambda t: ("num", t)),
    )

    def extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
        return st.one_of(
            st.tuples(st.just("bin"), st.sampled_from(("+", "-", "*", "/")), children, children),
            st.tuples(st.just("neg"), children),
            st.tuples(st.just("pos"), children),
            st.tuples(
                st.just("cmp"),
                children,
                st.lists(st.tuples(st.sampled_from(COMPARISONS), children), min_size=1, max_size=2).map(tuple),
            ),
            st.tuples(st.sampled_from(("and", "or")), children, children),
            st.tuples(st.just("not"), children),
            st.tuples(st.just("call"), st.sampled_from(UNARY_FUNCTIONS), st.tuples(children)),
            st.tuples(st.just("call"), st.sampled_from(("min", "max")), st.lists(children, min_size=2, max_size=3)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def render(tree: Tree, need: int = 0, extra: bool = False) -> str:
    """The text of ``tree``, with parentheses where the binding strengths
    need them (and around every compound part when ``extra``)."""
    kind = tree[0]
    if kind in ("num", "name"):
        return tree[1]
    if kind == "bin":
        level = _LEVEL[tree[1]]
        text = f"{render(tree[2], level, extra)} {tree[1]} {render(tree[3], level + 1, extra)}"
    elif kind in ("neg", "pos"):
        text = ("-" if kind == "neg" else "+") + render(tree[1], 7, extra)
    elif kind == "cmp":
        text = render(tree[1], 5, extra) + "".join(f" {op} {render(t, 5, extra)}" for op, t in tree[2])
    elif kind in ("and", "or"):
        level = _LEVEL[kind]
        text = f"{render(tree[1], level, extra)} {kind} {render(tree[2], level + 1, extra)}"
    elif kind == "not":
        text = "not " + render(tree[1], 3, extra)
    else:  # call
        return f"{tree[1]}({', '.join(render(arg, 0, extra) for arg in tree[2])})"
    return f"({text})" if extra or _level(tree) < need else text


class MathError(Exception):
    pass


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise MathError
    return value


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _value(tree: Tree, env: Mapping[str, float]) -> float:
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "name":
        return float(env[tree[1]])
    if kind == "neg":
        return -_value(tree[1], env)
    if kind == "pos":
        return _value(tree[1], env)
    if kind == "bin":
        a, b = _value(tree[2], env), _value(tree[3], env)
        op = tree[1]
        if op == "/" and b == 0:
            raise MathError
        return _finite(a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b)
    if kind == "cmp":
        left = _value(tree[1], env)
        for op, operand in tree[2]:
            right = _value(operand, env)
            holds = {
                "<": left < right,
                "<=": left <= right,
                ">": left > right,
                ">=": left >= right,
                "==": left == right,
                "!=": left != right,
            }[op]
            if not holds:
                return 0.0  # the rest of a chain is not evaluated
            left = right
        return 1.0
    if kind == "and":
        return 1.0 if _value(tree[1], env) != 0 and _value(tree[2], env) != 0 else 0.0
    if kind == "or":
        return 1.0 if _value(tree[1], env) != 0 or _value(tree[2], env) != 0 else 0.0
    if kind == "not":
        return 1.0 if _value(tree[1], env) == 0 else 0.0
    name, args = tree[1], [_value(arg, env) for arg in tree[2]]
    if name == "abs":
        return abs(args[0])
    if name == "min":
        return min(args)
    if name == "max":
        return max(args)
    if name == "exp":
        try:
            return math.exp(args[0])
        except OverflowError:
            raise MathError from None
    if name == "log":
        if args[0] <= 0:
            raise MathError
        return math.log(args[0])
    if name == "tanh":
        return math.tanh(args[0])
    return _sigmoid(args[0])


def reference(tree: Tree, env: Mapping[str, float]) -> float | None:
    """The value of ``tree`` by the language's rules, ``None`` for a math error."""
    try:
        return _finite(_value(tree, env))
    except MathError:
        return None
