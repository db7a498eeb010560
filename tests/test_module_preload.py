"""Each page lists every ES module it imports, directly or not, as
``<link rel="modulepreload">``: the browser then fetches them all beside the entry module
instead of one level of imports after another. A module added to a page without its
preload would silently bring the waterfall back; these tests catch that.

The import graph is read from the modules' own ``import ... from "./x.js"`` statements,
and checked against the browser's view of it: the real server serves each page to
Chromium, and the modules Chromium requests are exactly the entry and the preloads."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import groggy as gg
from groggy.web import Server

from web_helpers import TABLE_ARGS, WatchedPages, http_get, launch_chromium

STATIC = Path(gg.__file__).parent / "web" / "static"
PAGES = {"index.html": "app.js", "graph.html": "graph.js"}
# static imports and re-exports at the start of a line: `import x from "./a.js"`,
# `import "./a.js"`, `export { x } from "./a.js"`; between the keyword and `from` no
# semicolon or quote (the statement's own names, over several lines if need be)
IMPORT = re.compile(r"""^(?:import|export)\s*(?:["']([^"']+)["']|[^;"']*?\bfrom\s*["']([^"']+)["'])""",
                    re.MULTILINE)


def specifiers(text: str) -> list[str]:
    return [a or b for a, b in IMPORT.findall(text)]


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.entries, self.preloads = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("type") == "module" and a.get("src"):
            self.entries.append(a["src"])
        elif tag == "link" and a.get("rel") == "modulepreload":
            self.preloads.append(a["href"])


def head_of(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


def imports_of(name: str) -> list[str]:
    text = (STATIC / name).read_text(encoding="utf-8")
    found = specifiers(text)
    for spec in found:
        assert spec.startswith("./") and spec.endswith(".js"), \
            f"{name} imports {spec!r}: the pages' modules import siblings as './name.js'"
    return [spec[2:] for spec in found]


def closure(entry: str) -> set[str]:
    """Every module `entry` imports, directly or through others (not entry itself)."""
    seen, todo = set(), [entry]
    while todo:
        for dep in imports_of(todo.pop()):
            if dep not in seen and dep != entry:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_the_import_parser_reads_every_form():
    text = ('import { a, b } from "./one.js";\nimport * as c from \'./two.js\';\n'
            'import "./three.js";\nexport { d } from "./four.js";\n'
            'import {\n  e,\n  f,\n} from "./five.js";\n// import "./not-code.js" in a comment\n'
            'const s = "import x from \'./nor-this.js\'";\n')
    assert specifiers(text) == ["./one.js", "./two.js", "./three.js", "./four.js",
                                    "./five.js"]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_imported_module_is_preloaded(page):
    head = head_of((STATIC / page).read_text(encoding="utf-8"))
    entry = PAGES[page]
    assert head.entries[-1] == f"static/{entry}"
    needed = {f"static/{m}" for m in closure(entry)}
    assert needed, f"{entry} imports nothing? the parser must have missed its imports"
    # a module run before the entry (graph-early.js) is one the entry imports, and it
    # imports nothing itself: else it would wait for its imports and run no sooner
    early = set(head.entries[:-1])
    for href in early:
        assert href in needed, f"{page} runs {href} first, but {entry} never imports it"
        assert imports_of(href.removeprefix("static/")) == [], f"{href} imports modules"
    needed -= early
    listed = set(head.preloads)
    assert len(head.preloads) == len(listed), f"{page} preloads a module twice"
    assert needed - listed == set(), f"{page} does not preload {sorted(needed - listed)}"
    assert listed - needed == set(), f"{page} preloads modules it never imports: {sorted(listed - needed)}"
    for href in listed:
        assert (STATIC / href.removeprefix("static/")).is_file(), href


@pytest.fixture(scope="module")
def browser(playwright_driver):
    yield from launch_chromium(playwright_driver, TABLE_ARGS)


@pytest.fixture(scope="module")
def served():
    """A graph served with its graph view: the table page and the graph page."""
    g = gg.Graph()
    g.add_nodes({"w": [0.5, 1.5, 2.5]})
    g.add_edges([0, 1], [1, 2])
    view = gg.serve(g, open_browser=False)
    yield view
    view.close()


@pytest.mark.parametrize("page,path,ready", [
    ("index.html", "", "() => window.groggy && window.groggy.ready"),
    ("graph.html", "graph", "() => window.groggy && window.groggy.graph && window.groggy.graph.ready"),
])
def test_the_browser_loads_exactly_the_entry_and_the_preloads(browser, served, page, path, ready):
    status, _, body = http_get(served.url + path)
    assert status == 200
    head = head_of(body.decode("utf-8"))
    watched = WatchedPages(browser, 60_000)
    try:
        tab = watched.new(1000, 700)
        scripts = []
        tab.on("request", lambda r: scripts.append(r.url.split("?")[0].rsplit("/static/", 1)[-1])
               if r.resource_type == "script" or r.url.endswith(".js") else None)
        tab.goto(served.url + path)
        tab.wait_for_function(ready)
        tab.evaluate(f"() => ({ready})().then(() => true)")
        want = {h.removeprefix("static/") for h in head.entries + head.preloads}
        assert set(scripts) == want, (f"{page}: Chromium fetched {sorted(set(scripts))}, "
                                      f"the page names {sorted(want)}")
        assert len(scripts) == len(set(scripts)), f"{page}: a module was fetched twice: {scripts}"
    finally:
        watched.close()
