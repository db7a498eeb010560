"""Filter expressions such as ``"age >= 30 and club == 'A'"``.

Grammar: ``expr := term ('or' term)*``, ``term := factor ('and' factor)*``,
``factor := 'not' factor | '(' expr ')' | NAME OP LITERAL | MARK``, with OP one of
``== != < <= > >= contains startswith endswith``; literals are numbers, quoted strings, true, false, null.
A MARK is a name that the caller gives a row mask for, such as ``selected`` (the nodes
selected in a graph view) in the server's nodes table.
A comparison with a null value is False (``== null`` / ``!= null`` test for nulls).
"""
from __future__ import annotations

import operator
import re

import numpy as np

_TOKEN = re.compile(r"""\s*(?:(?P<num>-?\d+\.?\d*(?:[eE][-+]?\d+)?)|(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<op>==|!=|<=|>=|<|>|\(|\))|(?P<word>[A-Za-z_][A-Za-z0-9_.]*|`[^`]+`))""", re.X)
_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge}
_WORD_LITERALS = {"true": True, "false": False, "null": None, "none": None}


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _unescape(text: str) -> str:
    """Backslash escapes of a quoted literal; any other character stays as written."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text)


def _tokenize(text: str) -> list:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"filter {text!r}: cannot read from {text[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    return tokens


MAX_NESTING = 64   # parentheses and `not`s around one comparison


class _Parser:
    def __init__(self, text: str, values_of, length: int, marks: dict):
        self.text, self.tokens, self.i = text, _tokenize(text), 0
        self.values_of, self.length, self.marks = values_of, length, marks
        # the limit is ours, not the interpreter's (a library may raise its recursion
        # limit, and deep input must fail the same way whatever was imported)
        self.depth = 0

    def fail(self, what: str):
        raise ValueError(f"filter {self.text!r}: {what}")

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self) -> np.ndarray:
        if not self.tokens:
            self.fail("is empty")
        mask = self.expr()
        if self.i != len(self.tokens):
            self.fail(f"unexpected {self.peek()[1]!r}")
        return mask

    def expr(self):
        mask = self.term()
        while self.peek() == ("word", "or"):
            self.take()
            mask = mask | self.term()
        return mask

    def term(self):
        mask = self.factor()
        while self.peek() == ("word", "and"):
            self.take()
            mask = mask & self.factor()
        return mask

    def factor(self):
        kind, value = self.take()
        if (kind, value) in (("word", "not"), ("op", "(")):
            self.depth += 1
            if self.depth > MAX_NESTING:
                self.fail(f"nested too deeply (at most {MAX_NESTING} levels)")
            try:
                if value == "not":
                    return ~self.factor()
                mask = self.expr()
                if self.take() != ("op", ")"):
                    self.fail("missing ')'")
                return mask
            finally:
                self.depth -= 1
        if kind != "word":
            self.fail(f"expected a column name, found {value!r}")
        name = value.strip("`")
        following = self.peek()
        if value in self.marks and not (following[0] == "op" and following[1] in _OPS
                                        or following[1] in TEXT_TESTS):
            return np.asarray(self.marks[value](), dtype=bool)
        op_kind, op = self.take()
        if not (op_kind == "op" and op in _OPS) and op not in TEXT_TESTS:
            self.fail(f"expected a comparison after {name!r}, found {op!r}")
        literal = self.literal()
        return compare(self.values_of(name), op, literal, name)

    def literal(self):
        kind, value = self.take()
        if kind == "num":
            return float(value) if any(c in value for c in ".eE") else int(value)
        if kind == "str":
            return _unescape(value[1:-1])
        if kind == "word" and value.lower() in _WORD_LITERALS:
            return _WORD_LITERALS[value.lower()]
        self.fail(f"expected a value, found {value!r}")


TEXT_TESTS = ("contains", "startswith", "endswith")


def _kind_of(values) -> str:
    if hasattr(values, "equals"):  # a string column that tests its own UTF-8 bytes
        return "string"
    return "object" if values.dtype == object else "number"


def is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating, np.bool_))


def compare(column, op: str, literal, name: str) -> np.ndarray:
    """Mask of ``values op literal``; ``column`` is (values, valid-mask or None).

    ``literal`` is a value, None (``==``/``!=`` test for nulls) or another column's
    (values, valid) pair of the same length, compared row by row. A comparison with a
    null is False under every operator, ``!=`` included (SQL's rule; pandas' nullable
    dtypes give the same masks once their NA is filled with False).
    """
    values, valid = column
    present = np.ones(len(values), dtype=bool) if valid is None else np.asarray(valid)
    kind = _kind_of(values)
    if isinstance(literal, tuple):  # another column, row by row
        return _compare_columns(values, kind, present, op, literal, name)
    if literal is None:
        if op not in ("==", "!="):
            raise ValueError(f"column {name!r}: only == and != compare with null")
        return ~present if op == "==" else present.copy()
    if op in TEXT_TESTS:
        if kind != "string" or not isinstance(literal, str):
            raise TypeError(f"column {name!r}: {op!r} needs a string column and a string; "
                            f"got a {kind} column and {literal!r}")
        if op == "contains":
            return values.contains(literal) & present
        return values.affix(literal, op == "endswith") & present
    if op not in _OPS:
        raise ValueError(f"column {name!r}: unknown comparison {op!r}")
    if kind == "string":
        if not isinstance(literal, str):
            raise TypeError(f"column {name!r} holds strings; cannot compare it with "
                            f"{literal!r} (a {type(literal).__name__})")
        if op in ("==", "!="):
            mask = values.equals(literal)
            return (mask if op == "==" else ~mask) & present
        return _OPS[op](values.order(literal), 0) & present
    if kind == "number" and not is_number(literal):
        raise TypeError(f"column {name!r} holds numbers; cannot compare it with "
                        f"{literal!r} (a {type(literal).__name__})")
    return _elementwise(values, op, literal, name) & present


def _compare_columns(values, kind, present, op, other, name) -> np.ndarray:
    other_values, other_valid = other
    if len(other_values) != len(values):
        raise ValueError(f"column {name!r}: cannot compare {len(values)} values with "
                         f"{len(other_values)}")
    other_kind = _kind_of(other_values)
    if op in TEXT_TESTS or op not in _OPS:
        raise ValueError(f"column {name!r}: {op!r} takes a single value, not a column")
    if "number" in (kind, other_kind) and kind != other_kind:
        raise TypeError(f"column {name!r}: cannot compare a {kind} column with a "
                        f"{other_kind} column")
    if other_valid is not None:
        present = present & np.asarray(other_valid)
    a = values.decoded() if kind == "string" else values
    b = other_values.decoded() if other_kind == "string" else other_values
    return _elementwise(a, op, b, name) & present


def _elementwise(values, op: str, other, name: str) -> np.ndarray:
    try:
        return np.asarray(_OPS[op](values, other), dtype=bool)
    except TypeError as exc:  # objects that do not order, for one
        raise TypeError(f"column {name!r}: cannot apply {op!r}: {exc}") from None


def evaluate(text: str, values_of, length: int, marks: dict | None = None) -> np.ndarray:
    """Evaluate filter ``text``; ``values_of(name)`` gives (values, valid) for a column;
    ``marks`` maps a name usable on its own to a function giving a row mask.

    Examples
    --------
    >>> cols = {"a": (np.array([1, 5, 9]), None)}
    >>> evaluate("a > 2 and a < 9", cols.__getitem__, 3).tolist()
    [False, True, False]
    >>> evaluate("not selected or a == 9", cols.__getitem__, 3,
    ...          {"selected": lambda: np.array([True, True, False])}).tolist()
    [False, False, True]
    """
    if not isinstance(text, str):
        raise TypeError(f"a filter expression is a str, got {type(text).__name__}")
    if len(text) > 10_000:
        raise ValueError(f"filter of {len(text):,} characters is too long (limit 10,000)")
    try:
        return np.asarray(_Parser(text, values_of, length, marks or {}).parse(), dtype=bool)
    except TypeError as exc:  # a comparison of the wrong kinds: the expression is at fault
        raise ValueError(f"filter {text!r}: {exc}") from None
    except RecursionError:
        raise ValueError(f"filter {text[:40]!r}...: nested too deeply") from None
