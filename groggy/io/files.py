"""Paths the readers and writers take: a clear error naming a file that is not there."""
from __future__ import annotations

from pathlib import Path


def existing(path, what: str) -> Path:
    """``path`` as a Path, or ``FileNotFoundError`` naming it and what it should hold."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{what} file not found: {str(p)!r}")
    return p


def pair(nodes_path, edges_path, fmt: str) -> tuple:
    """Both input files checked (either may be None, not both) before any is read."""
    if nodes_path is None and edges_path is None:
        raise ValueError(f"give a nodes file, an edges file or both to read {fmt}")
    return (None if nodes_path is None else existing(nodes_path, f"nodes {fmt}"),
            None if edges_path is None else existing(edges_path, f"edges {fmt}"))


def origin(nodes_path, edges_path) -> tuple:
    """How error messages name the two inputs."""
    return (f"nodes file {str(nodes_path)!r}", f"edges file {str(edges_path)!r}")
