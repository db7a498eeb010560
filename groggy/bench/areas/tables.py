"""Tables and windows: the 100-row window the server sends (binary frame) at random
offsets of the streaming table, unsorted and sorted, against pandas ``iloc[a:b].to_json``
(sorted: on a physically sorted copy); sorting a column (``table.sort_by``) against
``numpy.argsort``. Same data and targets as bench/test_window.py and test_sort.py."""
from __future__ import annotations

import json

import numpy as np

from groggy.bench.checks import expect, groggy_answer, same_rows
from groggy.bench.data import SEED, expected_rows, make_table_data, table_columns
from groggy.bench.results import Row
from groggy.bench.sizes import label

TITLE = "Tables and windows"
WINDOW = 100
SORTS = {"int64": "visits", "float64": "score", "str": "label"}


def table(ctx):
    """(columns as NumPy arrays, the stored table opened memory-mapped): made once."""
    def make():
        import groggy as gg
        data = make_table_data(ctx.size.rows)
        path = ctx.tmp / "table.groggy"
        g = gg.Graph()
        g.add_nodes(data)
        g.save(path)
        return table_columns(data), gg.open(path).nodes.table()
    return ctx.once(("table",), make)


def window(ctx, sorted_: bool):
    from groggy.streaming import WindowEncoder, decode_frame
    columns, opened = table(ctx)
    n = ctx.size.rows
    offsets = np.random.default_rng(SEED + 1).integers(0, n - WINDOW + 1,
                                                        ctx.size.windows).tolist()
    view = opened.sort_by("score") if sorted_ else opened
    order = np.argsort(columns["score"], kind="stable") if sorted_ else None
    encode = WindowEncoder(view).encode
    mine, _ = ctx.groggy(lambda: [encode(a, WINDOW) for a in offsets], rounds=5,
                         per=len(offsets))
    got = groggy_answer("window", [decode_frame(encode(a, WINDOW))["rows"]
                                   for a in offsets[:20]])
    for a, rows in zip(offsets, got):
        same_rows(f"groggy's window at {a}", rows, expected_rows(columns, order, a, WINDOW))

    def pandas(pd):
        df = pd.DataFrame(columns)
        if sorted_:
            df = df.sort_values("score", kind="stable").reset_index(drop=True)
        for a in offsets[:5]:   # pandas serves the same rows (10 decimals in its JSON)
            same_rows(f"pandas' window at {a}",
                      json.loads(df.iloc[a:a + WINDOW].to_json(orient="values")),
                      expected_rows(columns, order, a, WINDOW), 1e-10)
        return lambda: [df.iloc[a:a + WINDOW].to_json(orient="values") for a in offsets]

    cell, _ = ctx.peer("pandas", pandas, rounds=3, per=len(offsets))
    what = "sorted by score" if sorted_ else "unsorted"
    return Row("tables", f"{WINDOW}-row window, {what} (per window)", f"{n:,} rows x 10 cols",
               n, mine, {"pandas": cell}, {"pandas": 20},
               f"rows of 20 windows: correct")


def sort(ctx, dtype: str):
    columns, opened = table(ctx)
    name = SORTS[dtype]
    values = columns[name]
    mine, view = ctx.groggy(lambda: opened.sort_by(name), rounds=3)
    order = view["node_id"].to_numpy()
    cell, theirs = ctx.peer("numpy", lambda np_: lambda: np_.argsort(values), rounds=3)
    # a stable sort's order is unique; numpy's default sort is not stable: compare values
    check = expect(f"sorted {name}", groggy_answer("sort", values[order]),
                   values[theirs if theirs is not None else np.argsort(values)])
    return Row("tables", f"sort by {name} ({dtype}): table.sort_by vs numpy.argsort",
               f"{ctx.size.rows:,} rows", ctx.size.rows, mine, {"numpy": cell},
               {"numpy": 0.5}, check)


def cases(size):
    rows = label(size.rows)
    return ([(f"window {rows}", lambda ctx: window(ctx, False)),
             (f"sorted window {rows}", lambda ctx: window(ctx, True))]
            + [(f"sort {d} {rows}", lambda ctx, d=d: sort(ctx, d)) for d in SORTS])
