"""Build the Cython kernels in groggy/_core.

One directives dict for every kernel. GROGGY_BOUNDSCHECK=1 rebuilds them with bounds
and wraparound checks on; the test suite must pass in both builds.
"""
import os
import shlex
import subprocess
import sysconfig
import tempfile

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

KERNELS = ["_graph", "_strings", "_window", "_sort", "_layout", "_hier", "_raster", "_wire",
           "_group", "_paths", "_tidy"]
PARALLEL = {"_layout", "_raster"}  # kernels with prange loops


def openmp_flags() -> list:
    """-fopenmp if this compiler builds and links an OpenMP program; otherwise [] and the
    prange loops run on one thread. GROGGY_OPENMP=0 turns it off."""
    if os.environ.get("GROGGY_OPENMP", "1") == "0":
        return []
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "omp.c")
        with open(src, "w") as fh:
            fh.write("#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n")
        try:
            done = subprocess.run(cc + ["-fopenmp", src, "-o", os.path.join(tmp, "omp")],
                                  capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return []
    return ["-fopenmp"] if done.returncode == 0 else []


OPENMP = openmp_flags()

extensions = [
    Extension(
        f"groggy._core.{name}",
        [f"groggy/_core/{name}.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3"] + (OPENMP if name in PARALLEL else []),
        extra_link_args=OPENMP if name in PARALLEL else [],
        language="c++" if name == "_sort" else "c",
    )
    for name in KERNELS
]

# force: the directives change with GROGGY_BOUNDSCHECK, which timestamps cannot see.
setup(ext_modules=cythonize(extensions, compiler_directives=DIRECTIVES, force=True))
