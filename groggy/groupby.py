"""``group_by``: the rows of a table, or the nodes or edges of a graph or subgraph,
grouped by the values of one or more columns, with pandas' aggregations.

The grouping itself (keys factorized by hashing, reductions in one pass) is
``groggy.grouping``; this module gives it the user's face: :class:`GroupBy`, whose
groups are tables (``t.group_by``) or subgraphs (``g.nodes.group_by``, as upstream
groggy returns a ``SubgraphArray`` there).
"""
from __future__ import annotations

import numpy as np

from groggy import grouping
from groggy.arrays import SubgraphArray, TableArray, Typed
from groggy.foundation import BaseTable, Specialized
from groggy.frame import ColumnsFrame


class _Pair(tuple):
    """(key, group), as iterating a pandas group-by yields; the error says so to a loop
    written for upstream groggy, where iteration yields the groups alone."""

    __slots__ = ()

    def __getattr__(self, name):
        raise AttributeError(
            f"iterating a group_by yields (key, group) pairs, as pandas does: write "
            f"`for key, group in grouped:`, or iterate grouped.to_list() for the groups "
            f"alone (a pair has no attribute {name!r})")


def _key_names(by) -> list:
    names = [by] if isinstance(by, str) else by
    if not isinstance(names, (list, tuple)) or not names:
        raise TypeError(f"group_by takes a column name or a non-empty list of names, "
                        f"got {by!r}")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"group_by: keys are column names (str); got {name!r} "
                            f"({type(name).__name__}) in {list(names)!r}")
    if len(set(names)) < len(names):
        raise ValueError(f"group_by: a key is named twice in {list(names)!r}")
    return list(names)


def _check_columns(names, frame) -> None:
    for name in names:
        if not frame.has(name):
            raise KeyError(f"no column {name!r}; columns are {frame.names}")


def plan_outputs(spec, named: dict, keys: list, value_names: list, column_of) -> list:
    """(output name, column, aggregation) of every output column an ``agg`` call asks
    for, all checked: ``column_of(name)`` gives a column's ``name`` and ``kind`` (or
    raises KeyError). One reading of the spec for in-process and distributed group-bys.
    """
    wanted = []
    if isinstance(spec, (str, list, tuple)):   # the same for every value column
        spec = {c: spec if isinstance(spec, str) else list(spec) for c in value_names}
    if isinstance(spec, dict):
        for column, fns in spec.items():
            if isinstance(fns, str):
                wanted.append((column, column, fns))
            else:
                wanted += [(f"{column}_{grouping.aggregation(fn)}", column, fn)
                           for fn in fns]
    elif spec is not None:
        raise TypeError(f"agg takes a dict {{column: aggregation(s)}}, an aggregation "
                        f"name or a list of them, got {spec!r}")
    for out, pair in named.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"agg({out}=...) takes a (column, aggregation) pair, "
                            f"got {pair!r}")
        wanted.append((out, *pair))
    if not wanted:
        raise ValueError("agg needs at least one aggregation, e.g. agg({'col': 'mean'})")
    outputs, taken = [], set(keys)
    for out, column, fn in wanted:
        fn = grouping.aggregation(fn)
        grouping.check_applies(fn, column_of(column))
        if out in taken:
            raise ValueError(f"agg: two output columns are named {out!r}; name them "
                             f"with agg(new_name=(column, aggregation))")
        taken.add(out)
        outputs.append((out, column, fn))
    return outputs


