"""Answers checked across engines: a benchmark whose engines disagree fails the run.

``GROGGY_BENCH_WRONG_ANSWER=NAME`` (test-only) makes groggy's answer to the check NAME
wrong on purpose (numbers are shifted by one, anything else replaced), through the same
code path as a real answer, so that a test can see the run fail.
"""
from __future__ import annotations

import os

import numpy as np

from groggy.bench.data import rows_equal


class AnswerMismatch(AssertionError):
    """Engines gave different answers to the same question."""


def groggy_answer(check: str, value):
    """groggy's answer to ``check``, made wrong when the test hook names it."""
    if os.environ.get("GROGGY_BENCH_WRONG_ANSWER") != check:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value + 1
    if isinstance(value, np.ndarray):
        return value + 1 if value.dtype.kind in "iuf" else value[::-1]
    if isinstance(value, list) and len(value) > 1:
        return value[::-1]
    return ("wrong", value)


def agree(check: str, answers: dict, close: bool = False) -> str:
    """Raise AnswerMismatch unless every engine's answer equals groggy's; ``close``:
    floats (arrays) within 1e-9 relative. Returns the check's line for the report.

    Examples
    --------
    >>> agree("components", {"groggy": 3, "networkx": 3})
    'components: same answer as networkx'
    >>> agree("components", {"groggy": 3, "networkx": 4})
    Traceback (most recent call last):
    ...
    groggy.bench.checks.AnswerMismatch: components: groggy and networkx disagree: 3 != 4
    """
    ours = answers["groggy"]
    for engine, theirs in answers.items():
        if engine != "groggy" and not _same(ours, theirs, close):
            raise AnswerMismatch(f"{check}: groggy and {engine} disagree: "
                                 f"{_short(ours)} != {_short(theirs)}")
    others = [e for e in answers if e != "groggy"]
    return f"{check}: same answer as {', '.join(others)}" if others else f"{check}: checked"


def expect(check: str, got, want) -> str:
    """Raise AnswerMismatch unless groggy's answer ``got`` is the known ``want``."""
    if not _same(got, want, False):
        raise AnswerMismatch(f"{check}: groggy gave {_short(got)}, expected {_short(want)}")
    return f"{check}: correct"


def same_rows(check: str, got, want, atol: float = 0.0) -> None:
    """Raise AnswerMismatch unless the served rows ``got`` are the stored rows ``want``
    (floats within ``atol``)."""
    if not rows_equal(got, want, atol):
        raise AnswerMismatch(f"{check}: served rows differ from the stored rows "
                             f"(first row {_short(got[:1])}, stored {_short(want[:1])})")


def _same(a, b, close: bool) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], close) for k in a)
    if isinstance(a, (np.ndarray, list)) or isinstance(b, (np.ndarray, list)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if close and a.dtype.kind == "f":
            return bool(np.allclose(a, b, rtol=1e-9, atol=0))
        return bool(np.array_equal(a.astype(str) if a.dtype.kind in "UO" else a,
                                   b.astype(str) if b.dtype.kind in "UO" else b))
    return a == b


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."
