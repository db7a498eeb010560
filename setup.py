"""Build the Cython kernels in groggy/_core.

One directives dict for every kernel. GROGGY_BOUNDSCHECK=1 rebuilds them with bounds
and wraparound checks on; the test suite must pass in both builds.
"""
import os

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

CHECKED = os.environ.get("GROGGY_BOUNDSCHECK", "0") == "1"

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": CHECKED,
    "wraparound": CHECKED,
    "initializedcheck": CHECKED,
    "cdivision": True,
    "embedsignature": True,
}

KERNELS = ["_graph", "_strings", "_window", "_sort"]

extensions = [
    Extension(
        f"groggy._core.{name}",
        [f"groggy/_core/{name}.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3"],
        language="c++" if name == "_sort" else "c",
    )
    for name in KERNELS
]

# force: the directives change with GROGGY_BOUNDSCHECK, which timestamps cannot see.
setup(ext_modules=cythonize(extensions, compiler_directives=DIRECTIVES, force=True))
