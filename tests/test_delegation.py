"""Foundation and delegation (DESIGN.md, "Foundation and delegation").

Every specialized type exposes exactly its foundation's surface through installed
delegators; the metaclass refuses a class body that defines a foundation-owned name;
abc composes with the metaclass.
"""
import abc
import inspect

import pytest

import groggy as gg
from groggy.arrays import Typed
from groggy.foundation import BaseArray, BaseTable, Delegating, owned_names
from groggy.frame import ObjectColumn

TABLE_TYPES = [gg.Table, gg.NodesTable, gg.EdgesTable, gg.GraphTable, gg.Matrix]
ARRAY_TYPES = [gg.NumArray, gg.StrArray, gg.NodesArray, gg.EdgesArray, gg.SubgraphArray,
               gg.ComponentsArray, gg.TableArray]
FOUNDATION = {**{t: BaseTable for t in TABLE_TYPES}, **{t: BaseArray for t in ARRAY_TYPES}}


def _delegated_from(cls, name):
    """The foundation a class attribute delegates to, or None if it is not a delegator."""
    attr = inspect.getattr_static(cls, name)
    if isinstance(attr, property):
        attr = attr.fget
    return getattr(attr, "__delegated_from__", None)


def _surface(cls):
    return {n for n in dir(cls) if _delegated_from(cls, n) is not None}


@pytest.fixture(scope="module")
def instances():
    g = gg.Graph()
    g.add_nodes([{"age": 30, "name": "a"}, {"age": 40, "name": "b"}, {"name": "c"}])
    g.add_edges([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0})])
    comps = g.connected_components()
    nodes_table = g.nodes.table()
    return {
        gg.Table: gg.table({"x": [1, 2], "s": ["a", None]}),
        gg.NodesTable: nodes_table,
        gg.EdgesTable: g.edges.table(),
        gg.GraphTable: g.table(),
        gg.Matrix: g.adjacency_matrix(),
        gg.NumArray: g.degree(),
        gg.StrArray: g.nodes["name"],
        gg.NodesArray: g.nodes.ids(),
        gg.EdgesArray: g.edges.ids(),
        gg.SubgraphArray: gg.SubgraphArray._from_maker(2, lambda i: g.nodes[[i]]),
        gg.ComponentsArray: comps,
        gg.TableArray: gg.TableArray._of(BaseArray(ObjectColumn("table", 1,
                                                                lambda i: nodes_table))),
    }


def test_the_list_of_specialized_types_is_complete():
    # every Typed subclass groggy defines is in the lists above
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)
    defined = {c for c in subclasses(Typed) if c.__module__.startswith("groggy.")}
    assert defined == set(FOUNDATION)


@pytest.mark.parametrize("cls", TABLE_TYPES + ARRAY_TYPES, ids=lambda c: c.__name__)
def test_identical_foundation_surface(cls):
    foundation = FOUNDATION[cls]
    assert cls._foundation is foundation
    assert isinstance(cls, Delegating)
    assert _surface(cls) == set(owned_names(foundation))
    for name in owned_names(foundation):
        assert _delegated_from(cls, name) is foundation, name


def test_surfaces_agree_across_types():
    tables = {frozenset(_surface(c)) for c in TABLE_TYPES}
    arrays = {frozenset(_surface(c)) for c in ARRAY_TYPES}
    assert len(tables) == 1 and len(arrays) == 1
    assert {"__repr__", "__str__", "_repr_html_", "total_rows", "total_cols", "get_window",
            "get_schema", "column_names", "column_types", "supports_streaming"} \
        <= owned_names(BaseTable) & owned_names(BaseArray)


