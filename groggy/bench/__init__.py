"""``python -m groggy bench``: groggy against its peers in one run, written as a report.

Each area (``groggy.bench.areas``) measures groggy and every installed peer on the same
data (``groggy.bench.data``, shared with the pytest-benchmark suites in ``bench/``),
checks that the engines agree, and gives rows; ``groggy.bench.runner`` runs the areas
with a progress bar and ``groggy.bench.report`` writes ``report.md``, ``report.html``,
``report.json`` and the plots. Peers that are not installed are listed as skipped.

Examples
--------
>>> from groggy.bench.areas import AREAS
>>> AREAS
('graph', 'tables', 'groupby', 'layout', 'export', 'streaming', 'graphview')
"""
