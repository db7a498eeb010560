"""The export benchmarks' peers (networkx + matplotlib, graphviz neato): they live in the
package, shared with ``python -m groggy bench``."""
from groggy.bench.export_peers import (canvas_positions, networkx_drawer,  # noqa: F401
                                       neato_runner, node_px, write_dot)
