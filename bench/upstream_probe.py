"""Try a layout with upstream groggy (PyPI ``groggy``, a different project with the same
import name) in its own virtualenv; stdlib only (that venv has no NumPy). Prints one
JSON line: the version, the build time, and for each layout call tried its time and
positions file, or the error it raised.

    python upstream_probe.py EDGES.bin N OUT_PREFIX

EDGES.bin holds the sources then the targets as little-endian int64 (2 * m values).
Timing is inside this process: the interpreter start and the import are not counted.
"""
import array
import json
import sys
import time


def main() -> None:
    path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ends = array.array("q")
    with open(path, "rb") as f:
        ends.frombytes(f.read())
    m = len(ends) // 2
    edges = list(zip(ends[:m].tolist(), ends[m:].tolist()))
    import groggy as gg
    from importlib import metadata
    try:
        dist = metadata.version("groggy")
    except metadata.PackageNotFoundError:
        dist = "?"
    # the wheel of 0.5.2 says __version__ = "0.5.1": give both
    out = {"version": f"{dist} (__version__ {getattr(gg, '__version__', '?')})",
           "file": gg.__file__, "tried": []}
    t0 = time.perf_counter()
    g = gg.Graph()
    g.add_nodes(n)
    g.add_edges(edges)
    out["build_s"] = time.perf_counter() - t0
    out["nodes"], out["edges"] = g.node_count(), g.edge_count()
    viz = getattr(g, "viz", None)
    out["viz_methods"] = sorted(x for x in dir(viz) if not x.startswith("_")) if viz else []
    out["graph_layout_methods"] = sorted(x for x in dir(g) if "layout" in x.lower()
                                         or "embed" in x.lower())
    # the calls a user would try for "positions of a force-directed layout"
    candidates = [
        ("g.viz.compute_layout('force_directed')",
         lambda: g.viz.compute_layout("force_directed")),
        ("g.viz.layout('force_directed')", lambda: g.viz.layout("force_directed")),
        ("g.compute_layout('force_directed')", lambda: g.compute_layout("force_directed")),
        ("g.layout('force_directed')", lambda: g.layout("force_directed")),
    ]
    for name, call in candidates:
        t0 = time.perf_counter()
        try:
            result = call()
        except Exception as e:  # noqa: BLE001 - the error is what we report
            out["tried"].append({"call": name, "error": f"{type(e).__name__}: {e}"})
            continue
        seconds = time.perf_counter() - t0
        pos = getattr(result, "node_positions", result)
        rows = [list(map(float, p)) for p in pos]
        with open(prefix + ".json", "w") as f:
            json.dump(rows, f)
        out["tried"].append({"call": name, "seconds": seconds, "positions": prefix + ".json"})
        break
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
