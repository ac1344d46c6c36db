"""The small expression language of breakpoints and watches.

``forget < 0.1``, ``abs(long - long_prev) > 1 and step > 2``,
``output * tanh(long)``: numbers as the command line reads them, names, ``+ -
* /``, unary minus and plus, comparisons (chains such as ``0 < x < 1``),
``and``, ``or``, ``not``, parentheses and the functions ``abs min max exp log
tanh sigmoid``. Nothing else: no attribute access, indexing, powers, strings or
other calls; at most :data:`MAX_EXPRESSION_CHARS` characters, nested at most
:data:`MAX_DEPTH` levels.

The text is read by a tokenizer and a recursive-descent parser of our own,
never by ``eval``. The validated tree is then turned into a small Python
function (names become numbered locals, numbers their ``repr``, functions
fixed helpers: no character of the person's text reaches the generated
source), because that function runs once per step over 100,000-step traces
and once per epoch in training; a tree of closures would be several times
slower.

Values: a comparison, ``and``, ``or`` and ``not`` give true or false (1 and
0 as a number). A math error while evaluating (log of a number <= 0, division
by zero, overflow, a non-finite result) gives ``None``: a condition with it
is false, a watch shows nothing; evaluation never raises.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lstm_gui.core.cell import TRACE_FIELDS, sigmoid
from lstm_gui.core.errors import FieldError
from lstm_gui.core.limits import QUOTE_CHARS
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES

#: Longest expression accepted (characters).
MAX_EXPRESSION_CHARS = 500

#: Deepest nesting accepted (parentheses, operators, calls, ``not``).
MAX_DEPTH = 100

#: The names of a trace step, exactly the keys ``lstm-gui trace --format json``
#: prints (its one owner is :data:`~lstm_gui.core.cell.TRACE_FIELDS`).
TRACE_NAMES: tuple[str, ...] = TRACE_FIELDS

#: Function name -> (least, most) number of arguments (``None``: no limit).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "abs": (1, 1),
    "min": (2, None),
    "max": (2, None),
    "exp": (1, 1),
    "log": (1, 1),
    "tanh": (1, 1),
    "sigmoid": (1, 1),
}

KEYWORDS: frozenset[str] = frozenset({"and", "or", "not"})

# Longest token or name quoted in a message, so that a message stays short.
_TOKEN_CHARS = 30


#: ``loss_ago_N``: in training, the loss N epochs earlier in the same run
#: (1 <= N <= MAX_LOSS_LAG); before the run's epoch N it is not known, which
#: counts as a math error. It makes "the loss stopped improving" expressible.
LOSS_AGO_PREFIX = "loss_ago_"
MAX_LOSS_LAG = 100_000
_LOSS_AGO = re.compile(re.escape(LOSS_AGO_PREFIX) + r"[1-9][0-9]*")


class TrainingNames(tuple[str, ...]):
    """The names of a training condition: the listed ones, and also (for
    ``in``) every ``loss_ago_N`` with 1 <= N <= :data:`MAX_LOSS_LAG`."""

    __slots__ = ()

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str) and _LOSS_AGO.fullmatch(name):
            return int(name[len(LOSS_AGO_PREFIX) :]) <= MAX_LOSS_LAG
        return tuple.__contains__(self, name)


def training_names(dataset_size: int, weight_names: Sequence[str] | None = None) -> tuple[str, ...]:
    """The names a training condition may use, for a dataset of
    ``dataset_size`` sequences: ``epoch``, ``loss``, each weight by its
    notebook name (``wlr1`` ... ``bo1``) and as ``gate.role``
    (``forget.w_short``), each sequence's output ``out_0``, ``out_1``, ...;
    and (accepted by ``in``, not listed) ``loss_ago_N``.

    ``weight_names`` replaces the LSTM's weights by another cell's
    (``CellKind.param_names``: ``w_short``, ``reset.bias`` ...).
    """
    if weight_names is None:
        dotted = tuple(f"{gate}.{role}" for gate, role in NOTEBOOK_NAMES.values())
        weights: tuple[str, ...] = (*NOTEBOOK_NAMES, *dotted)
    else:
        weights = tuple(weight_names)
    outputs = tuple(f"out_{k}" for k in range(max(0, dataset_size)))
    return TrainingNames(("epoch", "loss", *weights, *outputs))


def suggest(name: str, names: Collection[str]) -> str | None:
    """The known name closest to a mistyped ``name`` (``forgt`` -> ``forget``),
    or ``None`` if none is close."""
    candidates = [*names, *FUNCTIONS]
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _shown(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters of it, then ``…``."""
    cut = text[:limit]
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return shown + "…" if len(text) > limit else shown


