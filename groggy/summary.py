"""How a Graph or Subgraph prints: a one-line summary, then its nodes and edges tables
(each sampled head and tail by the display settings, like every other table)."""
from __future__ import annotations

from html import escape


class GraphSummary:
    """``repr``, ``str`` and ``_repr_html_`` of Graph and Subgraph (mixed into both);
    the class provides ``_summary_line()``, ``nodes`` and ``edges``."""

    def _tables(self):
        return self.nodes.table(), self.edges.table()

    def __repr__(self) -> str:
        nodes, edges = self._tables()
        return f"{self._summary_line()}\nnodes\n{nodes!r}\nedges\n{edges!r}"

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        nodes, edges = self._tables()
        return (f'<div class="groggy-graph"><p><b>{escape(self._summary_line())}</b></p>'
                f"<p>nodes</p>{nodes._repr_html_()}<p>edges</p>{edges._repr_html_()}</div>")