@pytest.mark.parametrize("cls", TABLE_TYPES + ARRAY_TYPES, ids=lambda c: c.__name__)
def test_instances_are_foundation_instances_and_work(cls, instances):
    x = instances[cls]
    foundation = FOUNDATION[cls]
    other = BaseArray if foundation is BaseTable else BaseTable
    assert type(x) is cls
    assert isinstance(x, foundation) and not isinstance(x, other)
    assert issubclass(cls, foundation)
    # the delegated surface works on every instance
    assert repr(x) == str(x) and repr(x).startswith(cls.__name__)
    assert x._repr_html_().startswith('<div class="groggy-display')
    assert x.total_rows() == len(x)
    assert x.get_window(0, 2).total_rows == len(x)
    assert list(x.get_schema()) == x.column_names()
    assert x.supports_streaming() is True
    # a view of a specialized object keeps its type
    assert type(x.head(1)) is cls and type(x.tail(1)) is cls and type(x[0:1]) is cls


def test_numeric_results_come_back_as_numarrays(instances):
    assert isinstance(instances[gg.NodesTable]["age"], gg.NumArray)
    assert isinstance(instances[gg.EdgesTable]["w"], gg.NumArray)
    assert isinstance(instances[gg.Matrix]["0"], gg.NumArray)
    assert not isinstance(instances[gg.NodesTable]["name"], gg.NumArray)


@pytest.mark.parametrize("foundation, base", [(BaseTable, Typed), (BaseArray, Typed)])
@pytest.mark.parametrize("name", ["__repr__", "head", "_repr_html_", "get_window", "__len__"])
def test_metaclass_rejects_defining_an_owned_method(foundation, base, name):
    with pytest.raises(TypeError) as info:
        type(base)("Rogue", (base,), {name: lambda self: None, "__module__": __name__},
                   foundation=foundation)
    message = str(info.value)
    assert "Rogue" in message and name in message and foundation.__name__ in message


def test_metaclass_rejects_in_a_class_statement_and_in_subclasses():
    with pytest.raises(TypeError, match=r"BadTable.*head.*BaseTable|BadTable.head.*BaseTable"):
        class BadTable(Typed, foundation=BaseTable):
            def head(self, n=5):
                return self

    with pytest.raises(TypeError, match=r"LoudArray.*__repr__.*BaseArray"):
        class LoudArray(gg.NumArray):  # inherits its foundation from NumArray
            def __repr__(self):
                return "loud"

    with pytest.raises(TypeError, match=r"ShapeTable.*shape.*BaseTable"):
        class ShapeTable(gg.NodesTable):
            shape = property(lambda self: (0, 0))


def test_metaclass_accepts_new_names():
    class Tagged(Typed, foundation=BaseTable):
        def tag(self):
            return "tagged"

    t = Tagged._of(gg.table({"a": [1, 2]}))
    assert t.tag() == "tagged" and t.nrows == 2 and isinstance(t, BaseTable)
    assert type(t.head(1)) is Tagged and _surface(Tagged) == set(owned_names(BaseTable))


def test_abstract_methods_block_instantiation_until_implemented():
    class Shape(Typed, foundation=BaseTable):
        @abc.abstractmethod
        def area(self):
            ...

    base = gg.table({"a": [1]})
    with pytest.raises(TypeError, match="abstract"):
        Shape._of(base)
    with pytest.raises(TypeError, match="abstract"):
        Shape()

    class Square(Shape):
        def area(self):
            return 4

    sq = Square._of(base)
    assert sq.area() == 4 and isinstance(sq, BaseTable) and isinstance(sq, Shape)
    assert repr(sq).startswith("Square[")


def test_abc_mixins_are_accepted():
    class Sized(abc.ABC):
        @abc.abstractmethod
        def size(self):
            ...

    class SizedArray(Typed, Sized, foundation=BaseArray):
        def size(self):
            return len(self)

    a = SizedArray._of(BaseArray(gg.array([1, 2, 3])._base._column))
    assert a.size() == 3 and isinstance(a, Sized) and isinstance(a, BaseArray)
    assert isinstance(SizedArray, Delegating)
    assert _surface(SizedArray) == set(owned_names(BaseArray))

    with pytest.raises(TypeError, match="SizedBad.*to_list.*BaseArray"):
        class SizedBad(Typed, Sized, foundation=BaseArray):
            def size(self):
                return 0

            def to_list(self):
                return []
