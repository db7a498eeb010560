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
