"""The peers the report compares groggy with, found by importing them: a peer that does
not import is listed in the report as skipped with the import's error, never dropped.

``GROGGY_BENCH_PEER_MODULES="peer=module,..."`` imports a peer from another module name
(a vendored or renamed build); naming a module that is not installed shows how the
report lists an absent peer (the harness's own tests do this).
"""
from __future__ import annotations

import importlib
import os
import shutil
import subprocess

# peer -> (module to import, what installs it)
PEERS = {
    "networkx": ("networkx", "pip install networkx"),
    "igraph": ("igraph", "pip install igraph"),
    "pandas": ("pandas", "pip install pandas"),
    "polars": ("polars", "pip install polars"),
    "pyarrow": ("pyarrow", "pip install pyarrow"),
    "numpy": ("numpy", "pip install numpy"),
    "matplotlib": ("matplotlib", "pip install matplotlib"),
    "perspective": ("perspective", "pip install perspective-python"),
}
# peers that are programs, not modules: peer -> (executable, what installs it)
PROGRAMS = {"graphviz": ("neato", "apt-get install graphviz")}


class PeerMissing(Exception):
    """A peer that cannot run here; the message is the reason the report shows."""


def module_names() -> dict:
    """Peer -> module name, with the overrides of ``GROGGY_BENCH_PEER_MODULES``."""
    names = {peer: mod for peer, (mod, _) in PEERS.items()}
    for item in filter(None, os.environ.get("GROGGY_BENCH_PEER_MODULES", "").split(",")):
        peer, sep, mod = item.partition("=")
        if not sep or peer.strip() not in PEERS:
            raise ValueError(f"GROGGY_BENCH_PEER_MODULES: {item!r} is not PEER=MODULE with "
                             f"PEER one of {', '.join(PEERS)}")
        names[peer.strip()] = mod.strip()
    return names


def load(peer: str):
    """The peer's module, or PeerMissing saying why it is not there and how to get it."""
    if peer in PROGRAMS:
        exe, how = PROGRAMS[peer]
        if shutil.which(exe) is None:
            raise PeerMissing(f"{exe} not found on PATH ({how})")
        return exe
    name = module_names()[peer]
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise PeerMissing(f"not installed ({exc}; {PEERS[peer][1]})") from None


def version(peer: str) -> str:
    """The peer's version, or 'skipped: <reason>'."""
    try:
        mod = load(peer)
    except PeerMissing as exc:
        return f"skipped: {exc}"
    if peer in PROGRAMS:
        out = subprocess.run([mod, "-V"], capture_output=True, text=True)
        return (out.stderr or out.stdout).strip().splitlines()[0]
    return str(getattr(mod, "__version__", "unknown version"))
