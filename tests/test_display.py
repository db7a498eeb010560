"""Display: text snapshots (repr), HTML for notebooks, per-object and global settings."""
import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groggy as gg
from groggy.themes import THEMES


@pytest.fixture(autouse=True)
def restore_global_config():
    old = gg.get_display_config()
    yield
    gg.set_display_config(old)


@pytest.fixture
def graph():
    g = gg.Graph()
    g.add_nodes([
        {"name": "Ann", "age": 31, "score": 0.5, "member": True},
        {"name": "Bob", "score": 12.25, "member": False},
        {"name": "Maximilian Alexander von Humboldt", "age": 107, "member": None},
    ])
    g.add_edges([(0, 1, {"w": 1.5}), (1, 2, {"w": -0.125}), (2, 2, {})])
    return g


# --------------------------------------------------------------------------- snapshots

NODES = """\
NodesTable[3 x 5]
╭─────────┬──────────────────────────┬───────┬─────────┬────────╮
│ node_id │ name                     │   age │   score │ member │
│   int64 │ str                      │ int64 │ float64 │ bool   │
├─────────┼──────────────────────────┼───────┼─────────┼────────┤
│       0 │ Ann                      │    31 │   0.500 │ True   │
│       1 │ Bob                      │  null │  12.250 │ False  │
│       2 │ Maximilian Alexander vo… │   107 │    null │ null   │
╰─────────┴──────────────────────────┴───────┴─────────┴────────╯
3 rows × 5 cols"""

EDGES = """\
EdgesTable[3 x 4]
╭─────────┬────────┬────────┬─────────╮
│ edge_id │ source │ target │       w │
│   int64 │  int64 │  int64 │ float64 │
├─────────┼────────┼────────┼─────────┤
│       0 │      0 │      1 │   1.500 │
│       1 │      1 │      2 │  -0.125 │
│       2 │      2 │      2 │    null │
╰─────────┴────────┴────────┴─────────╯
3 rows × 4 cols"""

AGES = """\
NumArray[3]
╭───────╮
│   age │
│ int64 │
├───────┤
│    31 │
│  null │
│   107 │
╰───────╯
3 values"""

MATRIX_GRID = """\
Matrix[3 x 3]
╭───────┬───────┬───────╮
│     0 │     1 │     2 │
│ int64 │ int64 │ int64 │
├───────┼───────┼───────┤
│     0 │     1 │     0 │
│     1 │     0 │     1 │
│     0 │     1 │     1 │
╰───────┴───────┴───────╯"""

CUT_ROWS = """\
NodesTable[25 x 3]
╭─────────┬───────┬─────────╮
│ node_id │     x │       y │
│   int64 │ int64 │ float64 │
├─────────┼───────┼─────────┤
│       0 │     0 │   0.000 │
│       1 │    10 │   0.250 │
│       ⋮ │     ⋮ │       ⋮ │
│      23 │   230 │   5.750 │
│      24 │   240 │   6.000 │
╰─────────┴───────┴─────────╯
25 rows × 3 cols"""

CUT_COLS = """\
Table[2 x 12]
╭───────┬───────┬───────┬───────┬───┬───────┬───────┬───────┬───────╮
│    c0 │    c1 │    c2 │    c3 │ ⋯ │    c8 │    c9 │   c10 │   c11 │
│ int64 │ int64 │ int64 │ int64 │   │ int64 │ int64 │ int64 │ int64 │
├───────┼───────┼───────┼───────┼───┼───────┼───────┼───────┼───────┤
│     0 │     1 │     2 │     3 │ ⋯ │     8 │     9 │    10 │    11 │
│   100 │   101 │   102 │   103 │ ⋯ │   108 │   109 │   110 │   111 │
╰───────┴───────┴───────┴───────┴───┴───────┴───────┴───────┴───────╯
2 rows × 12 cols"""


def test_nodes_table_snapshot(graph):
    t = graph.nodes.table()
    assert repr(t) == NODES
    assert str(t) == NODES


def test_edges_table_snapshot(graph):
    assert repr(graph.edges.table()) == EDGES


def test_array_snapshot(graph):
    assert repr(graph.nodes["age"]) == AGES


def test_matrix_snapshot(graph):
    text = repr(graph.adjacency_matrix())
    grid, footer = text.rsplit("\n", 1)
    assert grid == MATRIX_GRID
    assert footer == "3 rows × 3 cols"


def test_more_rows_than_max_rows_snapshot():
    g = gg.Graph()
    g.add_nodes({"x": np.arange(25) * 10, "y": np.arange(25) / 4})
    t = g.nodes.table()
    t.display_config = gg.DisplayConfig(max_rows=4)
    assert repr(t) == CUT_ROWS


def test_more_columns_than_max_cols_snapshot():
    t = gg.table({f"c{i}": [i, 100 + i] for i in range(12)})
    assert repr(t) == CUT_COLS


