"""sigma.js (WebGL, with graphology) as the graph view's peer, for the benchmarks only:
installed from the npm registry into a cache directory on first use, never a dependency
of groggy. ``open_sigma(page, positions, edges)`` draws the given layout in a page of
the same Chromium; ``pan_zoom`` moves the camera of either view through the same path
and returns each frame's time (camera change -> frame drawn by the GPU, back to back:
for both, a fence after the frame's commands has signalled)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

CACHE = Path(os.environ.get("GROGGY_BENCH_NPM", Path.home() / ".cache" / "groggy-bench" / "npm"))
PACKAGES = ("sigma@3", "graphology@0.26")
BUNDLES = ("node_modules/graphology/dist/graphology.umd.min.js",
           "node_modules/sigma/dist/sigma.min.js")


def sigma_bundles() -> list:
    """Paths of graphology's and sigma's prebuilt browser bundles (npm install once);
    skips the benchmark, saying why, when npm or the registry is not there."""
    paths = [CACHE / b for b in BUNDLES]
    if all(p.exists() for p in paths):
        return paths
    if not shutil.which("npm"):
        pytest.skip("sigma.js comparison skipped: npm is not installed")
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                           "--prefix", str(CACHE), *PACKAGES], capture_output=True, text=True)
    if done.returncode or not all(p.exists() for p in paths):
        pytest.skip(f"sigma.js comparison skipped: npm install failed: {done.stderr[-300:]}")
    return paths


def sigma_version() -> str:
    meta = json.loads((CACHE / "node_modules/sigma/package.json").read_text())
    return meta["version"]


def open_sigma(page, positions: np.ndarray, edges: np.ndarray, size: float,
               width: int, height: int) -> float:
    """Draw the graph with sigma.js in ``page``; returns the seconds from the data being
    in the page to sigma's first frame (graphology build + sigma's processing)."""
    page.set_content(f'<body style="margin:0"><div id="c" style="width:{width}px;'
                     f'height:{height}px"></div></body>')
    for path in sigma_bundles():
        page.add_script_tag(path=str(path))
    page.evaluate("""([pos, edges]) => { window.__pos = pos; window.__edges = edges; }""",
                  [np.asarray(positions, dtype=np.float64).ravel().tolist(),
                   np.asarray(edges, dtype=np.int64).ravel().tolist()])
    return page.evaluate("""async (size) => {
      const t0 = performance.now();
      const g = new graphology.MultiGraph({ allowSelfLoops: true });
      const pos = window.__pos, e = window.__edges;
      for (let i = 0; i < pos.length / 2; i++)
        g.addNode(i, { x: pos[2 * i], y: pos[2 * i + 1], size, color: "#1a73e8" });
      for (let k = 0; k < e.length; k += 2) g.addEdge(e[k], e[k + 1], { color: "#c8c8c8" });
      const s = new Sigma(g, document.getElementById("c"),
                          { renderLabels: false, hideEdgesOnMove: false });
      window.__sigma = s;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return (performance.now() - t0) / 1000;
    }""", size)


# the camera path: 60 frames panning across the middle while zooming 1x -> 8x -> 1x
# (GROGGY_BENCH_PAN_STEPS makes it shorter: on a software GPU a frame takes seconds)
STEPS = int(os.environ.get("GROGGY_BENCH_PAN_STEPS", "60"))
PATH = [(0.3 + 0.4 * t, 0.5 + 0.2 * np.sin(6.3 * t), 1 + 7 * np.sin(3.1416 * t))
        for t in np.linspace(0, 1, STEPS)]


def pan_zoom(page, kind: str) -> list:
    """Frame times (ms) along PATH: each camera change, then wait until it is drawn."""
    steps = [list(map(float, p)) for p in PATH]
    if kind == "groggy":
        return page.evaluate("""async (steps) => {
          const g = window.groggy.graph, v = g.viewport(), [x0, y0, x1, y1] = g.bounds();
          const out = []; let last = performance.now();
          for (const [u, w, z] of steps) {
            await g.setViewport(x0 + u * (x1 - x0), y0 + w * (y1 - y0), v.fitZoom * z);
            const now = performance.now(); out.push(now - last); last = now;
          }
          return out;
        }""", steps)
    # drawn = sigma's afterRender, then a fence on each of its WebGL2 contexts signalled:
    # the GPU has drawn the frame, as groggy's setViewport waits for
    return page.evaluate("""async (steps) => {
      const s = window.__sigma, cam = s.getCamera(), out = [];
      const gls = Object.values(s.getCanvases())
        .map((c) => (c.getContext("webgl2"))).filter(Boolean);
      const gpuDone = (gl) => new Promise((resolve) => {
        const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
        gl.flush();
        const poll = () => {
          if (gl.getSyncParameter(sync, gl.SYNC_STATUS) === gl.SIGNALED) { gl.deleteSync(sync); resolve(); }
          else setTimeout(poll, 2);
        };
        poll();
      });
      let last = performance.now();
      for (const [u, w, z] of steps) {
        const drawn = new Promise((r) => s.once("afterRender", r));
        cam.setState({ x: u, y: w, ratio: 1 / z });
        await drawn;
        await Promise.all(gls.map(gpuDone));
        const now = performance.now(); out.push(now - last); last = now;
      }
      return out;
    }""", steps)
