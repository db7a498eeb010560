"""Where groggy and upstream groggy (rollingstorms/groggy 0.5) spell a call differently.

groggy takes upstream's spelling wherever that keeps the habits of pandas users; where
the two cannot both hold, the other spelling fails with an error naming the right call
(the README's "Coming from upstream groggy" table lists every case).
"""
from __future__ import annotations


class Dims(tuple):
    """``t.shape``: a tuple, as in pandas; ``t.shape()`` (upstream's method) gives the
    same tuple, so code written for either works."""

    __slots__ = ()

    def __call__(self) -> tuple:
        return tuple(self)


class Count(int):
    """``t.nrows`` / ``t.ncols``: an int, as in pandas' ``len``; ``t.nrows()`` (upstream's
    method) gives the same int."""

    __slots__ = ()

    def __call__(self) -> int:
        return int(self)


class _CallOnlyResult:
    """What ``obj.name`` is for a call-only method: calling it runs the method; using it
    as a value (an attribute, iteration, len, NumPy) says to call it."""

    __slots__ = ("_func", "_obj", "_name")

    def __init__(self, func, obj, name: str):
        self._func, self._obj, self._name = func, obj, name

    def __call__(self, *args, **kwargs):
        return self._func(self._obj, *args, **kwargs)

    def _refuse(self, use: str):
        owner = type(self._obj).__name__
        return TypeError(f"{owner}.{self._name} is a method (upstream groggy's form, the same "
                         f"on every type): call it, {self._name}(){use}")

    def __getattr__(self, attr):
        if attr.startswith("_"):   # protocol probes (IPython's _repr_html_, ...)
            raise AttributeError(attr)
        raise self._refuse(f".{attr}")

    def __iter__(self):
        raise self._refuse("")

    def __len__(self):
        raise self._refuse("")

    def __array__(self, *args, **kwargs):
        raise self._refuse("")

    def __getitem__(self, key):
        raise self._refuse(f"[{key!r}]")

    def __repr__(self) -> str:
        return f"<method {type(self._obj).__name__}.{self._name}: call it>"


class call_only:  # noqa: N801 - used as a decorator, like property
    """A method that also explains itself when used without parentheses (it was a
    property in earlier groggy: ``sg.node_ids.to_list()`` now says to call
    ``sg.node_ids()``)."""

    def __init__(self, func):
        self._func = func
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self.__wrapped__ = func

    def __set_name__(self, owner, name):
        self.__name__ = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self._func
        return _CallOnlyResult(self._func, obj, self.__name__)


class GraphUpstreamCalls:
    """Upstream calls on Graph whose groggy spelling differs (mixed into Graph)."""

    def has_edge(self, u, v=None) -> bool:
        """Whether an edge joins node ``u`` to node ``v`` (either way, if undirected), as
        in networkx. upstream's ``has_edge(edge_id)`` is ``contains_edge(edge_id)`` here."""
        if v is None:
            raise TypeError(f"has_edge takes two node ids here, has_edge(u, v), as in "
                            f"networkx; to ask whether edge id {u!r} exists call "
                            f"g.contains_edge({u!r}) (upstream's has_edge(edge_id))")
        if not (self.has_node(u) and self.has_node(v)):
            return False
        return v in self.neighbors(u)
