"""The machine a report ran on: cores, memory, load average (at the start and the end of
the run), Python, groggy and every peer's version (or why it was skipped)."""
from __future__ import annotations

import os
import platform
import sys

from groggy.bench.peers import PEERS, PROGRAMS, version


def memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1 << 20)
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe() -> dict:
    """The machine now (the runner adds the end-of-run load average)."""
    import groggy
    mem = memory_gb()
    return {"cores": os.cpu_count(), "memory": f"{mem:.1f} GB" if mem else "unknown",
            "platform": platform.platform(), "python": sys.version.split()[0],
            "groggy": getattr(groggy, "__version__", "unknown"),
            "load_start": load_average(),
            "peers": {p: version(p) for p in (*PEERS, *PROGRAMS)}}
