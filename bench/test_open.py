"""Open the stored benchmark graph: ``gg.open`` against ``pandas.read_csv`` of the same
node and edge columns, and the resident memory an open costs.

Targets: open < 1/100 of read_csv; RSS increase after open < 50 MB.
"""
import pandas as pd
import pytest

import benchlib
import groggy as gg

MB = 1 << 20


@pytest.fixture(scope="module")
def csv_files(graph_data, tmp_path_factory):
    """The graph's node and edge columns as two CSV files, written once."""
    root = tmp_path_factory.mktemp("csv")
    d = graph_data
    pd.DataFrame(d.nodes).to_csv(root / "nodes.csv", index_label="node_id")
    pd.DataFrame({"source": d.src, "target": d.dst, **d.edges}).to_csv(
        root / "edges.csv", index_label="edge_id")
    return root / "nodes.csv", root / "edges.csv"


def read_csvs(nodes_csv, edges_csv):
    return pd.read_csv(nodes_csv), pd.read_csv(edges_csv)


@pytest.mark.parametrize("engine", ["read_csv", "groggy"])  # groggy last: it reports
def test_open(benchmark, request, graph_data, engine):
    benchmark.group = "open"
    if engine == "read_csv":
        frames = benchmark.pedantic(read_csvs, args=request.getfixturevalue("csv_files"),
                                    rounds=3)
        assert len(frames[1]) == graph_data.m
    else:
        g = benchmark(gg.open, request.getfixturevalue("stored_graph"))
        assert g.edge_count() == graph_data.m
    benchlib.record(benchmark, "open", engine)
    if engine == "groggy":
        benchlib.speedup(benchmark, "open", "read_csv", 100,
                         f"open {graph_data.size()} (gg.open vs pandas.read_csv)")


def test_open_rss(benchmark, stored_graph, graph_data):
    """Times a fresh interpreter that imports groggy and opens the graph; the figures
    that matter are the RSS ones in extra_info."""
    benchmark.group = "open-rss"
    rss = benchmark.pedantic(benchlib.rss_after_open, args=(stored_graph,), rounds=1)
    delta = (rss["open"] - rss["import"]) / MB
    benchmark.extra_info.update({f"rss_{k}_mb": v / MB for k, v in rss.items()})
    benchmark.extra_info.update({"rss_open_delta_mb": delta, "met": delta < 50})
    benchlib.say(
        f"[open-rss] {graph_data.size()}: RSS after import {rss['import'] / MB:.1f} MB, "
        f"after gg.open {rss['open'] / MB:.1f} MB (+{delta:.1f} MB; target < 50 MB: "
        f"{'MET' if delta < 50 else 'NOT MET'}), after repr(g.nodes.table()) "
        f"{rss['repr'] / MB:.1f} MB (+{(rss['repr'] - rss['import']) / MB:.1f} MB)")
