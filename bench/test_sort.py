"""Sorting a column of the streaming table (N_NODES rows, opened memory-mapped from a
groggy store) the way the server sorts a view, against ``numpy.argsort`` of the same
column in memory.

- ``groggy``: ``table.sort_by(col)``, the view the server makes for a ``Sort`` message
  (a radix sort for numbers, ``groggy.kernels.stable_argsort``); the first call on a
  freshly opened table is printed beside the steady best.
- ``groggy-ws``: a ``Sort`` message to a fresh in-process server (its view cache is per
  server, so every round sorts) -> ``ViewChanged`` and the first window's frame, timed
  from send to the frame's last byte; connecting and ``Hello`` are outside the timing.
- ``numpy``: ``numpy.argsort(values)`` (default kind); ``numpy-stable``:
  ``numpy.argsort(values, kind="stable")`` (groggy's sort is stable), reported only.
  For the string column the values are a NumPy unicode array of the same strings.

Columns: ``score`` (float64, uniform), ``visits`` (int64 in [0, 1e9)), ``label`` (str,
``user-<k>`` with k a permutation: unique, random order, 6-11 characters).
Target: groggy within 2x of numpy.argsort (speed-up >= 0.5), for both groggy cases.
"""

import time

import numpy as np
import pytest

import benchlib
import groggy as gg
from groggy.streaming import decode_frame
from groggy.web import Server

COLUMNS = {"float": "score", "int": "visits", "string": "label"}
ENGINES = ["numpy-stable", "numpy", "groggy-ws", "groggy"]  # groggy last: it reports
ROUNDS = {"numpy-stable": 5, "numpy": 5, "groggy-ws": 3, "groggy": 5}


@pytest.fixture(scope="module")
def opened(stored_table):
    return gg.open(stored_table).nodes.table()


def _ws_sort(stored_table, column, check):
    """One round: setup (fresh server, Hello) and the timed Sort exchange."""
    state = {}

    def setup():
        if "server" in state:
            state["client"].close()
            state["server"].stop()
        state["server"] = Server({"table": gg.open(stored_table).nodes.table()}).start()
        state["client"] = benchlib.GroggyClient(state["server"].url)
        state["client"].call({"type": "Hello", "window_size": 50})
        return (), {}

    def sort():
        replies, frames = state["client"].call(
            {"type": "Sort", "keys": [{"column": column, "ascending": True}]})
        state["answer"] = (replies, frames)

    def finish():
        replies, frames = state["answer"]
        state["client"].close()
        state["server"].stop()
        assert replies[0]["type"] == "ViewChanged", replies
        check(decode_frame(frames[0])["rows"])

    return setup, sort, finish


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", list(COLUMNS))
def test_sort(benchmark, opened, table_data, stored_table, kind, engine):
    group = f"sort-{kind}"
    benchmark.group = group
    name = COLUMNS[kind]
    values = table_data[name]
    want = np.argsort(values, kind="stable")  # the order a stable sort must give
    columns = benchlib.table_columns(table_data)

    def check_rows(rows):
        assert benchlib.rows_equal(rows, benchlib.expected_rows(columns, want, 0, len(rows))), \
            f"the sorted view's first rows are wrong ({name})"

    if engine.startswith("numpy"):
        how = "stable" if engine == "numpy-stable" else None
        order = benchmark.pedantic(np.argsort, args=(values,), kwargs={"kind": how},
                                   rounds=ROUNDS[engine], warmup_rounds=1)
        assert np.array_equal(values[order], values[want])
    elif engine == "groggy":
        fresh = gg.open(stored_table).nodes.table()
        t0 = time.perf_counter()
        fresh.sort_by(name)
        benchlib.say(f"[{group}] groggy: first sort_by({name!r}) of a freshly opened table "
                     f"{benchlib.fmt_time(time.perf_counter() - t0)}")
        view = benchmark.pedantic(opened.sort_by, args=(name,), rounds=ROUNDS[engine],
                                  warmup_rounds=1)
        assert np.array_equal(view["node_id"].to_numpy(), want), f"wrong order ({name})"
    else:
        setup, sort, finish = _ws_sort(stored_table, name, check_rows)
        benchmark.pedantic(sort, setup=setup, rounds=ROUNDS[engine])
        finish()
    benchlib.record(benchmark, group, engine)
    if engine in ("groggy", "groggy-ws"):
        n = values.size
        dtype = f"{values.dtype}" if kind != "string" else f"str ({values.dtype} for numpy)"
        what = (f"sort {n:,} rows by {name} [{dtype}]"
                + (" (table.sort_by)" if engine == "groggy" else
                   " (Sort message round trip: ViewChanged + first frame)"))
        benchlib.speedup(benchmark, group, "numpy", 0.5, what, ours=engine)
        benchlib.speedup(benchmark, group, "numpy-stable", None, what, ours=engine)
