"""Loading graphs from the files and frames people have, and writing them back.

One module per format: :mod:`groggy.io.pandas` (DataFrames), :mod:`groggy.io.csv`,
:mod:`groggy.io.parquet` and :mod:`groggy.io.arrow` (pyarrow, an optional extra),
:mod:`groggy.io.json` and :mod:`groggy.io.dict` (dicts of columns), :mod:`groggy.io.bundle`
(upstream's ``save_bundle`` / ``load_bundle`` names over groggy's own store). Every
reader builds its columns first and the graph last (:mod:`groggy.io.build`), so a bad
file raises before anything exists. This package imports nothing at import time: the
foundation's table writers reach :mod:`groggy.io.arrow` without pulling the graph in.
"""
