"""Where Chromium is, for whatever drives it through Playwright (the browser tests, the
benchmarks): Debian's ``/usr/bin/chromium``, else the first Chromium or Chrome on the
PATH."""
from __future__ import annotations

import os
import shutil

DEBIAN = "/usr/bin/chromium"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MISSING = (f"Chromium was not found at {DEBIAN} nor on the PATH (as {', '.join(NAMES)}); "
           "the browser tests and benchmarks drive it: apt-get install chromium")


# Chromium's headless mode still builds the browser's own (unseen) interface for every
# window Playwright opens, among it the address bar's popup: a WebUI page in a renderer
# process of its own, 0.3-0.4 s of CPU per page opened, which on 2 cores doubled a graph
# page's start-up in the benchmarks. Puppeteer turns it off by default; so do we. Only
# the last --disable-features counts and Playwright passes its own list first, so this
# one repeats Playwright's (1.65) and adds the two popups.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch")
# the flags every headless Chromium here starts with (tests and benchmarks add theirs)
HEADLESS_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + (
                     "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"))]


def find_chromium(default: str = DEBIAN, path: str | None = None) -> str | None:
    """The Chromium executable: ``default`` if it is one, else the first of ``NAMES`` on
    ``path`` (the PATH when None); None when there is none.

    Examples
    --------
    >>> find_chromium(default="/nonexistent/chromium", path="/nonexistent") is None
    True
    """
    if os.path.isfile(default) and os.access(default, os.X_OK):
        return default
    for name in NAMES:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None
