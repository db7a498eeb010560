"""Group-by and aggregation over N_NODES rows (1M at full scale): groggy's
``table.group_by(key).agg(...)`` against pandas ``df.groupby(key).agg(...)`` and, when
it is installed, polars ``df.group_by(key).agg(...).sort(key)``, on the same columns.

- keys: ``int`` (int64 in [0, groups)) and ``string`` (``"k<int key>"``), with 1,000 and
  100,000 groups (at most one per row at small scales);
- values: ``x`` (float64, uniform) and ``y`` (int64 in [0, 1000));
- aggregations: ``x``: mean and count, ``y``: sum and nunique. Every engine gives one
  row per group in key order (pandas sorts by default; polars is asked to).

Each engine's first call (the first ``group_by ... agg`` on the data, its caches cold)
is timed on its own and reported beside the steady state (the best of ROUNDS calls).
Target: groggy at least as fast as pandas (speed-up >= 1), first call and steady state.
On a busy machine, ``--benchmark-timer=time.process_time`` compares CPU time instead of
wall time (the first call too); polars runs on every core, so its CPU time adds them up.
"""
import time

import numpy as np
import pandas as pd
import pytest

import benchlib
import groggy as gg

GROUPS = [1_000, 100_000]
KEYS = ["int", "string"]
ENGINES = ["pandas", "polars", "groggy"]   # groggy last: it reports the ratios
ROUNDS = {"pandas": 5, "polars": 5, "groggy": 5}
SPEC = {"x": ["mean", "count"], "y": ["sum", "nunique"]}
RESULTS = {}


@pytest.fixture(scope="module", params=GROUPS, ids=lambda g: f"{g}groups")
def data(request):
    n = benchlib.N_NODES
    groups = min(request.param, n)
    rng = np.random.default_rng(benchlib.SEED)
    ints = rng.integers(0, groups, n)
    return {"groups": request.param, "n": n, "int": ints,
            "string": np.char.add("k", ints.astype(str)),
            "x": rng.random(n), "y": rng.integers(0, 1000, n)}


def _runner(engine: str, data: dict, key: str):
    """(a function that groups and aggregates once, a function giving its answer as
    {column: numpy array}) for one engine, its data already loaded."""
    columns = {"key": data[key], "x": data["x"], "y": data["y"]}
    if engine == "groggy":
        table = gg.table(columns)
        run = lambda: table.group_by("key").agg(SPEC)   # noqa: E731
        return run, lambda out: {c: out[c].to_numpy() for c in out.columns}
    if engine == "pandas":
        frame = pd.DataFrame({c: (v.astype(object) if v.dtype.kind == "U" else v)
                              for c, v in columns.items()})
        run = lambda: frame.groupby("key").agg(SPEC)   # noqa: E731
        return run, lambda out: {"key": out.index.to_numpy(),
                                 **{f"{c}_{f}": out[(c, f)].to_numpy() for c, f in out.columns}}
    pl = pytest.importorskip("polars", reason="polars is not installed (pip install polars)")
    frame = pl.DataFrame(columns)
    run = lambda: frame.group_by("key").agg(   # noqa: E731
        pl.col("x").mean().alias("x_mean"), pl.col("x").count().alias("x_count"),
        pl.col("y").sum().alias("y_sum"), pl.col("y").n_unique().alias("y_nunique"),
    ).sort("key")
    return run, lambda out: {c: out[c].to_numpy() for c in out.columns}


def _same(ours: dict, theirs: dict) -> None:
    assert [str(k) for k in ours["key"]] == [str(k) for k in theirs["key"]], "keys differ"
    np.testing.assert_allclose(ours["x_mean"], theirs["x_mean"], rtol=1e-12)
    for name in ("x_count", "y_sum", "y_nunique"):
        assert np.array_equal(ours[name], theirs[name]), name


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("key", KEYS)
def test_group_by_agg(benchmark, data, key, engine):
    group = f"groupby-{key}-{data['groups']}"
    benchmark.group = group
    run, answer = _runner(engine, data, key)
    timer = getattr(benchmark, "_timer", time.perf_counter)   # --benchmark-timer's
    start = timer()
    out = run()
    benchlib.record_time(benchmark, f"{group}-first", engine, timer() - start)
    RESULTS[group, engine] = answer(out)
    benchmark.pedantic(run, rounds=ROUNDS[engine])
    benchlib.record(benchmark, group, engine)
    if engine != "groggy":
        return
    for peer in ("pandas", "polars"):
        if (group, peer) in RESULTS:
            _same(RESULTS[group, "groggy"], RESULTS[group, peer])
    what = (f"group {data['n']:,} rows by a {key} key into {data['groups']:,} groups, "
            f"agg x: mean+count, y: sum+nunique")
    for peer, need in (("pandas", 1.0), ("polars", None)):
        benchlib.speedup(benchmark, f"{group}-first", peer, need, what + " (first call)")
        benchlib.speedup(benchmark, group, peer, need, what + " (steady state)")
