"""Headless Chromium for the browser benchmarks (Playwright driving /usr/bin/chromium),
or PeerMissing saying why there is none: the report then lists those rows as skipped."""
from __future__ import annotations

import contextlib
import os

from groggy.bench.peers import PeerMissing
from groggy.web.chromium import HEADLESS_ARGS, MISSING, find_chromium

# $GROGGY_CHROMIUM, else /usr/bin/chromium, else one on the PATH (None: there is none)
CHROMIUM = find_chromium(os.environ.get("GROGGY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = HEADLESS_ARGS + ["--disable-gpu"]
# WebGL2 without a GPU: ANGLE on SwiftShader (the graph view draws with WebGL2). The page
# is composited in software, as Chrome does on a machine without a usable GPU; with
# GROGGY_BENCH_COMPOSITING=gpu the compositor runs on SwiftShader too (a set-up no user
# has: only headless flags force it), which adds 30-100 ms to every frame of a tiled view
COMPOSITING = os.environ.get("GROGGY_BENCH_COMPOSITING", "software")
if COMPOSITING not in ("software", "gpu"):
    raise ValueError(f"GROGGY_BENCH_COMPOSITING must be software or gpu, got {COMPOSITING!r}")
CHROMIUM_WEBGL_ARGS = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + \
    ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"] + \
    (["--disable-gpu-compositing"] if COMPOSITING == "software" else [])


@contextlib.contextmanager
def chromium(webgl: bool = False):
    """A Playwright browser; PeerMissing when Playwright or Chromium is not there."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PeerMissing(f"playwright is not installed ({exc})") from None
    if CHROMIUM is None:
        raise PeerMissing(MISSING + " (or set GROGGY_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=CHROMIUM_WEBGL_ARGS if webgl else CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
