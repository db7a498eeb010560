"""The stored graph format: a directory of immutable generations and a ``CURRENT``
pointer (version 2, or 3 when nodes and edges are in row-range partitions), or the flat
version-1 layout (read, and converted by the next save).

``save_store`` writes, ``open_store`` maps, ``diagnose``/``repair`` back
``python -m groggy verify``. Modules: ``layout`` (names in a store directory),
``manifest`` (its contents and checksum), ``writer``, ``reader``, ``doctor``,
``partitioned`` (one partition at a time: ``StoreWriter``, ``describe``, ``read_partition``).
"""
from groggy.store.partitioned import StoreWriter
from groggy.store.reader import Opened, open_store
from groggy.store.writer import save_store

__all__ = ["Opened", "open_store", "save_store", "StoreWriter"]