class GroupBy:
    """Rows grouped by the values of key columns (made by ``group_by``).

    Groups are in key order (several keys: lexicographic), rows with a null key are
    left out, and aggregations skip null and NaN values, as pandas does by default.

    - ``agg({"col": "mean"})``, ``agg({"col": ["min", "max"]})``,
      ``agg(out=("col", "sum"))``: one row per group, key columns first.
      Aggregations: ``count sum mean std min max nunique first last``.
    - ``size()``, ``count()``, ``sum()``, ``mean()``, ... over every other column.
    - ``for key, group in grouped``; ``grouped[i]`` (group ``i``), ``len(grouped)``,
      ``get_group(key)``, ``grouped["col"]`` (aggregate only that column).
    - ``table()``: the grouped rows as one table, group after group;
      ``tables()`` / ``subgraphs()``: the groups as a ``TableArray`` / ``SubgraphArray``.

    Examples
    --------
    >>> import groggy as gg
    >>> t = gg.table({"club": ["a", "b", "a", None], "age": [30, 40, 50, 60]})
    >>> t.group_by("club").agg({"age": ["mean", "max"]}).to_dict()
    {'club': ['a', 'b'], 'age_mean': [40.0, 40.0], 'age_max': [50, 40]}
    >>> [(key, group.nrows) for key, group in t.group_by("club")]
    [('a', 2), ('b', 1)]
    """

    def __init__(self, table, by, make_group=None, columns=None):
        names = _key_names(by)
        base = table._base if isinstance(table, Specialized) else table
        _check_columns(names, base._frame)
        self._table, self._by, self._names = table, by, names
        self._frame, self._positions = base._frame, base._all_positions()
        self._grouping = grouping.Grouping(self._frame, self._positions, names)
        self._make_group = make_group   # None: the groups are tables
        self._columns = columns          # value columns; None: every column but the keys

    def _selected(self, columns) -> "GroupBy":
        clone = object.__new__(GroupBy)
        clone.__dict__.update(self.__dict__)
        clone._columns = columns
        return clone

    # the groups ----------------------------------------------------------
    @property
    def ngroups(self) -> int:
        """Number of groups."""
        return self._grouping.ngroups

    def __len__(self) -> int:
        return self.ngroups

    def _group(self, i: int):
        rows = self._grouping.rows(i)
        if self._make_group is None:
            return self._table[rows]
        return self._make_group(rows)

    def __getitem__(self, key):
        if isinstance(key, str) or (isinstance(key, list) and key
                                    and all(isinstance(k, str) for k in key)):
            _check_columns([key] if isinstance(key, str) else key, self._frame)
            return self._selected([key] if isinstance(key, str) else list(key))
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            n = self.ngroups
            if not -n <= key < n:
                raise IndexError(f"group {key} out of range for {n} groups")
            return self._group(int(key) % n)
        raise TypeError(f"index a group_by with a group number or column names, not {key!r}")

    def keys(self) -> list:
        """The key of each group: a value (``group_by("col")``) or a tuple (a list of
        keys), in group order."""
        values = [c.to_list() for c in self._grouping.key_columns()]
        return values[0] if isinstance(self._by, str) else list(zip(*values))

    def __iter__(self):
        for i, key in enumerate(self.keys()):
            yield _Pair((key, self._group(i)))

    def get_group(self, key):
        """The group whose key is ``key`` (a tuple for several keys)."""
        keys = self.keys()
        try:
            return self._group(keys.index(key))
        except ValueError:
            raise KeyError(f"no group {key!r}") from None

    def to_list(self) -> list:
        """The groups (tables or subgraphs), in group order."""
        return [self._group(i) for i in range(self.ngroups)]

    def table(self):
        """The grouped rows as one table (a view): group after group, each in row order;
        rows with a null key are left out."""
        return self._table[self._grouping.order()[0]]

    def tables(self) -> TableArray:
        """The groups' rows as a :class:`~groggy.arrays.TableArray` (one table a group)."""
        return TableArray._from_maker(self.ngroups,
                                      lambda i: self._table[self._grouping.rows(i)], "table")

    def subgraphs(self) -> SubgraphArray:
        """The groups as a :class:`~groggy.arrays.SubgraphArray` (nodes or edges groups)."""
        if self._make_group is None:
            raise TypeError("a table's groups are tables: use .tables(), or group "
                            "g.nodes / g.edges / a subgraph for subgraphs")
        return SubgraphArray._from_maker(self.ngroups, self._group, "subgraph")

    def __getattr__(self, name):
        # the rest of upstream's array of groups (SubgraphArray or TableArray) works here
        if name.startswith("_"):
            raise AttributeError(name)
        groups = self.tables() if self._make_group is None else self.subgraphs()
        try:
            return getattr(groups, name)
        except AttributeError:
            raise AttributeError(f"'GroupBy' object has no attribute {name!r} (nor has "
                                 f"its {type(groups).__name__} of groups)") from None

    # aggregation ---------------------------------------------------------
    def _value_names(self) -> list:
        if self._columns is not None:
            return self._columns
        return [n for n in self._frame.names if n not in self._names]

    def _outputs(self, spec, named) -> list:
        """(output name, column, aggregation) of every output column, all checked."""
        return plan_outputs(spec, named, self._names, self._value_names(),
                            self._checked_column)

    def _checked_column(self, name: str):
        _check_columns([name], self._frame)
        return self._frame.column(name)

    def agg(self, spec=None, /, ddof: int = 0, **named):
        """One row per group: the key columns, then the aggregations asked for.

        Parameters
        ----------
        spec : dict, str or list, optional
            ``{"col": "mean"}`` (output named ``col``), ``{"col": ["mean", "max"]}``
            (``col_mean``, ``col_max``), or an aggregation (or a list) for every column
            but the keys. Aggregations: ``count`` (non-null values), ``sum``, ``mean``
            (``avg``), ``std``, ``min``, ``max``, ``nunique``, ``first``, ``last`` (the
            first/last non-null value); strings have all but ``sum``, ``mean``, ``std``.
        ddof : int
            ``std`` divides by ``count - ddof``: 0 (the default, as ``NumArray.std``)
            or 1 (pandas' default).
        **named
            ``out=("col", "agg")``: an output column named ``out``.

        Returns
        -------
        Table
            A group with no value gets 0 for ``sum``, ``count`` and ``nunique`` and
            null for the others.

        Examples
        --------
        >>> import groggy as gg
        >>> t = gg.table({"k": [1, 1, 2], "x": [1.0, None, 3.0], "s": ["p", "q", "p"]})
        >>> t.group_by("k").agg({"x": "count"}, top=("s", "max")).to_dict()
        {'k': [1, 2], 'x': [1, 1], 'top': ['q', 'p']}
        """
        return self._result(self._outputs(spec, named), ddof)

    aggregate = agg

    def _result(self, outputs, ddof: int = 0, extra=None):
        """The table of the key columns, then ``outputs`` (and ``extra`` columns)."""
        columns = {c.name: c for c in self._grouping.key_columns()}
        for out, column, fn in outputs:
            columns[out] = self._grouping.aggregate(self._frame.column(column), fn, out, ddof)
        columns.update(extra or {})
        return Typed._table_type._of(BaseTable(ColumnsFrame(columns, self.ngroups)))

    def size(self):
        """The key columns and ``size``: the number of rows of each group."""
        return self._result([], extra={"size": self._grouping.sizes()})

    def _every(self, fn: str, ddof: int = 0):
        # as pandas with numeric_only=True: columns the aggregation does not apply to
        # are left out
        return self._result([(n, n, fn) for n in self._value_names()
                             if grouping.applies(fn, self._frame.column(n).kind)], ddof)

    def std(self, ddof: int = 0):
        """The std of every other column that holds numbers, per group."""
        return self._every("std", ddof)

    # display -------------------------------------------------------------
    def _title(self) -> str:
        n = self.ngroups
        return f"GroupBy({self._names}): {n:,} group{'' if n == 1 else 's'}"

    def __repr__(self) -> str:
        return f"{self._title()}\n{self.size()!r}"

    def _repr_html_(self) -> str:
        return f"<p>{self._title()}</p>{self.size()._repr_html_()}"


