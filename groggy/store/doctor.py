"""``python -m groggy verify [--repair] PATH``: everything wrong with a store, and the
repairs that lose nothing.

A repair removes leftovers of crashed saves (generations other than the current one,
pointer temp files, a converted version-1 store's flat files, ``.<name>.tmp-*`` and
``.<name>.old-*`` beside the store) only while the current generation checks out in full,
and never the current generation. When nothing is at ``PATH`` but a crashed version-1
save left the old store in a ``.<name>.old-*`` folder, it moves that store back.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from groggy.errors import StoreError
from groggy.store import layout
from groggy.store.reader import _open_generation, _Vanished, open_store, progress_bar
from groggy.store.writer import remove_leftovers


class Diagnosis(NamedTuple):
    root: Path
    summary: str              # what the store holds, when it opens
    problems: list            # messages naming the damaged files
    leftovers: list           # paths a repair removes (when there are no problems)
    recoverable: Path | None  # a .old-* store to move back to root
    hints: list               # what a person could do that a repair will not

    @property
    def healthy(self) -> bool:
        return not self.problems


def _check_all(root: Path, progress: bool | None = False):
    """(summary, problems) of the store at ``root``: opening it, then every column's
    full checks, each reported rather than stopping at the first."""
    try:
        opened = open_store(root)
    except StoreError as exc:
        return "", [str(exc)]
    problems = []
    with progress_bar(opened.checks, progress) as bar:
        for check in opened.checks:
            try:
                check.run(bar.advance)
            except StoreError as exc:
                problems.append(f"{check.label}: {exc}")
    m = opened.manifest
    where = (opened.location.name if opened.location != root else "flat version-1 layout")
    files = len(m["checksums"])
    nbytes = sum(c["size"] for c in m["checksums"].values())
    return (f"{where}: {m['node_count']:,} nodes, {m['edge_count']:,} edges, {files} files, "
            f"{nbytes:,} bytes"), problems


def _complete_generations(root: Path) -> list:
    """Names of the generations under ``root`` that open and check out in full, newest
    first (what a lost ``CURRENT`` could name again)."""
    good = []
    for _, gen in sorted(layout.generations(root).items(), reverse=True):
        try:
            for check in _open_generation(root, gen.name).checks:
                check.run()
        except (StoreError, _Vanished):
            continue
        good.append(gen.name)
    return good


def diagnose(path, progress: bool | None = None) -> Diagnosis:
    """Open the store at ``path`` and run every check, collecting every problem;
    ``progress``: a progress bar (default: on a terminal, for large stores).

    Examples
    --------
    >>> import tempfile, os, groggy as gg
    >>> from groggy.store.doctor import diagnose
    >>> path = gg.Graph().save(os.path.join(tempfile.mkdtemp(), "g.groggy"))
    >>> os.mkdir(path / "gen-9")            # what a killed save leaves
    >>> d = diagnose(path)
    >>> d.healthy, [p.name for p in d.leftovers]
    (True, ['gen-9'])
    """
    root = Path(path)
    summary, problems = _check_all(root, progress)
    leftovers, recoverable, hints = [], None, []
    if root.is_dir():
        try:
            current = layout.read_pointer(root)
        except StoreError:
            current = None
        leftovers = layout.leftovers(root, current) + layout.sibling_leftovers(root)
        if problems and current is None and not (root / "manifest.json").exists():
            for name in _complete_generations(root):
                hints.append(f"{root / name} is a complete generation; if {layout.CURRENT} "
                             f"was lost, write {name!r} into {root / layout.CURRENT}")
                break
    else:
        leftovers = layout.sibling_leftovers(root)
    if problems and _empty_or_missing(root):
        olds = [p for p in layout.sibling_leftovers(root)
                if p.name.startswith(f".{root.name}.old-") and not _check_all(p)[1]]
        if olds:
            recoverable = max(olds, key=lambda p: p.stat().st_mtime_ns)
    return Diagnosis(root, summary, problems, leftovers, recoverable, hints)


def _empty_or_missing(root: Path) -> bool:
    return not root.exists() or (root.is_dir() and not any(root.iterdir()))


def repair(diagnosis: Diagnosis) -> list:
    """Carry out the safe repairs of ``diagnosis``; returns what was done, one line each."""
    root, done = diagnosis.root, []
    if diagnosis.recoverable is not None:
        if root.is_dir():
            os.rmdir(root)  # empty (checked by diagnose)
        os.rename(diagnosis.recoverable, root)
        layout.fsync_dir(root.parent)
        done.append(f"restored {root} from {diagnosis.recoverable} (the store a crashed "
                    "version-1 save left there)")
        diagnosis = diagnose(root)
    if not diagnosis.healthy or not diagnosis.leftovers:
        return done
    with layout.exclusive(root):
        current = layout.read_pointer(root)
        again = layout.leftovers(root, current) + layout.sibling_leftovers(root)
        remove_leftovers(root, current)
    done += [f"removed {p}" for p in again]
    return done
