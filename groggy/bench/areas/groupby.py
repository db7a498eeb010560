"""Group-by and I/O: ``table.group_by(key).agg(...)`` against pandas (and polars) on the
same columns, by an int key and a string key, answers compared group by group; writing
and reading the benchmark graph as Parquet against pyarrow on the same columns. Same
data and targets as bench/test_groupby.py and test_io.py."""
from __future__ import annotations

import numpy as np

from groggy.bench.areas.graph import graph_data
from groggy.bench.checks import agree, groggy_answer
from groggy.bench.data import SEED, build_groggy
from groggy.bench.results import Row
from groggy.bench.sizes import label

TITLE = "Group-by and I/O"
SPEC = {"x": ["mean", "count"], "y": ["sum", "nunique"]}
GROUPS = 1_000


def _columns(ctx, key: str) -> dict:
    def make():
        n = ctx.size.rows
        rng = np.random.default_rng(SEED)
        ints = rng.integers(0, min(GROUPS, n), n)
        return {"int": ints, "str": np.char.add("k", ints.astype(str)),
                "x": rng.random(n), "y": rng.integers(0, 1000, n)}
    data = ctx.once(("groupby",), make)
    return {"key": data[key], "x": data["x"], "y": data["y"]}


def group_by(ctx, key: str):
    import groggy as gg
    columns = _columns(ctx, key)
    t = gg.table(columns)
    mine, out = ctx.groggy(lambda: t.group_by("key").agg(SPEC))
    ours = {c: out[c].to_numpy() for c in out.columns}
    answers = {"groggy": {**ours, "y_sum": groggy_answer("group-by", ours["y_sum"])}}

    def pandas(pd):
        frame = pd.DataFrame({c: (v.astype(object) if v.dtype.kind == "U" else v)
                              for c, v in columns.items()})
        return lambda: frame.groupby("key").agg(SPEC)

    def polars(pl):
        frame = pl.DataFrame(columns)
        return lambda: frame.group_by("key").agg(
            pl.col("x").mean().alias("x_mean"), pl.col("x").count().alias("x_count"),
            pl.col("y").sum().alias("y_sum"), pl.col("y").n_unique().alias("y_nunique"),
        ).sort("key")

    peers = {}
    peers["pandas"], out = ctx.peer("pandas", pandas)
    if out is not None:
        answers["pandas"] = {"key": out.index.to_numpy(),
                             **{f"{c}_{f}": out[(c, f)].to_numpy() for c, f in out.columns}}
    peers["polars"], out = ctx.peer("polars", polars)
    if out is not None:
        answers["polars"] = {c: out[c].to_numpy() for c in out.columns}
    for answer in answers.values():   # keys compared as text, counts as int64
        answer["key"] = np.asarray(answer["key"]).astype(str)
        for name in ("x_count", "y_sum", "y_nunique"):
            answer[name] = np.asarray(answer[name]).astype(np.int64)
    check = agree(f"{len(ours['key']):,} groups", answers, close=True)
    n = ctx.size.rows
    return Row("groupby", f"group by a {key} key, agg x: mean+count, y: sum+nunique",
               f"{n:,} rows, {min(GROUPS, n):,} groups", n, mine, peers,
               {"pandas": 1}, check)


def _io_n(ctx) -> int:
    return min(ctx.size.sweep[-1], 100_000) if ctx.size.name != "large" else ctx.size.sweep[-1]


def parquet(ctx, write: bool):
    import groggy as gg
    n = _io_n(ctx)
    data = graph_data(ctx, n)
    g = ctx.once(("io-graph", n), lambda: build_groggy(data))
    d = ctx.tmp / "parquet"
    d.mkdir(exist_ok=True)
    ours, theirs = (d / "g-n.parquet", d / "g-e.parquet"), (d / "p-n.parquet", d / "p-e.parquet")

    def pyarrow(pa):
        import pyarrow.parquet as pq
        nodes = pa.table({"node_id": np.arange(data.n), "age": data.nodes["age"],
                          "score": data.nodes["score"],
                          "label": pa.array(data.nodes["label"].tolist(), pa.large_string())})
        edges = pa.table({"edge_id": np.arange(data.m), "source": data.src,
                          "target": data.dst, **data.edges})
        if write:
            return lambda: (pq.write_table(nodes, theirs[0]), pq.write_table(edges, theirs[1]))
        return lambda: (pq.read_table(ours[0]), pq.read_table(ours[1]))

    if write:
        mine, _ = ctx.groggy(lambda: g.to_parquet(*ours), rounds=3)
        cell, _ = ctx.peer("pyarrow", pyarrow, rounds=3)
        import pyarrow.parquet as pq
        same = {"groggy": groggy_answer("parquet", pq.read_table(ours[1])["source"].to_numpy())}
        if cell.timing is not None:
            same["pyarrow"] = pq.read_table(theirs[1])["source"].to_numpy()
        check = agree("edge sources written", same)
    else:
        if not ours[0].exists():
            g.to_parquet(*ours)
        mine, back = ctx.groggy(lambda: gg.from_parquet(*ours), rounds=3)
        cell, tables = ctx.peer("pyarrow", pyarrow, rounds=3)
        same = {"groggy": groggy_answer("parquet", back.edges.sources().to_numpy())}
        if tables is not None:
            same["pyarrow"] = tables[1]["source"].to_numpy()
        check = agree("edge sources read", same)
    what = "write" if write else "read"
    return Row("groupby", f"Parquet {what} of the graph (nodes + edges files)", data.size(), n,
               mine, {"pyarrow": cell}, {"pyarrow": 1 / 1.5}, check)


def cases(size):
    rows = label(size.rows)
    return [(f"group-by int {rows}", lambda ctx: group_by(ctx, "int")),
            (f"group-by str {rows}", lambda ctx: group_by(ctx, "str")),
            ("parquet write", lambda ctx: parquet(ctx, True)),
            ("parquet read", lambda ctx: parquet(ctx, False))]
