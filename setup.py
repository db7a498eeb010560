"""Build the Cython kernels in groggy/_core.

One directives dict for every kernel. GROGGY_BOUNDSCHECK=1 rebuilds them with bounds
and wraparound checks on; the test suite must pass in both builds.

Cython's own utility code (typed memoryviews above all: some 25,000 lines of C that
every kernel would otherwise carry) is generated once into a shared module,
``groggy._core._cyutility``, that the kernels import: that cuts the C to compile by more
than half. Kernels are compiled without debug info (-g0): it is not used and is a third
of a kernel's compile time. The kernels use no numpy C API, so the build needs no numpy.

Builds are incremental: each build flavour (the directives, compile flags, and the
Cython and Python it is built with) has its own directory
``build/kernels-<flavour>/`` in the source tree, holding its generated C and its compiled
kernels. A kernel is re-cythonized and recompiled only when its source (its .pyx and the
.pxd/.pxi/.h files beside it) changed in content since that flavour last built it: content,
not timestamps, because pip's build isolation installs Cython afresh for every build and
its bundled .pxd files (libc, cpython) would look newer each time. Switching flavour never
reuses the other flavour's objects, and a re-install with nothing changed (pip's editable
install builds in a fresh temporary directory each time) copies the kept kernels instead
of compiling them again. Kernels compile in parallel, one per core, the longest first.
``rm -rf build`` forces a full rebuild.
"""
import glob
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sysconfig
import tempfile
import threading

import Cython
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

CHECKED = os.environ.get("GROGGY_BOUNDSCHECK", "0") == "1"

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": CHECKED,
    "wraparound": CHECKED,
    "initializedcheck": CHECKED,
    "cdivision": True,
    "embedsignature": True,
}

SHARED = "groggy._core._cyutility"  # Cython's utility code, compiled once for all kernels
KERNELS = ["_graph", "_strings", "_window", "_sort", "_layout", "_hier", "_raster", "_wire",
           "_group", "_paths", "_tidy"]
PARALLEL = {"_layout", "_raster"}  # kernels with prange loops
JOBS = os.cpu_count() or 1


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
COMPILE_ARGS = ["-O3", "-g0"]


def flavour_dir() -> str:
    """``build/kernels-<checked|fast>-<hash>``: the hash covers everything that changes
    the compiled kernels but not their sources' timestamps."""
    key = json.dumps([DIRECTIVES, COMPILE_ARGS, OPENMP, Cython.__version__, SHARED,
                      sysconfig.get_config_var("EXT_SUFFIX")],
                     sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return os.path.join("build", f"kernels-{'checked' if CHECKED else 'fast'}-{digest}")


FLAVOUR = flavour_dir()


def source_size(name: str) -> int:
    return os.path.getsize(f"groggy/_core/{name}.pyx")


# the shared module first, then the kernels largest first: with one compile per core,
# a long compile started last would leave the other cores idle
extensions = [Extension(SHARED, [SHARED.replace(".", "/") + ".c"],
                        extra_compile_args=COMPILE_ARGS)] + [
    Extension(
        f"groggy._core.{name}",
        [f"groggy/_core/{name}.pyx"],
        extra_compile_args=COMPILE_ARGS + (OPENMP if name in PARALLEL else []),
        extra_link_args=OPENMP if name in PARALLEL else [],
        language="c++" if name == "_sort" else "c",
    )
    for name in sorted(KERNELS, key=source_size, reverse=True)
]


class KeptBuild(build_ext):
    """build_ext that compiles each kernel into the flavour's directory (skipped when that
    copy is newer than its sources) and then copies it to wherever this build wants it."""

    _local = threading.local()  # which thread is compiling into the kept directory

    def finalize_options(self):
        super().finalize_options()
        self.parallel = self.parallel or JOBS
        self.build_temp = os.path.join(FLAVOUR, "temp")

    def kept_path(self, name: str) -> str:
        return os.path.join(FLAVOUR, "lib", self.get_ext_filename(name))

    def get_ext_fullpath(self, ext_name: str) -> str:
        if getattr(self._local, "keeping", False):
            return os.path.abspath(self.kept_path(ext_name))
        return super().get_ext_fullpath(ext_name)

    def build_extension(self, ext) -> None:
        self._local.keeping = True
        try:
            super().build_extension(ext)  # skips the compile when the kept copy is current
        finally:
            self._local.keeping = False
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # a copy stamped now: the editable install then copies it over an in-tree
        # kernel of the other flavour even when that one is newer than the kept copy
        shutil.copy(self.kept_path(ext.name), target)


def fingerprint(ext) -> str:
    """A digest of what the kernel's C is generated from: its .pyx and every .pxd, .pxi
    and .h beside it (the flavour is the directory's name). The shared module depends
    on Cython alone, which the flavour covers."""
    if ext.name == SHARED:
        return SHARED
    pyx = ext.sources[0]
    beside = [p for pattern in ("*.pxd", "*.pxi", "*.h")
              for p in glob.glob(os.path.join(os.path.dirname(pyx), pattern))]
    digest = hashlib.sha256()
    for path in [pyx] + sorted(beside):
        with open(path, "rb") as fh:
            digest.update(path.encode() + b"\0" + fh.read() + b"\0")
    return digest.hexdigest()


def generated(ext) -> str:
    """Where cythonize writes the kernel's C (or C++) in this flavour's directory."""
    stem = os.path.splitext(ext.sources[0])[0]
    return os.path.join(FLAVOUR, "c", stem + (".cpp" if ext.language == "c++" else ".c"))


def cythonize_changed(exts: list) -> list:
    """The extensions with C sources: kernels whose fingerprint matches the one kept
    beside their C reuse it untouched (so the compiled kernel stays newer than it); the
    others are cythonized again."""
    stale = []
    for ext in exts:
        kept = generated(ext) + ".sha256"
        fresh = os.path.exists(generated(ext)) and os.path.exists(kept) and \
            open(kept).read() == fingerprint(ext)
        if not fresh:
            stale.append((ext, fingerprint(ext)))
    if stale:
        cythonize([ext for ext, _ in stale], compiler_directives=DIRECTIVES, force=True,
                  nthreads=JOBS, build_dir=os.path.join(FLAVOUR, "c"),
                  shared_utility_qualified_name=SHARED)
        for ext, digest in stale:
            with open(generated(ext) + ".sha256", "w") as fh:
                fh.write(digest)
    for ext in exts:
        ext.sources = [generated(ext)]
    return exts


setup(ext_modules=cythonize_changed(extensions), cmdclass={"build_ext": KeptBuild})
