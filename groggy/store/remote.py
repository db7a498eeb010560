"""A store at a URL (``s3://bucket/g.groggy``, ``gs://...``, ``file:///...``: anything
fsspec opens), read by the same reader as a local store: a :class:`RemotePath` stands
where a ``Path`` does, and a file is fetched whole (its bytes checked against the
manifest's size and CRC-32 like a mapped file's) instead of memory-mapped.

Needs ``fsspec`` and the file system's package (``s3fs`` for ``s3://``), imported only
when a URL is opened. Each read of a file is checked again: a fetched copy is new
bytes, unlike a map of a file already checked.
"""
from __future__ import annotations

import itertools
import posixpath

_reads = itertools.count()   # a fetched file's identity: never "already checked"


def is_url(path) -> bool:
    """True for a ``protocol://`` string (a local path stays a ``Path``)."""
    return isinstance(path, str) and "://" in path


def is_remote(location) -> bool:
    """True for a :class:`RemotePath` (a store's location that is not a local path)."""
    return isinstance(location, RemotePath)


def locate(url: str, storage_options: dict | None = None) -> "RemotePath":
    """The :class:`RemotePath` of ``url`` (``storage_options``: the file system's
    keywords, e.g. ``{"key": ..., "secret": ..., "client_kwargs": {"endpoint_url": ...}}``
    for s3fs)."""
    try:
        import fsspec
    except ImportError as exc:
        raise ImportError(f"reading {url} needs fsspec (and the package of its file "
                          f"system, s3fs for s3://): pip install 'groggy[dask]'") from exc
    try:
        fs, path = fsspec.core.url_to_fs(url, **(storage_options or {}))
    except ImportError as exc:   # fsspec names the package a protocol needs
        raise ImportError(f"reading {url}: {exc}") from exc
    return RemotePath(fs, path.rstrip("/"))


class RemotePath:
    """A file or directory on an fsspec file system, with the few ``Path`` methods the
    store reader uses. Picklable (fsspec file systems are), so Dask tasks carry it."""

    def __init__(self, fs, path: str):
        self.fs, self.path = fs, path

    def __truediv__(self, rel) -> "RemotePath":
        return RemotePath(self.fs, posixpath.join(self.path, str(rel)))

    def __str__(self) -> str:
        return self.fs.unstrip_protocol(self.path)

    def __repr__(self) -> str:
        return f"RemotePath({str(self)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, RemotePath) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    def read_bytes(self) -> bytes:
        return self.fs.cat_file(self.path)

    def is_dir(self) -> bool:
        return self.fs.isdir(self.path)

    def is_file(self) -> bool:
        return self.fs.isfile(self.path)

    def exists(self) -> bool:
        return self.fs.exists(self.path)

    def sizes(self) -> dict:
        """{path relative to this directory: size} of every file under it (one
        listing, not a request per file)."""
        found = self.fs.find(self.path, detail=True)
        return {posixpath.relpath(p, self.path): info["size"] for p, info in found.items()}

    def identity(self) -> tuple:
        return ("fetched", str(self), next(_reads))
