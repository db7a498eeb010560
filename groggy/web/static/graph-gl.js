// WebGL2 drawing of the graph view: edges as lines (or instanced quads when edges have
// widths; an edge with bend points as one per segment of its polyline), nodes as instanced shapes (circle, square, triangle, diamond: the export's)
// with an outline, antialiased in the fragment shader. Positions are uploaded when they
// change (a layout switch, a drag); a redraw only sets the camera uniforms.
import { EdgePaths } from "./graph-bends.js";
import { fitCanvas, rgba } from "./graph-view.js";
import { GL_ATTRIBUTES, softwareRenderer } from "./graph-early.js";

// every vertex shader: the camera's uniforms, and CSS px from the view's centre to clip space
const vertexShader = (body) => `#version 300 es
uniform vec2 center; uniform float zoom; uniform vec2 viewport;
vec4 clip(vec2 s) { return vec4(2.0 * s.x / viewport.x, 2.0 * s.y / viewport.y, 0.0, 1.0); }
${body}`;
const EDGE_VS = vertexShader(`
layout(location=0) in vec2 pos;
layout(location=1) in vec4 color;
out vec4 vColor;
void main() {
  gl_Position = clip((pos - center) * zoom);
  vColor = color;
}`);
const EDGE_FS = `#version 300 es
precision mediump float;
in vec4 vColor; uniform vec4 override; uniform float alpha;
out vec4 outColor;
void main() {
  vec4 c = override.a > 0.0 ? override : vColor;
  outColor = vec4(c.rgb * c.a * alpha, c.a * alpha);
}`;
// edges with widths: one quad per edge, from a to b, `width` CSS px across
const WIDE_VS = vertexShader(`
layout(location=0) in vec2 corner;
layout(location=1) in vec4 color;
layout(location=2) in vec2 a;
layout(location=3) in vec2 b;
layout(location=4) in float width;
uniform float scale;
out vec4 vColor;
void main() {
  vec2 sa = (a - center) * zoom, sb = (b - center) * zoom;
  vec2 d = sb - sa;
  vec2 dir = length(d) > 0.0 ? normalize(d) : vec2(1.0, 0.0);
  gl_Position = clip(mix(sa, sb, corner.x) + vec2(-dir.y, dir.x) * corner.y * 0.5 * max(width * scale, 1.0));
  vColor = color;
}`);
const NODE_VS = vertexShader(`
layout(location=0) in vec2 corner;
layout(location=1) in vec2 pos;
layout(location=2) in vec4 color;
layout(location=3) in float size;
layout(location=4) in float flag;
layout(location=5) in float shape;
uniform float scale;
out vec2 vOffset; out float vRadius; out vec4 vColor; out float vFlag; out float vShape;
void main() {
  float r = max(max(size * 0.5 * scale, 1.0), flag > 1.5 ? 6.0 : (flag > 0.5 ? 4.5 : 0.0));
  vec2 offset = corner * (1.25 * r + 1.5);
  vec2 s = (pos - center) * zoom;
  gl_Position = clip(vec2(s.x + offset.x, s.y - offset.y));
  vOffset = offset; vRadius = r; vColor = color; vFlag = flag; vShape = shape;
}`);
// signed distance (CSS px, < 0 inside) to the export's shapes (render.py _UNIT), y down
const NODE_FS = `#version 300 es
precision mediump float;
in vec2 vOffset; in float vRadius; in vec4 vColor; in float vFlag; in float vShape;
uniform vec4 stroke; uniform vec4 ring; uniform float dim;
out vec4 outColor;
float shapeDistance(vec2 p, float r) {
  if (vShape < 0.5) return length(p) - r;
  if (vShape < 1.5) return max(abs(p.x), abs(p.y)) - r;
  if (vShape < 2.5) {
    vec2 q = p - vec2(0.0, -1.15 * r);
    return max(p.y - 0.58 * r, max(dot(q, vec2(0.866, -0.5)), dot(q, vec2(-0.866, -0.5))));
  }
  return (abs(p.x) + abs(p.y) - 1.2 * r) * 0.7071;
}
void main() {
  float d = shapeDistance(vOffset, vRadius);
  float edge = clamp(0.5 - d, 0.0, 1.0);
  if (edge <= 0.0) discard;
  float width = vFlag > 1.5 ? 2.5 : (vFlag > 0.5 ? 1.5 : (vRadius > 3.0 ? 1.0 : 0.0));
  vec4 line = vFlag > 0.5 ? ring : stroke;
  float inner = clamp(0.5 - d - width, 0.0, 1.0);
  vec4 c = width > 0.0 ? mix(line, vColor, inner) : vColor;
  float a = c.a * edge * (dim > 0.5 && vFlag < 0.5 ? 0.25 : 1.0);
  outColor = vec4(c.rgb * a, a);
}`;

