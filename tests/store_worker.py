"""A helper process for the store tests: real processes saving, being killed and reading.

    python store_worker.py serve              one command per stdin line (JSON), one
                                              forked child per command, one JSON reply
                                              per stdout line (groggy is imported once)
    python store_worker.py reader PATH STOP   open and read PATH until the file STOP exists,
                                              then print counts as JSON
    python store_worker.py saver PATH N       save the twin graphs 0, 1, 0, ... N times

Commands of ``serve``:
    {"op": "save", "path": P, "graph": G, "kill_at": K}
        save graph G over P in a child that SIGKILLs itself at the K-th step of the save
        (writer.step_hook); K = 0 saves to the end
    {"op": "store_layout", "path": P, "kill_at": K}
        open P, store a layout in it and save (linking the columns), in a child that
        SIGKILLs itself at the K-th step of the save
    {"op": "save", "path": P, "graph": G, "kill_after": S}
        save graph G over P in a child that is sent SIGKILL after S seconds
    {"op": "read", "path": P, "expect": [G, ...], "verify": false}
        open P in a child and read everything: "equal" (with the index of the graph it
        equals), "StoreError" (with the message), "wrong" (matches none), "exception"
        (any other exception) or "signal" (the child died, e.g. a segfault)

Graph names: "sample", "other" (conftest) and "twin0", "twin1", ... or "twin3:60:150"
(make_twin_graph(seed, nodes, edges)).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import groggy as gg  # noqa: E402
from groggy.store import reader as store_reader  # noqa: E402
from groggy.store import writer  # noqa: E402

from conftest import (make_other_graph, make_sample_graph, make_twin_graph,  # noqa: E402
                      read_all, same)

_graphs: dict = {}
_expected: dict = {}


def graph(name: str) -> gg.Graph:
    if name not in _graphs:
        if name == "sample":
            _graphs[name] = make_sample_graph()
        elif name == "other":
            _graphs[name] = make_other_graph()
        elif name.startswith("twin"):  # twin<seed> or twin<seed>:<nodes>:<edges>
            _graphs[name] = make_twin_graph(*map(int, name[4:].split(":")))
        else:
            raise ValueError(f"unknown graph {name!r}")
    return _graphs[name]


def expected(name: str) -> dict:
    if name not in _expected:
        _expected[name] = read_all(graph(name))
    return _expected[name]


def classify(path: str, expect: list, verify: bool = False) -> dict:
    """Open and read ``path``; what came out, compared with the graphs ``expect``."""
    try:
        got = read_all(gg.open(path, verify=verify))
    except gg.StoreError as exc:
        return {"result": "StoreError", "message": str(exc)}
    except BaseException as exc:  # noqa: BLE001 - any other exception is the finding
        return {"result": "exception", "message": "".join(
            traceback.format_exception_only(type(exc), exc)).strip()}
    for i, name in enumerate(expect):
        if same(got, expected(name)):
            return {"result": "equal", "which": i}
    return {"result": "wrong"}


def in_child(work, kill_after: float | None = None) -> dict:
    """Run ``work()`` (returns a dict) in a forked child; its dict, or how it died."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the caller's loop
        os.close(rfd)
        try:
            out = json.dumps(work()).encode()
        except BaseException as exc:  # noqa: BLE001
            out = json.dumps({"result": "exception", "message": repr(exc)}).encode()
        os.write(wfd, out)
        os._exit(0)
    os.close(wfd)
    killed = False
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(pid, signal.SIGKILL)
            killed = True
        except ProcessLookupError:
            pass
    with os.fdopen(rfd, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    reply = json.loads(data) if data else {}
    reply.update(code=code)
    if code < 0 and not data:
        reply["result"] = "signal" if not killed else "killed"
    reply["killed"] = killed and code == -signal.SIGKILL
    return reply


def kill_at_step(k: int) -> None:
    """SIGKILL this process at the k-th step of the next save (0: never)."""
    if not k:
        return
    count = [0]

    def hook(what):
        count[0] += 1
        if count[0] == k:
            os.kill(os.getpid(), signal.SIGKILL)
    writer.step_hook = hook


def save_work(path: str, name: str, kill_at: int):
    g = graph(name)

    def work():
        kill_at_step(kill_at)
        g.save(path)
        return {"result": "saved"}
    return work


LAYOUT_NAME = "stored"


def stored_layout(n: int):
    """The positions the ``store_layout`` command stores (a function of n only)."""
    import numpy as np
    return np.stack([np.arange(n, dtype=np.float64), np.arange(n) * -0.5], 1)


def store_layout_work(path: str, kill_at: int):
    """Open the store at ``path``, store a layout in it (its columns linked, not
    rewritten) and save, killed at the ``kill_at``-th step of the save if given."""
    def work():
        g = gg.open(path)
        g.layouts[LAYOUT_NAME] = stored_layout(g.node_count())
        kill_at_step(kill_at)
        g.save(path)
        return {"result": "saved"}
    return work


def serve() -> None:
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "save":
            reply = in_child(save_work(cmd["path"], cmd["graph"], cmd.get("kill_at", 0)),
                             kill_after=cmd.get("kill_after"))
        elif cmd["op"] == "store_layout":
            reply = in_child(store_layout_work(cmd["path"], cmd.get("kill_at", 0)))
        elif cmd["op"] == "read":
            for name in cmd["expect"]:
                expected(name)  # computed here once, inherited by every child
            reply = in_child(lambda: classify(cmd["path"], cmd["expect"],
                                              cmd.get("verify", False)))
        else:
            reply = {"result": "exception", "message": f"unknown op {cmd['op']!r}"}
        print(json.dumps(reply), flush=True)


def reader(path: str, stop: str) -> None:
    expect = ["twin0", "twin1"]
    for name in expect:
        expected(name)
    counts = {"opens": 0, "twin0": 0, "twin1": 0, "mixed": 0, "exceptions": 0}
    errors = []
    while not os.path.exists(stop):
        out = classify(path, expect)
        counts["opens"] += 1
        if out["result"] == "equal":
            counts[expect[out["which"]]] += 1
        elif out["result"] == "wrong":
            counts["mixed"] += 1
        else:
            counts["exceptions"] += 1
            errors.append(out["message"])
        time.sleep(0.002)  # 4 readers on a small machine must not starve the saver
    counts["retries"] = store_reader.stats["retries"]
    print(json.dumps({"counts": counts, "errors": errors[:5]}), flush=True)


def saver(path: str, n: int) -> None:
    twins = [graph("twin0"), graph("twin1")]
    for i in range(n):
        twins[i % 2].save(path)
    print(json.dumps({"saves": n}), flush=True)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "serve":
        serve()
    elif mode == "reader":
        reader(args[0], args[1])
    elif mode == "saver":
        saver(args[0], int(args[1]))
    else:
        sys.exit(f"unknown mode {mode!r}")