class ExpressionError(FieldError):
    """An expression refused, with its position.

    ``where`` is the caller's field (``break``, ``watch``, ``--break``);
    ``text`` the expression; ``column`` the 1-based column of the problem
    (``None`` when it concerns the whole text); ``detail`` the problem alone
    (``unexpected '>' at column 9``). ``reason`` is one line quoting at most
    40 characters of the expression: ``forget >> 1: unexpected '>' at column 9``.
    """

    def __init__(self, where: str, text: str, detail: str, column: int | None = None) -> None:
        self.text = text
        self.column = column
        self.detail = detail
        shown = _shown(text, QUOTE_CHARS) if text.strip() else "''"
        super().__init__(where, f"{shown}: {detail}")


# --- tokens -----------------------------------------------------------------

_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
_DIGITS = frozenset("0123456789")
_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", ",")
# Spellings from other languages, refused with a hint.
_HINTS = {
    "**": "'**' is not supported (no powers; multiply instead)",
    "&&": "'&&' is not supported; write 'and'",
    "||": "'||' is not supported; write 'or'",
    "=": "'=' is not a comparison; write '=='",
    "!": "'!' is not supported; write 'not' or '!='",
    "[": "indexing with '[' is not supported",
    ".": "'.' is not supported here (no attribute access)",
    "'": "text in quotes is not supported",
    '"': "text in quotes is not supported",
}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    column: int  # 1-based
    value: float = 0.0


def _tokenize(text: str, where: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, n = 0, len(text)
    while pos < n:
        char = text[pos]
        if char in " \t":
            pos += 1
            continue
        column = pos + 1
        # ASCII digits only: str.isdigit() is also true for '０', '²' and '٣',
        # which the number pattern does not read; they fall through to the
        # "unexpected character" message below.
        if char in _DIGITS or (char == "." and pos + 1 < n and text[pos + 1] in _DIGITS):
            match = _NUMBER.match(text, pos)
            assert match is not None
            end = match.end()
            if end < n and (text[end].isalnum() or text[end] in "._"):
                stop = end
                while stop < n and (text[stop].isalnum() or text[stop] in "._"):
                    stop += 1
                bad = text[pos:stop]
                raise ExpressionError(
                    where, text, f"malformed number '{_shown(bad, _TOKEN_CHARS)}' at column {column}", column
                )
            value = float(match.group())
            if not math.isfinite(value):
                raise ExpressionError(
                    where,
                    text,
                    f"number '{_shown(match.group(), _TOKEN_CHARS)}' at column {column} is too large",
                    column,
                )
            tokens.append(_Token("num", match.group(), column, value))
            pos = end
            continue
        if char.isalpha() or char == "_":
            match = _NAME.match(text, pos)
            stop = pos
            while stop < n and (text[stop].isalnum() or text[stop] == "_"):
                stop += 1
            if match is None or match.end() < stop:
                # A name with letters or digits outside ASCII (``héllo``,
                # ``x²``): no known name is spelled so.
                word = text[pos:stop]
                raise ExpressionError(
                    where, text, f"unknown name '{_shown(word, _TOKEN_CHARS)}' at column {column}", column
                )
            end = match.end()
            if end < n and (text[end].isalnum() or text[end] in "._"):
                # x.y.z, or a name running into letters outside ASCII
                bad = text[end]
                raise ExpressionError(where, text, f"unexpected '{_shown(bad, 1)}' at column {end + 1}", end + 1)
            tokens.append(_Token("name", match.group(), column))
            pos = end
            continue
        for hint in ("**", "&&", "||"):
            if text.startswith(hint, pos):
                raise ExpressionError(where, text, f"{_HINTS[hint]} (column {column})", column)
        for op in _OPERATORS:
            if text.startswith(op, pos):
                tokens.append(_Token("op", op, column))
                pos += len(op)
                break
        else:
            if char in _HINTS:
                raise ExpressionError(where, text, f"{_HINTS[char]} (column {column})", column)
            raise ExpressionError(where, text, f"unexpected '{_shown(char, 1)}' at column {column}", column)
    tokens.append(_Token("end", "", n + 1))
    return tokens


# --- tree ---------------------------------------------------------------------
# Nodes are tuples: ("num", value) | ("name", name) | ("neg", x) | ("pos", x)
# | ("arith", first, ((op, x), ...)) for one flat chain of + - or of * /
# | ("cmp", first, ((op, x), ...)) | ("and", (x, ...)) | ("or", (x, ...))
# | ("not", x) | ("call", function, (x, ...)).
Node = tuple[Any, ...]

_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})

