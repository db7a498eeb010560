// The first module a graph page runs: it imports nothing, so it runs as soon as the
// document is parsed, while graph.js and its modules are still being fetched and
// compiled (~0.1 s on a busy CPU). A page that will draw on the CPU asks for the
// server's drawing of its first view from here (graph-firstview.js), so that the
// server draws it while the page starts.

/* global __GROGGY_HOST__ */

// the canvas's WebGL2 context: graph-gl.js asks for the same one (the first call fixes
// the attributes; later ones get that context)
export const GL_ATTRIBUTES = { antialias: false, premultipliedAlpha: true, alpha: true };

// true when WebGL is drawn by the CPU (the unmasked renderer's name says so)
export function softwareRenderer(gl) {
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
}

// the server's reply for the drawing of a width x height canvas's first view
// (docs/protocol.md, "The first view on a CPU renderer")
export function askFirstView(width, height) {
  const path = location.pathname.replace(/\/$/, "");
  return fetch(`${path}/first-view?width=${Math.round(width)}&height=${Math.round(height)}`,
               { cache: "no-store" });
}

// the page will draw on the CPU: Canvas 2D (asked for, or no WebGL2), or a software GL
function drawsOnCPU(canvas) {
  if (new URLSearchParams(location.search).get("renderer") === "canvas") return true;
  const gl = canvas.getContext("webgl2", GL_ATTRIBUTES);
  return !gl || softwareRenderer(gl);
}

function early() {
  if (typeof __GROGGY_HOST__ !== "undefined") return null;   // inside a notebook widget
  const canvas = document.querySelector(".gg-graph-canvas");
  const stage = document.querySelector(".gg-graph-stage");
  if (!canvas || !stage || !drawsOnCPU(canvas)) return null;
  const box = stage.getBoundingClientRect();
  return askFirstView(box.width, box.height);
}

// the server's reply to the request sent as the page began (a promise), or null: a GPU
// page needs no drawing, and a notebook widget has no address to ask
export const earlyFirstView = early();
