"""Where a jump's time goes in the table page: a diagnostic, not a benchmark.

Runs the jumps of bench/test_browser_paint.py (groggy side only) against the 1M-row
table and prints, per part, the p50 / p95 of a timeline stitched from both ends on one
wall clock (the browser's ``performance.timeOrigin + now`` and the server's
``time.time()``, same machine):

  jump -> sent | sent -> server got it | server got -> replies written |
  written -> first frame event | first -> last frame event | last frame -> painted

plus what ran on the page's main thread between the send and the first frame event
(animation-frame callbacks, long animation frames) and the raw-socket replay of the
same requests (the machine's floor). Nothing of this is in the shipped page: the
timings come from an init script (a traced WebSocket and requestAnimationFrame) and
from wrappers put around the server's handler in this process.

  PYTHONPATH=$PWD python bench/jump_probe.py [--jumps 100] [--scale 1.0]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROBE_JS = """
(() => {
  const wall = () => performance.timeOrigin + performance.now();
  const P = window.__probe = { sends: [], msgs: [], rafs: [], loafs: [], scrolls: [] };
  const Orig = window.WebSocket;
  class Traced extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        const t = wall();
        let id = null, kind = "json";
        if (e.data instanceof ArrayBuffer) {
          id = Number(new DataView(e.data).getBigInt64(8, true));
          kind = "frame";
        } else {
          try { id = JSON.parse(e.data).request_id; } catch (err) { /* */ }
        }
        console.timeStamp("msg " + kind + " " + id);
        P.msgs.push({ t, id, kind, bytes: e.data.byteLength || e.data.length });
      });
    }
    send(data) {
      let m = null;
      try { m = JSON.parse(data); } catch (err) { /* */ }
      if (m) console.timeStamp("send " + m.type + " " + m.request_id);
      if (m) P.sends.push({ t: wall(), id: m.request_id, type: m.type, offset: m.offset,
                            window: m.window_size });
      return super.send(data);
    }
  }
  window.WebSocket = Traced;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const t0 = wall();
    try { cb(ts); } finally { P.rafs.push({ t0, t1: wall() }); }
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        P.loafs.push({ start: performance.timeOrigin + e.startTime, dur: e.duration,
                       render: e.renderStart ? performance.timeOrigin + e.renderStart : 0,
                       styleLayout: e.styleAndLayoutStart ? performance.timeOrigin + e.styleAndLayoutStart : 0,
                       blocking: e.blockingDuration });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch (err) { /* no LoAF */ }
  // the benchmark's jumps, marked in a Chromium trace
  let hook;
  Object.defineProperty(window, "groggy", { configurable: true, get: () => hook, set: (g) => {
    hook = { ...g, scrollToRow: (n) => {
      console.timeStamp("jump " + n);
      return g.scrollToRow(n).then((r) => { console.timeStamp("painted " + n); return r; });
    } };
  } });
  document.addEventListener("scroll", () => P.scrolls.push(wall()), { capture: true, passive: true });
})();
"""



def pct(v, q):
    return float(np.percentile(v, q)) if len(v) else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jumps", type=int, default=100)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--trace", default=None, help="write a Chromium trace of the first 25 jumps")
    ap.add_argument("--profile", default=None, help="write a JS CPU profile of the jumps (.cpuprofile)")
    ap.add_argument("--store", default=os.path.join(tempfile.gettempdir(), "ggjump-probe"))
    args = ap.parse_args()
    os.environ["GROGGY_BENCH_SCALE"] = str(args.scale)
    import benchlib
    import groggy as gg
    from groggy.web import Server, app as webapp
    from test_browser_paint import BLOCK, GROGGY_JUMPS_JS, MAX_VISIBLE, RAW_WS_JS, TRACE_JS, VIEWPORT

    n_rows = benchlib.N_NODES
    path = os.path.join(args.store, f"table-{n_rows}.groggy")
    if not os.path.exists(path):
        os.makedirs(args.store, exist_ok=True)
        g = gg.Graph()
        g.add_nodes(benchlib.make_table_data(n_rows))
        g.save(path)

    # server-side stamps: a message received, each payload handed to Tornado
    recv, wrote = [], []
    on_message, write = webapp.SocketHandler.on_message, webapp.SocketHandler._write

    def traced_on_message(self, raw):
        t = time.time() * 1e3
        on_message(self, raw)
        recv.append((t, time.time() * 1e3, raw))

    def traced_write(self, payload):
        t = time.time() * 1e3
        fut = write(self, payload)
        wrote.append((t, time.time() * 1e3, payload[:64] if isinstance(payload, str)
                      else int.from_bytes(payload[8:16], "little", signed=True)))
        return fut

    webapp.SocketHandler.on_message = traced_on_message
    webapp.SocketHandler._write = traced_write

    server = Server({"table": gg.open(path).nodes.table()}, block_size=BLOCK).start()
    jumps = benchlib.fresh_offsets(n_rows, args.jumps, BLOCK, MAX_VISIBLE,
                                   benchlib.SEED + 3, gap=2)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=benchlib.CHROMIUM, args=benchlib.CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(TRACE_JS)   # the benchmark's (its jumps read it)
        page.add_init_script(PROBE_JS)
        page.goto(server.url)
        page.wait_for_function("() => window.groggy !== undefined")
        page.evaluate("() => window.groggy.ready.then(() => true)")
        out = []
        cdp = None
        if args.profile:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 100})
            cdp.send("Profiler.start")
        for i in range(0, len(jumps), 25):
            if args.trace and i == 0:
                browser.start_tracing(page=page, path=args.trace, categories=[
                    "devtools.timeline", "blink", "cc", "toplevel", "disabled-by-default-devtools.timeline",
                    "scheduler", "net", "mojom", "renderer.scheduler"])
            out += page.evaluate(GROGGY_JUMPS_JS, jumps[i:i + 25])
            if args.trace and i == 0:
                browser.stop_tracing()
        if cdp is not None:
            with open(args.profile, "w") as f:
                json.dump(cdp.send("Profiler.stop")["profile"], f)
        probe = page.evaluate("() => window.__probe")
        origin = page.evaluate("() => performance.timeOrigin")
        sends = [s for s in probe["sends"] if s["type"] == "ScrollRequest"]
        raw = page.evaluate(RAW_WS_JS, {"url": benchlib.ws_url(server.url),
                                        "reqs": [{"offset": s["offset"], "window": s["window"]}
                                                 for s in sends]})
        browser.close()
    server.stop()

    # server stamps by request id
    srv_recv = {}
    for t, t_done, raw_msg in recv:
        try:
            m = json.loads(raw_msg)
        except Exception:
            continue
        if m.get("type") == "ScrollRequest":
            srv_recv.setdefault(m["request_id"], (t, t_done))
    srv_write = {}
    for t, t_done, what in wrote:
        if isinstance(what, int):
            srv_write.setdefault(what, []).append((t, t_done))
    msgs_by_id = {}
    for m in probe["msgs"]:
        msgs_by_id.setdefault(m["id"], []).append(m)

    parts = {k: [] for k in ("jump -> sent", "sent -> server got", "server handle",
                             "server got -> first write", "first write -> first frame event",
                             "first -> last frame event", "first frame event -> painted",
                             "jump -> painted")}
    busy = {"rAF between send and first frame": [], "rAF ms between": [],
            "LoAF overlapping": []}
    for o in out:   # the benchmark's times are performance.now(): put them on the wall clock
        o["t0"] += origin
        o["t1"] += origin
    for o in out:
        s = next((s for s in sends if o["t0"] - 0.5 <= s["t"] <= o["t1"]), None)
        parts["jump -> painted"].append(o["t1"] - o["t0"])
        if s is None or s["id"] not in srv_recv or s["id"] not in msgs_by_id:
            continue
        rid = s["id"]
        frames = [m for m in msgs_by_id[rid] if m["kind"] == "frame"]
        if not frames or rid not in srv_write:
            continue
        r0, r1 = srv_recv[rid]
        w0 = srv_write[rid][0][0]
        parts["jump -> sent"].append(s["t"] - o["t0"])
        parts["sent -> server got"].append(r0 - s["t"])
        parts["server handle"].append(r1 - r0)
        parts["server got -> first write"].append(w0 - r0)
        parts["first write -> first frame event"].append(frames[0]["t"] - w0)
        parts["first -> last frame event"].append(frames[-1]["t"] - frames[0]["t"])
        parts["first frame event -> painted"].append(o["t1"] - frames[0]["t"])
        between = [r for r in probe["rafs"] if s["t"] <= r["t0"] <= frames[0]["t"]]
        busy["rAF between send and first frame"].append(len(between))
        busy["rAF ms between"].append(sum(r["t1"] - r["t0"] for r in between))
        busy["LoAF overlapping"].append(sum(1 for f in probe["loafs"]
                                            if f["start"] <= frames[0]["t"]
                                            and f["start"] + f["dur"] >= s["t"]))
    print(f"{len(out)} jumps, {len(sends)} ScrollRequests, load {os.getloadavg()[0]:.2f}")
    for k, v in {**parts, **busy}.items():
        print(f"  {k:36s} p50 {pct(v, 50):7.2f}  p95 {pct(v, 95):7.2f}  (n={len(v)})")
    print(f"  {'raw socket replay':36s} p50 {pct(raw, 50):7.2f}  p95 {pct(raw, 95):7.2f}")
    if os.environ.get("PROBE_DUMP"):
        with open(os.environ["PROBE_DUMP"], "w") as f:
            json.dump({"out": out, "probe": probe, "recv": [(a, b) for a, b, _ in recv],
                       "srv_recv": srv_recv, "srv_write": srv_write}, f)


if __name__ == "__main__":
    main()
