// The first view of a page that draws on the CPU (SwiftShader, llvmpipe, Canvas 2D),
// where a frame of 10k-100k nodes and their edges takes 0.5-3 s: as its script starts,
// the page asks the server for its drawing of the fitted view (docs/protocol.md, "The
// first view on a CPU renderer": tens of ms to draw and send) and shows it on a canvas
// under the vector one, following the camera, until the renderer has drawn the graph.
// The vectors wait for it to be on screen: a frame that holds a WebGL draw is not shown
// before that draw is done.
import { fitCanvas, layerUnder } from "./graph-view.js";

export class FirstView {
  // under: the vector canvas (the drawing's layer goes beneath it)
  constructor(under) {
    this.under = under; this.layer = null; this.image = null; this.view = null;
    this.holding = true;      // no vectors drawn until settled
    this.settled = new Promise((resolve) => { this.settle = (shown) => {
      if (!this.holding) return;
      this.holding = false; resolve(shown);
    }; });
  }

  // takes the server's reply to the page's request for the drawing (askFirstView in
  // graph-early.js); once it is decoded, paint(view) shows it (a redraw) and `settled`
  // resolves true; false when the server has none for this graph (204), or on any failure
  load(request, paint) {
    request.then((reply) => {
      if (reply.status !== 200) return false;
      const view = JSON.parse(reply.headers.get("X-Groggy-View"));
      return reply.blob().then((blob) => createImageBitmap(blob)).then((bitmap) => {
        if (!this.holding) { bitmap.close(); return false; }
        this.image = bitmap; this.view = view;
        return paint(view).then(() => true);
      });
    }).then((shown) => this.settle(shown), () => this.settle(false));
  }

  // drawn where its layout box lands under `camera` (CSS px)
  draw(camera) {
    if (!this.image) return;
    if (!this.layer) this.layer = layerUnder(this.under, "gg-graph-first-view");
    const ctx = this.layer.getContext("2d"), dpr = fitCanvas(this.layer, camera), v = this.view;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, camera.width, camera.height);
    const [x, y] = camera.toScreen(v.cx - v.width / 2 / v.zoom, v.cy + v.height / 2 / v.zoom);
    const s = camera.zoom / v.zoom;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.image, x, y, v.width * s, v.height * s);
  }

  // the vectors are drawn: the drawing goes
  drop() {
    this.settle(false);
    if (this.image) this.image.close();
    if (this.layer) this.layer.remove();
    this.image = null; this.layer = null;
  }
}