def _shortcut(fn: str):
    def every(self):
        return self._every(fn)
    every.__name__ = every.__qualname__ = fn
    every.__doc__ = f"The {fn} of every other column it applies to, per group."
    return every


for _fn in ("count", "sum", "mean", "min", "max", "nunique", "first", "last"):
    setattr(GroupBy, _fn, _shortcut(_fn))   # gb.mean() is gb.agg("mean") over the rest


# ------------------------------------------------------------------ entry points

def group_table(table, by) -> GroupBy:
    """``table.group_by(by)``: groups that are views of ``table``."""
    return GroupBy(table, by)


def group_elements(accessor, by) -> GroupBy:
    """``g.nodes.group_by(by)`` / ``g.edges.group_by(by)``: groups that are subgraphs."""
    table = accessor.table()
    ids = np.asarray(table[accessor._id_name].to_numpy(), dtype=np.int64)
    return GroupBy(table, by, lambda rows: accessor._subgraph(ids[rows]))


def group_subgraph(subgraph, by, element_type: str = "nodes") -> GroupBy:
    """``sg.group_by(by, element_type)``: a subgraph's nodes (or edges) grouped."""
    if element_type not in ("nodes", "edges"):
        raise ValueError(f"element_type must be 'nodes' or 'edges', got {element_type!r}")
    return group_elements(getattr(subgraph, element_type), by)


BaseTable._grouper = staticmethod(group_table)
