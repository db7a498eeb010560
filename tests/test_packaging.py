"""Every file the package needs at run time and that is not Python is named in
``[tool.setuptools.package-data]``, so a wheel (not only an editable install) has it: the
web page's files, the shipped font."""
from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "groggy"
BUILT = {".py", ".pyc", ".c", ".cpp", ".so", ".pyd"}   # Python, and build outputs


def test_package_data_covers_every_data_file():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["groggy"]
    data = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in BUILT and "__pycache__" not in p.parts]
    assert any(name.startswith("web/static/") for name in data)   # the check sees them
    missing = [name for name in data
               if not any(fnmatch.fnmatchcase(name, pat) for pat in patterns)]
    assert not missing, f"not in package-data, so not in a wheel: {missing}"
