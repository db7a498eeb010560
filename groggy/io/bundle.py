"""Upstream's ``save_bundle`` / ``load_bundle`` names over groggy's own store.

Upstream writes a directory of CSV files with checksums; groggy's store (``g.save`` /
``gg.open``) is a directory of memory-mappable ``.npy`` columns with checksums and
atomic generations, so a bundle here is a store: ``g.save_bundle(path)`` is
``g.save(path)`` and ``gg.load_bundle(path)`` is ``gg.open(path)``.
"""
from __future__ import annotations

from groggy.graph import open_graph


def save_bundle(graph, path):
    """``g.save(path)`` under upstream's name; returns the store's path.

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> g = gg.Graph(); _ = g.add_nodes({"x": [1, 2]}); _ = g.add_edge(0, 1)
    >>> path = g.save_bundle(os.path.join(tempfile.mkdtemp(), "g.bundle"))
    >>> gg.load_bundle(path).nodes["x"].to_list()
    [1, 2]
    """
    return graph.save(path)


def load_bundle(path, verify: bool = False):
    """``gg.open(path)`` under upstream's name: the stored graph, memory-mapped
    read-only (``.copy()`` gives one you can change)."""
    return open_graph(path, verify=verify)
