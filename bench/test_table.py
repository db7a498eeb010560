"""``g.nodes.table()`` and ``repr(table)`` on an opened graph cost the same at 1k nodes
and at 1M: both are timed in the same run and the ratio printed (1.0 is constant time).
"""
import pytest

import benchlib
import groggy as gg

OPS = {"table": lambda g: g.nodes.table(),
       "repr": lambda g: repr(g.nodes.table())}
SIZES = {"1k": "small_stored_graph", "full": "stored_graph"}


@pytest.mark.parametrize("size", list(SIZES))  # full last: it reports the ratio
@pytest.mark.parametrize("op", list(OPS))
def test_nodes_table(benchmark, request, op, size):
    group = f"nodes-{op}"
    benchmark.group = group
    g = gg.open(request.getfixturevalue(SIZES[size]))
    benchmark(OPS[op], g)
    benchlib.record(benchmark, group, size)
    if size == "full":
        times = benchlib.TIMES.get(group, {})
        if not {"1k", "full"} <= times.keys():
            return
        ratio = times["full"] / times["1k"]
        what = "g.nodes.table()" if op == "table" else "repr(g.nodes.table())"
        benchlib.say(f"[{group}] {what}: 1k nodes {benchlib.fmt_time(times['1k'])} | "
                     f"{g.node_count():,} nodes {benchlib.fmt_time(times['full'])} | "
                     f"ratio {ratio:.2f} (1.0 = constant time in rows)")
        benchmark.extra_info.update({"small_s": times["1k"], "ratio_full_over_1k": ratio})