def test_default_cut_shows_first_and_last_five_rows():
    lines = repr(gg.table({"a": list(range(30))})).splitlines()
    body = [ln.strip("│ ") for ln in lines[5:-2]]
    assert body == ["0", "1", "2", "3", "4", "⋮", "25", "26", "27", "28", "29"]


def test_million_row_header_and_footer():
    n = 1_000_000
    t = gg.table({"a": np.arange(n), "b": np.zeros(n), "c": np.ones(n, dtype=bool),
                  "d": np.arange(n) * 2, "e": np.arange(n) % 7})
    lines = repr(t).splitlines()
    assert lines[-1] == "1,000,000 rows × 5 cols"
    assert lines[0] == "Table[1000000 x 5]"
    assert lines[2] == "│      a │       b │ c    │       d │     e │"
    assert lines[5] == "│      0 │   0.000 │ True │       0 │     0 │"
    assert lines[10] == "│      ⋮ │       ⋮ │ ⋮    │       ⋮ │     ⋮ │"
    assert lines[-3] == "│ 999999 │   0.000 │ True │ 1999998 │     0 │"
    assert len(lines) == 5 + 11 + 2
    assert repr(gg.array(np.arange(n))).splitlines()[-1] == "1,000,000 values"


def test_footer_uses_singular_for_one():
    assert repr(gg.array([7])).splitlines()[-1] == "1 value"
    assert repr(gg.table({"a": [1]})).splitlines()[-1] == "1 row × 1 col"


def test_numbers_right_aligned_text_left_aligned():
    lines = repr(gg.table({"n": [1, 1000], "f": [2.5, -30.0], "s": ["a", "bbbb"]})).splitlines()
    assert lines[5:7] == ["│     1 │   2.500 │ a    │",
                          "│  1000 │ -30.000 │ bbbb │"]


def test_cell_formatting():
    t = gg.table({"f": [0.0001, 1e13, float("nan"), None, 2.0],
                  "s": ["line\nbreak", "tab\there", "", None, "x" * 30]})
    lines = repr(t).splitlines()
    rows = [[c.strip() for c in ln.strip("│").split("│")] for ln in lines[5:10]]
    assert rows == [["1.000e-04", "line↵break"], ["1.000e+13", "tab→here"], ["NaN", ""],
                    ["null", "null"], ["2.000", "x" * 23 + "…"]]


def test_box_lines_have_equal_width_for_an_empty_table():
    for t in (gg.table({}), gg.table({"a": []})):
        lines = repr(t).splitlines()[1:-1]
        assert len({len(ln) for ln in lines}) == 1, repr(t)


def test_control_characters_are_not_written_raw():
    # a carriage return, escape sequence or line separator in a value must not break the box
    text = repr(gg.table({"s": ["a\rb", "c\x1b[31md", "e\u2028f"]}))
    assert "\r" not in text and "\x1b" not in text and "\u2028" not in text
    assert len(text.splitlines()) == 5 + 3 + 2


CELL_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                                  exclude_characters="│⋮⋯"), max_size=30)