# Binding strength of the binary operators (precedence climbing); ``not``
# sits between ``and`` (2) and the comparisons (4).
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT = 1, 2, 3, 4, 5, 6
_ARITH_OPS = {_SUM: ("+", "-"), _PRODUCT: ("*", "/")}


class _Parser:
    """Precedence climbing over the tokens, loosest first: ``or``, ``and``,
    ``not``, comparisons (chained), ``+ -``, ``* /``, unary ``- +``, atoms.

    A run of one level's operators becomes one flat node (``a + b - c``).
    Two depths are bounded by :data:`MAX_DEPTH` so that hostile input fails
    with a message, never a RecursionError: the nesting in the text
    (parentheses, calls, unary signs, ``not``) and the depth of the tree
    (which sets the nesting of the generated code).
    """

    def __init__(self, text: str, tokens: list[_Token], names: Collection[str], where: str) -> None:
        self.text = text
        self.tokens = tokens
        self.names = names
        self.where = where
        self.pos = 0
        self.nesting = 0
        self.depths: dict[int, int] = {}
        self.used: set[str] = set()

    def error(self, detail: str, column: int | None) -> ExpressionError:
        return ExpressionError(self.where, self.text, detail, column)

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def is_op(self, *ops: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text in ops

    def is_keyword(self, word: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "name" and token.text == word

    def enter(self, column: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep at column {column}", column)

    def node(self, column: int, children: Sequence[Node], *parts: Any) -> Node:
        """A new inner node over ``children``; refused if the tree gets
        deeper than MAX_DEPTH."""
        depth = 1 + max((self.depths.get(id(child), 0) for child in children), default=0)
        if depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep at column {column}", column)
        new: Node = tuple(parts)
        self.depths[id(new)] = depth
        return new

    def unexpected(self, token: _Token, expected: str = "") -> ExpressionError:
        wanted = f" (expected {expected})" if expected else ""
        if token.kind == "end":
            wanted = wanted or " (expected a number, a name or '(')"
            return self.error(f"unexpected end at column {token.column}{wanted}", token.column)
        return self.error(
            f"unexpected '{_shown(token.text, _TOKEN_CHARS)}' at column {token.column}{wanted}", token.column
        )

    def parse(self) -> Node:
        node = self.parse_expression(_OR)
        token = self.peek()
        if token.kind != "end":
            raise self.unexpected(token)
        return node

    def binary_level(self, token: _Token) -> int | None:
        if token.kind == "name":
            return {"or": _OR, "and": _AND}.get(token.text)
        if token.kind != "op":
            return None
        if token.text in _COMPARISONS:
            return _COMPARE
        for level, ops in _ARITH_OPS.items():
            if token.text in ops:
                return level
        return None

    def parse_expression(self, min_level: int) -> Node:
        left = self.parse_prefix(min_level)
        while True:
            token = self.peek()
            level = self.binary_level(token)
            if level is None or level < min_level:
                return left
            if level in (_OR, _AND):
                items = [left]
                while self.is_keyword(token.text):
                    self.take()
                    items.append(self.parse_expression(level + 1))
                left = self.node(token.column, items, token.text, tuple(items))
            elif level == _COMPARE:
                rest = []
                while self.peek().kind == "op" and self.peek().text in _COMPARISONS:
                    op = self.take().text
                    rest.append((op, self.parse_expression(_SUM)))
                left = self.node(token.column, [left, *(x for _, x in rest)], "cmp", left, tuple(rest))
            else:
                rest = []
                while self.is_op(*_ARITH_OPS[level]):
                    op = self.take().text
                    rest.append((op, self.parse_expression(level + 1)))
                left = self.node(token.column, [left, *(x for _, x in rest)], "arith", left, tuple(rest))

    def parse_prefix(self, min_level: int) -> Node:
        token = self.peek()
        if token.kind == "name" and token.text == "not":
            if min_level > _NOT:  # x < not y, as in Python
                raise self.unexpected(token)
            self.take()
            self.enter(token.column)
            operand = self.parse_expression(_NOT)
            self.nesting -= 1
            return self.node(token.column, [operand], "not", operand)
        if self.is_op("-", "+"):
            self.take()
            self.enter(token.column)
            operand = self.parse_prefix(_PRODUCT + 1)
            self.nesting -= 1
            return self.node(token.column, [operand], "neg" if token.text == "-" else "pos", operand)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.take()
        if token.kind == "num":
            return ("num", token.value)
        if token.kind == "op" and token.text == "(":
            self.enter(token.column)
            node = self.parse_expression(_OR)
            if not self.is_op(")"):
                raise self.unexpected(self.peek(), "')'")
            self.take()
            self.nesting -= 1
            return node
        if token.kind == "name":
            return self.parse_name(token)
        raise self.unexpected(token)

    def parse_name(self, token: _Token) -> Node:
        name = token.text
        if name in KEYWORDS:
            raise self.unexpected(token)
        if name in FUNCTIONS and name not in self.names:
            return self.parse_call(token)
        if self.is_op("("):
            raise self.error(
                f"'{_shown(name, _TOKEN_CHARS)}' at column {token.column} is not a function "
                f"(functions: {', '.join(FUNCTIONS)})",
                token.column,
            )
        if name not in self.names:
            if isinstance(self.names, TrainingNames) and _LOSS_AGO.fullmatch(name):
                raise self.error(
                    f"'{_shown(name, _TOKEN_CHARS)}' at column {token.column} looks too far back: "
                    f"{LOSS_AGO_PREFIX}N allows N up to {MAX_LOSS_LAG}",
                    token.column,
                )
            close = suggest(name, self.names)
            hint = f" (did you mean '{close}'?)" if close else ""
            raise self.error(
                f"unknown name '{_shown(name, _TOKEN_CHARS)}'{hint} at column {token.column}", token.column
            )
        self.used.add(name)
        return ("name", name)

    def parse_call(self, token: _Token) -> Node:
        name = token.text
        if not self.is_op("("):
            raise self.error(f"function '{name}' at column {token.column} needs '(' and its arguments", token.column)
        self.take()
        self.enter(token.column)
        args = [self.parse_expression(_OR)]
        while self.is_op(","):
            self.take()
            args.append(self.parse_expression(_OR))
        if not self.is_op(")"):
            raise self.unexpected(self.peek(), "',' or ')'")
        self.take()
        self.nesting -= 1
        least, most = FUNCTIONS[name]
        if len(args) < least or (most is not None and len(args) > most):
            wanted = f"{least}" if least == most else f"at least {least}"
            raise self.error(
                f"{name}() at column {token.column} takes {wanted} argument{'s' if wanted != '1' else ''}, "
                f"got {len(args)}",
                token.column,
            )
        return self.node(token.column, args, "call", name, tuple(args))


# --- code ---------------------------------------------------------------------


class _MathError(ArithmeticError):
    """A non-finite intermediate value."""


def _finite(value: float) -> float:
    # v - v is 0 for every finite number and nan for inf and nan.
    if value - value == 0.0:
        return value
    raise _MathError


#: What the generated code may call; nothing else is in its namespace.
_HELPERS: dict[str, object] = {
    "__builtins__": {},
    "_c": _finite,
    "_f_abs": abs,
    "_f_min": min,
    "_f_max": max,
    "_f_exp": math.exp,
    "_f_log": math.log,
    "_f_tanh": math.tanh,
    "_f_sigmoid": sigmoid,
}

# Errors that mean "this value cannot be computed here", never a bug.
_MATH_ERRORS = (ArithmeticError, ValueError)


def _source(node: Node, locals_: Mapping[str, str]) -> str:
    """Python source for a validated node. Every node adds one level of
    parentheses at most, so MAX_DEPTH keeps far inside Python's limits."""
    kind = node[0]
    if kind == "num":
        return repr(float(node[1]))
    if kind == "name":
        return locals_[node[1]]
    if kind == "neg":
        return f"(-{_source(node[1], locals_)})"
    if kind == "pos":
        return f"(+{_source(node[1], locals_)})"
    if kind == "arith":
        # One check per flat chain is enough: operands are finite, and once
        # the running value is inf or nan it stays non-finite (or raises).
        parts = [_source(node[1], locals_)]
        parts += [f"{op} {_source(operand, locals_)}" for op, operand in node[2]]
        return f"_c({' '.join(parts)})"
    if kind == "cmp":
        parts = [_source(node[1], locals_)]
        parts += [f"{op} {_source(operand, locals_)}" for op, operand in node[2]]
        return f"({' '.join(parts)})"
    if kind in ("and", "or"):
        return "(" + f" {kind} ".join(f"{_source(item, locals_)} != 0" for item in node[1]) + ")"
    if kind == "not":
        return f"({_source(node[1], locals_)} == 0)"
    if kind == "call":
        args = ", ".join(_source(arg, locals_) for arg in node[2])
        return f"_f_{node[1]}({args})"
    raise AssertionError(f"unknown node {kind}")


@dataclass(frozen=True)
class Expression:
    """A compiled expression: evaluate it over a mapping of names to numbers.

    ``names_used`` are the names it reads; ``is_condition`` is true when its
    top level is a comparison, ``and``, ``or`` or ``not`` (a breakpoint's
    natural form; any expression can still be used, nonzero meaning true).
    """

    text: str
    names_used: frozenset[str]
    is_condition: bool
    _tree: Node = field(repr=False, compare=False)
    _function: Callable[[Mapping[str, float]], Any] = field(repr=False, compare=False)
    _order: tuple[str, ...] = field(repr=False, compare=False)
    _body: str = field(repr=False, compare=False)

    def evaluate(self, env: Mapping[str, float]) -> float | None:
        """The value (true 1.0, false 0.0), or ``None`` for a math error.

        ``env`` must hold every name in :attr:`names_used` (``KeyError``
        otherwise: that is a caller's bug, not a person's).
        """
        try:
            value = float(self._function(env))
        except _MATH_ERRORS:
            return None
        return value if value - value == 0.0 else None

    def holds(self, env: Mapping[str, float]) -> bool:
        """Whether the expression is true here: nonzero, and no math error."""
        value = self.evaluate(env)
        return value is not None and value != 0.0

    def column_function(self) -> Callable[[Sequence[Sequence[float]], int, int], int]:
        """A function ``(columns, start, stop) -> index`` giving the first row
        in ``range(start, stop)`` where the expression holds (-1 if none).
        ``columns`` are the value lists of :meth:`column_names`, in order."""
        return self._column_functions()[0]

    def column_values(self) -> Callable[[Sequence[Sequence[float]], int, int], list[float | None]]:
        """A function ``(columns, start, stop) -> values`` evaluating every row."""
        return self._column_functions()[1]

    def column_names(self) -> tuple[str, ...]:
        """The names whose columns :meth:`column_function` reads, in order."""
        return self._order

    def _column_functions(self) -> tuple[Any, Any]:
        cached = self.__dict__.get("_columns_cache")
        if cached is None:
            cached = _column_code(self._body, len(self._order))
            object.__setattr__(self, "_columns_cache", cached)
        return cached


def _column_code(body: str, count: int) -> tuple[Any, Any]:
    unpack = "".join(f"    k{j} = columns[{j}]\n" for j in range(count))
    load = "".join(f"        v{j} = k{j}[i]\n" for j in range(count))
    scan = (
        "def scan(columns, start, stop):\n"
        + unpack
        + "    for i in range(start, stop):\n"
        + load
        + "        try:\n"
        + f"            value = {body}\n"
        + "        except _errors:\n"
        + "            continue\n"
        + "        if value != 0 and value - value == 0:\n"
        + "            return i\n"
        + "    return -1\n"
    )
    values = (
        "def values(columns, start, stop):\n"
        + unpack
        + "    out = []\n"
        + "    append = out.append\n"
        + "    for i in range(start, stop):\n"
        + load
        + "        try:\n"
        + f"            value = float({body})\n"
        + "        except _errors:\n"
        + "            append(None)\n"
        + "            continue\n"
        + "        append(value if value - value == 0 else None)\n"
        + "    return out\n"
    )
    helpers = dict(_HELPERS, _errors=_MATH_ERRORS, float=float, range=range)
    namespace: dict[str, Any] = {}
    exec(compile(scan + values, "<expression columns>", "exec"), helpers, namespace)
    return namespace["scan"], namespace["values"]


def parse_tree(text: str, names: Collection[str], where: str = "expression") -> Node:
    """The validated tree of ``text`` (for tests and tools); see :func:`compile_expression`."""
    return _parse(text, names, where)[0]


def _parse(text: str, names: Collection[str], where: str) -> tuple[Node, set[str]]:
    if not isinstance(text, str):
        raise ExpressionError(where, "", "expected text")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(where, text, f"{len(text)} characters, more than the limit of {MAX_EXPRESSION_CHARS}")
    if not text.strip():
        raise ExpressionError(where, text, "empty expression")
    parser = _Parser(text, _tokenize(text, where), names, where)
    tree = parser.parse()
    return tree, parser.used


def compile_expression(text: str, names: Collection[str], where: str = "expression") -> Expression:
    """Parse ``text`` over the allowed ``names`` and compile it.

    Raises
    ------
    ExpressionError
        With the reason and column: ``forget >> 1: unexpected '>' at column 9``.
    """
    tree, used = _parse(text, names, where)
    order = tuple(sorted(used))
    body = _source(tree, {name: f"v{j}" for j, name in enumerate(order)})
    loads = "".join(f"    v{j} = env[_names[{j}]]\n" for j in range(len(order)))
    code = f"def evaluate(env):\n{loads}    return {body}\n"
    namespace: dict[str, Any] = {}
    exec(compile(code, "<expression>", "exec"), dict(_HELPERS, _names=order), namespace)
    return Expression(
        text=text,
        names_used=frozenset(used),
        is_condition=tree[0] in ("cmp", "and", "or", "not"),
        _tree=tree,
        _function=namespace["evaluate"],
        _order=order,
        _body=body,
    )