// Compiles and links without asking for the result: a status query waits for the GPU
// process, so it is put off to the first draw (the program's `uniforms`), and the
// compile runs while the page connects and the graph arrives.
function compile(gl, vs, fs) {
  const prog = gl.createProgram();
  const shaders = [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]].map(([type, src]) => {
    const sh = gl.createShader(type);
    gl.shaderSource(sh, src); gl.compileShader(sh);
    gl.attachShader(prog, sh);
    return sh;
  });
  gl.linkProgram(prog);
  let uniforms = null;
  return {
    prog,
    get uniforms() {
      if (uniforms) return uniforms;
      if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) {
        const log = shaders.map((sh) => gl.getShaderInfoLog(sh)).join(" ") || gl.getProgramInfoLog(prog);
        throw new Error("groggy: a WebGL program failed: " + log);
      }
      uniforms = {};
      const count = gl.getProgramParameter(prog, gl.ACTIVE_UNIFORMS);
      for (let i = 0; i < count; i++) {
        const name = gl.getActiveUniform(prog, i).name;
        uniforms[name] = gl.getUniformLocation(prog, name);
      }
      return uniforms;
    },
  };
}

export class GLRenderer {
  // throws when WebGL2 is missing: the caller falls back to Canvas 2D
  // msaa: true / false to force multisampling on or off (tests), else it is on unless
  // WebGL runs on a CPU rasterizer
  constructor(canvas, msaa = null) {
    // no multisampled canvas: a CPU rasterizer (SwiftShader, llvmpipe) draws the view's
    // lines 3-4x slower with it (measured: 10k nodes / 50k edges, 1.7 s a frame against
    // 0.5 s), while a GPU antialiases for free. So the page asks which it has, and
    // on a GPU draws into a multisampled framebuffer copied to the canvas each frame.
    const gl = canvas.getContext("webgl2", GL_ATTRIBUTES);
    if (!gl) throw new Error("WebGL2 is not available");
    this.kind = "webgl";
    this.gl = gl; this.canvas = canvas;
    this.software = softwareRenderer(gl);
    this.samples = (msaa === null ? !this.software : msaa) ? Math.min(4, gl.getParameter(gl.MAX_SAMPLES)) : 0;
    this.msaa = null;       // {fbo, rb, w, h} once sized
    this.edgeProg = compile(gl, EDGE_VS, EDGE_FS);
    this.nodeProg = compile(gl, NODE_VS, NODE_FS);
    this.wideProg = compile(gl, WIDE_VS, EDGE_FS);
    this.buf = {};
    for (const name of ["corner", "pos", "color", "size", "flag", "edgePos", "edgeColor", "hotPos",
                        "topPos", "topColor", "topSize", "topFlag", "shape", "topShape",
                        "edgeWidth", "strip", "bentPos"])
      this.buf[name] = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.corner);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.strip);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, -1, 1, -1, 0, 1, 1, 1]), gl.STATIC_DRAW);
    this.n = 0; this.m = 0; this.hot = 0; this.dim = false; this.showEdges = true;
    this.nodeVao = gl.createVertexArray(); this.edgeVao = gl.createVertexArray();
    this.hotVao = gl.createVertexArray();
    this.topVao = gl.createVertexArray(); this.top = 0;
    this.bentVao = gl.createVertexArray(); this.bent = 0;
    this.edgeIndex = gl.createBuffer();
    this.segs = 0; this.straight = 0;
  }

  _attr(loc, buffer, size, type, normalized, divisor, stride = 0, offset = 0) {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, type, normalized, stride, offset);
    gl.vertexAttribDivisor(loc, divisor);
  }

  // one instanced shape per item of the five named buffers
  _nodeAttrs(vao, pos, color, size, flag, shape) {
    const gl = this.gl;
    gl.bindVertexArray(vao);
    this._attr(0, this.buf.corner, 2, gl.FLOAT, false, 0);
    this._attr(1, this.buf[pos], 2, gl.FLOAT, false, 1);
    this._attr(2, this.buf[color], 4, gl.UNSIGNED_BYTE, true, 1);
    this._attr(3, this.buf[size], 1, gl.FLOAT, false, 1);
    this._attr(4, this.buf[flag], 1, gl.UNSIGNED_BYTE, false, 1);
    this._attr(5, this.buf[shape], 1, gl.UNSIGNED_BYTE, false, 1);
  }

  _upload(name, data) {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf[name]);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
  }

  // graph: {n, m, positions, edges, bends}; positions change through setPositions,
  // bends (graph-wire.js, or null) through setBends
  setGraph(graph) {
    const gl = this.gl;
    this.graph = graph; this.n = graph.n; this.m = graph.m;
    this._upload("pos", graph.positions);
    this._upload("flag", new Uint8Array(Math.max(graph.n, 1)));
    this._nodeAttrs(this.nodeVao, "pos", "color", "size", "flag", "shape");
    // edges of one colour: lines indexed straight into the node positions (no copy);
    // bent edges (setBends) drawn from their segments' ends instead
    gl.bindVertexArray(this.edgeVao);
    this._attr(0, this.buf.pos, 2, gl.FLOAT, false, 0);
    gl.disableVertexAttribArray(1);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.edgeIndex);
    gl.bindVertexArray(this.bentVao);
    this._attr(0, this.buf.bentPos, 2, gl.FLOAT, false, 0);
    gl.disableVertexAttribArray(1);
    // edges of many colours: each edge's two ends with its colour (built in setLook)
    this.colorEdgeVao = gl.createVertexArray();
    gl.bindVertexArray(this.colorEdgeVao);
    this._attr(0, this.buf.edgePos, 2, gl.FLOAT, false, 0);
    this._attr(1, this.buf.edgeColor, 4, gl.UNSIGNED_BYTE, true, 0);
    // the highlighted nodes again, drawn last so that no faded node covers them
    this._nodeAttrs(this.topVao, "topPos", "topColor", "topSize", "topFlag", "topShape");
    gl.bindVertexArray(this.hotVao);
    this._attr(0, this.buf.hotPos, 2, gl.FLOAT, false, 0);
    gl.disableVertexAttribArray(1);
    // edges with widths: per edge its two ends (edgePos), colour and width, instanced
    this.wideVao = gl.createVertexArray();
    gl.bindVertexArray(this.wideVao);
    this._attr(0, this.buf.strip, 2, gl.FLOAT, false, 0);
    this._attr(1, this.buf.edgeColor, 4, gl.UNSIGNED_BYTE, true, 1, 8, 0);
    this._attr(2, this.buf.edgePos, 2, gl.FLOAT, false, 1, 16, 0);
    this._attr(3, this.buf.edgePos, 2, gl.FLOAT, false, 1, 16, 8);
    this._attr(4, this.buf.edgeWidth, 1, gl.FLOAT, false, 1);
    gl.bindVertexArray(null);
    this._paths(graph.bends || null);
  }

  // the edges that bend (a layered layout), or null: every edge straight
  setBends(bends) {
    this.graph.bends = bends;
    this._paths(bends);
    if (this.look) this.setLook(this.look);      // per-segment colours and widths
  }

  _paths(bends) {
    const gl = this.gl;
    this.paths = new EdgePaths(this.graph, bends);
    const pairs = this.paths.straightPairs();
    gl.bindVertexArray(null);             // edgeVao keeps edgeIndex bound; fill it here
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.edgeIndex);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, pairs, gl.STATIC_DRAW);
    this.straight = pairs.length / 2;
    this.segs = this.m;
    this._bentEnds();
  }

  _bentEnds() {
    const bent = this.paths.bentSegments();
    this._upload("bentPos", bent.ends);
    this.bent = bent.count;
  }

  // new positions for every node (a layout step, a dragged node): same graph otherwise
  setPositions(positions) {
    this.graph.positions = positions;
    this._upload("pos", positions);
    this._bentEnds();
    this._edgeEnds();
    if (this.highlight) this.setHighlight(this.highlight);
  }

  // each segment's two ends (a straight edge is one segment), for edges drawn one by
  // one; this.segEdge: the edge of each segment
  _edgeEnds() {
    const look = this.look;
    if (!look || !(look.edgeColors || look.edgeWidths)) return;
    const seg = this.paths.segments();
    this.segs = seg.count; this.segEdge = seg.edge;
    this._upload("edgePos", seg.ends);
  }

  // look: {colors (n*4 u8), sizes (f32), edgeColors (m*4 u8 or null), edgeColor, theme colours}
  setLook(look) {
    this.look = look;
    this._upload("color", look.colors);
    this._upload("size", look.sizes);
    this._upload("shape", look.shapes || new Uint8Array(Math.max(this.n, 1)));
    if (this.highlight) this.setHighlight(this.highlight);   // its nodes' colours and sizes
    this._edgeEnds();
    const segs = this.segs, of = this.segEdge;
    if (look.edgeWidths) {
      const wd = new Float32Array(segs);
      for (let k = 0; k < segs; k++) wd[k] = look.edgeWidths[of[k]];
      this._upload("edgeWidth", wd);
    }
    // no ECOL: a blank colour per segment (the quads read it; the override colour wins)
    if (!look.edgeColors) { this._upload("edgeColor", new Uint8Array(8 * Math.max(segs, 1))); return; }
    const ec = new Uint8Array(8 * segs);
    for (let k = 0; k < 2 * segs; k++)
      for (let c = 0; c < 4; c++) ec[4 * k + c] = look.edgeColors[4 * of[k >> 1] + c];
    this._upload("edgeColor", ec);
  }

  // highlight: {flags, edges} from Incidence.highlight, or null
  setHighlight(highlight) {
    this.highlight = highlight;
    this.dim = !!highlight;
    this._upload("flag", highlight ? highlight.flags : new Uint8Array(Math.max(this.n, 1)));
    // the selection's edges, segment by segment (a bent edge along its polyline)
    const hot = this.paths.segments(highlight ? highlight.edges : new Uint32Array(0));
    this._upload("hotPos", hot.ends);
    this.hot = hot.count;
    const p = this.graph.positions;
    const top = [];
    if (highlight) highlight.flags.forEach((f, i) => { if (f) top.push(i); });
    // selected last: on top of its neighbours
    top.sort((a, b) => highlight.flags[a] - highlight.flags[b]);
    const tp = new Float32Array(2 * top.length), tc = new Uint8Array(4 * top.length);
    const ts = new Float32Array(top.length), tf = new Uint8Array(top.length);
    const th = new Uint8Array(top.length), shapes = this.look.shapes;
    top.forEach((v, j) => {
      tp[2 * j] = p[2 * v]; tp[2 * j + 1] = p[2 * v + 1];
      for (let c = 0; c < 4; c++) tc[4 * j + c] = this.look.colors[4 * v + c];
      ts[j] = this.look.sizes[v]; tf[j] = highlight.flags[v]; th[j] = shapes ? shapes[v] : 0;
    });
    this._upload("topPos", tp); this._upload("topColor", tc);
    this._upload("topSize", ts); this._upload("topFlag", tf); this._upload("topShape", th);
    this.top = top.length;
  }

  // a promise resolved once the GPU has run every command given so far
  done() {
    const gl = this.gl, sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    return new Promise((resolve) => {
      // the status changes only between tasks: ask again after a short wait
      const poll = () => {
        if (!sync || gl.isContextLost() || gl.getSyncParameter(sync, gl.SYNC_STATUS) === gl.SIGNALED) {
          if (sync) gl.deleteSync(sync);
          resolve();
        } else setTimeout(poll, 2);
      };
      poll();
    });
  }

  // the multisampled framebuffer to draw into (null: draw to the canvas)
  _target(w, h) {
    const gl = this.gl;
    if (!this.samples) return null;
    if (!this.msaa || this.msaa.w !== w || this.msaa.h !== h) {
      const m = this.msaa || { fbo: gl.createFramebuffer(), rb: gl.createRenderbuffer() };
      gl.bindRenderbuffer(gl.RENDERBUFFER, m.rb);
      gl.renderbufferStorageMultisample(gl.RENDERBUFFER, this.samples, gl.RGBA8, w, h);
      gl.bindFramebuffer(gl.FRAMEBUFFER, m.fbo);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, m.rb);
      m.w = w; m.h = h;
      this.msaa = m;
    }
    return this.msaa.fbo;
  }

  draw(camera, colors) {
    const gl = this.gl;
    fitCanvas(this.canvas, camera);
    const w = this.canvas.width, h = this.canvas.height;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this._target(w, h));
    gl.viewport(0, 0, w, h);
    const bg = rgba(colors.background);
    gl.clearColor(bg[0] * bg[3], bg[1] * bg[3], bg[2] * bg[3], bg[3]);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    const common = (u) => {
      gl.uniform2f(u.center, camera.cx, camera.cy);
      gl.uniform1f(u.zoom, camera.zoom);
      gl.uniform2f(u.viewport, camera.width, camera.height);
    };
    const e = this.edgeProg;
    gl.useProgram(e.prog); common(e.uniforms);
    gl.uniform1f(e.uniforms.alpha, this.dim ? 0.2 : 1);
    const edges = this.m && this.showEdges;   // hidden while a slow view moves (graph.js)
    if (edges && this.look.edgeWidths) {
      const w = this.wideProg;
      gl.useProgram(w.prog); common(w.uniforms);
      gl.uniform1f(w.uniforms.alpha, this.dim ? 0.2 : 1);
      gl.uniform1f(w.uniforms.scale, camera.nodeScale());
      gl.uniform4f(w.uniforms.override, ...(this.look.edgeColors ? [0, 0, 0, 0] : rgba(this.look.edgeColor)));
      gl.bindVertexArray(this.wideVao);
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.segs);
      gl.useProgram(e.prog);
    } else if (edges && this.look.edgeColors) {
      gl.uniform4f(e.uniforms.override, 0, 0, 0, 0);
      gl.bindVertexArray(this.colorEdgeVao);
      gl.drawArrays(gl.LINES, 0, 2 * this.segs);
    } else if (edges) {
      gl.uniform4f(e.uniforms.override, ...rgba(this.look.edgeColor));
      gl.bindVertexArray(this.edgeVao);
      gl.vertexAttrib4f(1, 0, 0, 0, 0);    // a transparent edge colour stays transparent
      gl.drawElements(gl.LINES, 2 * this.straight, gl.UNSIGNED_INT, 0);
      if (this.bent) {
        gl.bindVertexArray(this.bentVao);
        gl.vertexAttrib4f(1, 0, 0, 0, 0);
        gl.drawArrays(gl.LINES, 0, 2 * this.bent);
      }
    }
    if (this.hot) {    // the selection's edges, over the faded rest
      gl.bindVertexArray(this.hotVao);
      gl.vertexAttrib4f(1, 0, 0, 0, 0);
      gl.uniform4f(e.uniforms.override, ...rgba(colors.foreground));
      gl.uniform1f(e.uniforms.alpha, 0.9);
      gl.drawArrays(gl.LINES, 0, 2 * this.hot);
    }
    const nd = this.nodeProg;
    gl.useProgram(nd.prog); common(nd.uniforms);
    gl.uniform1f(nd.uniforms.scale, camera.nodeScale());
    gl.uniform4f(nd.uniforms.stroke, ...rgba(colors.node_stroke));
    gl.uniform4f(nd.uniforms.ring, ...rgba(colors.foreground));
    gl.uniform1f(nd.uniforms.dim, this.dim ? 1 : 0);
    if (this.n) {
      gl.bindVertexArray(this.nodeVao);
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.n);
    }
    if (this.top) {
      gl.bindVertexArray(this.topVao);
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.top);
    }
    gl.bindVertexArray(null);
    if (this.samples) {      // resolve the samples into the canvas
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.msaa.fbo);
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
      gl.blitFramebuffer(0, 0, w, h, 0, 0, w, h, gl.COLOR_BUFFER_BIT, gl.NEAREST);
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    }
  }
}