def columns(text: str) -> int:
    """Terminal columns of ``text`` by Unicode's East Asian Width (wide and full-width
    characters take two, combining marks none): '⺀' is one character and two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else
               0 if unicodedata.combining(ch) else 1 for ch in text)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.integers(1, 12).flatmap(lambda ncols: st.lists(
    st.lists(st.none() | st.integers(-10**6, 10**6) | CELL_TEXT, min_size=ncols,
             max_size=ncols), max_size=14)),
       st.integers(2, 8), st.integers(2, 6), st.integers(4, 12))
def test_box_is_rectangular(rows, max_rows, max_cols, width):
    ncols = len(rows[0]) if rows else 3
    cols = {}
    for j in range(ncols):  # one kind per column: a column with any text is all text
        values = [r[j] for r in rows]
        if any(isinstance(v, str) for v in values):
            values = [None if v is None else str(v) for v in values]
        cols[f"col{j}"] = values
    t = gg.table(cols)
    t.display_config = gg.DisplayConfig(max_rows=max_rows, max_cols=max_cols,
                                        max_cell_width=width)
    box = repr(t).split("\n")[1:-1]
    assert len({columns(ln) for ln in box}) == 1      # in terminal columns
    assert box[0].startswith("╭") and box[3].startswith("├") and box[-1].startswith("╰")
    assert len(box) == 5 + min(len(rows), max_rows) + (len(rows) > max_rows)
    assert any("⋮" in ln for ln in box) == (len(rows) > max_rows)
    assert ("⋯" in box[1]) == (ncols > max_cols)
    for ln in [box[1]] + box[4:-1]:  # header and data cells are cut to the width
        for cell in ln[1:-1].split("│"):
            assert columns(cell.strip()) <= width


# --------------------------------------------------------------------------- settings

def test_per_object_config_and_views_inherit_it():
    t = gg.table({"x": [1.23456, 2.0, 3.0, 4.0, 5.0]})
    t.display_config = gg.DisplayConfig(max_rows=2, precision=1)
    assert t.display_config.precision == 1
    for view in (t, t.head(4), t.sort_by("x"), t[1:], t.filter("x > 1")):
        text = repr(view)
        assert "⋮" in text
    assert "1.2" in repr(t) and "1.235" not in repr(t)
    assert "1.2" in repr(t["x"])
    other = gg.table({"x": [1.23456]})
    assert "1.235" in repr(other)  # the global settings are untouched
    with pytest.raises(TypeError):
        t.display_config = {"max_rows": 3}


def test_specialized_types_take_per_object_config(graph):
    t = graph.nodes.table()
    t.display_config = gg.DisplayConfig(max_cols=2)
    assert "⋯" in repr(t) and isinstance(t.head(2), gg.NodesTable)
    assert "⋯" in repr(t.head(2))


def test_global_config():
    t = gg.table({"x": list(range(20))})
    assert len(repr(t).splitlines()) == 5 + 11 + 2
    new = gg.set_display_config(max_rows=4)
    assert new.max_rows == 4 and gg.get_display_config() is new
    assert len(repr(t).splitlines()) == 5 + 5 + 2
    t.display_config = gg.DisplayConfig(max_rows=6)
    assert len(repr(t).splitlines()) == 5 + 7 + 2  # per object wins over global


def test_config_validation():
    for bad in ({"max_rows": 1}, {"max_cols": 0}, {"max_cell_width": 3}, {"precision": -1},
                {"precision": 18}, {"max_rows": 2.5}, {"theme": "neon"}):
        with pytest.raises(ValueError):
            gg.DisplayConfig(**bad)
    before = gg.get_display_config()
    with pytest.raises(ValueError, match="neon"):
        gg.set_display_config(theme="neon")
    assert gg.get_display_config() == before


# --------------------------------------------------------------------------- HTML

def _cells(html):
    return re.findall(r'<td class="([^"]*)">([^<]*)</td>', html)


def test_html_structure_and_dtype_classes():
    t = gg.table({"i": [1, None], "f": [1.5, 2.0], "s": ["x", "y"], "b": [True, False]})
    html = t._repr_html_()
    assert html.startswith('<div class="groggy-display gg-theme-sleek">')
    assert "<caption>Table[2 x 4]</caption>" in html
    assert '<div class="gg-footer">2 rows × 4 cols</div>' in html
    assert _cells(html) == [
        ("gg-int", "1"), ("gg-float", "1.500"), ("gg-str", "x"), ("gg-bool", "True"),
        ("gg-int gg-null", "null"), ("gg-float", "2.000"), ("gg-str", "y"), ("gg-bool", "False"),
    ]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", html)[:4] == ["i", "f", "s", "b"]


def test_html_escapes_values_and_names():
    t = gg.table({"<b>": ["<script>x</script>", "a & b", '"q"', "it's"]})
    html = t._repr_html_()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "it&#x27;s" in html
    assert "a &amp; b" in html and "&quot;q&quot;" in html and "&lt;b&gt;" in html


def test_html_string_null_is_not_a_null():
    html = gg.table({"s": ["null", None]})._repr_html_()
    assert _cells(html) == [("gg-str", "null"), ("gg-str gg-null", "null")]


def test_html_cut_cells():
    t = gg.table({f"c{i}": list(range(30)) for i in range(10)})
    html = t._repr_html_()
    assert html.count('<tr class="gg-ellipsis">') == 1
    assert html.count("⋮") == 9  # one per shown column plus the ⋯ column
    assert '<th class="gg-cut">⋯</th>' in html
    assert html.count('<td class="gg-cut">⋯</td>') == 10  # one per shown data row


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_theme_renders(theme):
    t = gg.table({"a": [1, 2]})
    t.display_config = gg.DisplayConfig(theme=theme)
    html = t._repr_html_()
    assert f'class="groggy-display gg-theme-{theme}"' in html
    assert f".groggy-display.gg-theme-{theme}{{background:{THEMES[theme]['background']}" in html
    gg.set_display_config(theme=theme)
    assert f"gg-theme-{theme}" in gg.array([1.0])._repr_html_()


def test_unknown_theme_is_valueerror():
    with pytest.raises(ValueError, match="unknown theme"):
        gg.DisplayConfig(theme="nope")


def test_html_of_every_displayable_type(graph):
    objs = [graph.nodes.table(), graph.edges.table(), graph.table(), graph.adjacency_matrix(),
            graph.nodes["age"], graph.nodes["name"], graph.connected_components(),
            graph.nodes.ids(), graph.edges.ids()]
    for obj in objs:
        html = obj._repr_html_()
        assert html.startswith('<div class="groggy-display') and html.endswith("</div>")
        assert f"<caption>{type(obj).__name__}[" in html
