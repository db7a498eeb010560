// The graph view in a notebook, as an anywidget: the view's own modules (bundled by
// groggy/web/widget.py, which puts this file last) with the kernel's comm in place of
// the WebSocket. One protocol (docs/protocol.md), two transports. Each rendered output
// runs the modules afresh (__groggyView), so two outputs never share state.
/* global __groggyView, __GROGGY_BODY__ */

// The GroggySocket interface (socket.js) over model.send / "msg:custom": JSON goes as
// {text}, binary frames come back as {frame: 1} with one buffer.
class CommSocket {
  constructor(model, { hello, onHello, onMessage, onFrame, onStatus, helloType = "Hello" }) {
    Object.assign(this, { model, hello, onHello, onMessage, onFrame, onStatus, helloType });
    this.nextId = 1;
    this.open = false;
    // every rendered output of one widget shares its comm: replies name their output
    this.view = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this.listener = (content, buffers) => {
      if (!this.open || content.view !== this.view) return;
      if (content.frame) {
        const view = buffers[0];
        this.onFrame(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
      } else {
        this.onMessage(JSON.parse(content.text));
      }
    };
  }

  get connected() { return this.open; }

  connect() {
    this.model.on("msg:custom", this.listener);
    this.open = true;
    this.onStatus({ state: "connected", attempt: 0, retryIn: 0, forbidden: false });
    const fields = this.hello();
    this.onHello(this.send({ type: this.helloType, ...fields }), fields);
  }

  send(msg) {
    if (!this.open) return null;
    const id = this.nextId++;
    this.model.send({ view: this.view, text: JSON.stringify({ ...msg, request_id: id }) });
    return id;
  }

  close() {
    if (this.open) this.model.send({ view: this.view, closed: 1 });
    this.open = false;
    this.model.off("msg:custom", this.listener);
  }
}

function render({ model, el }) {
  el.classList.add("gg-widget", "gg-theme-" + (model.get("theme") || "light"));
  el.innerHTML = __GROGGY_BODY__;
  let socket = null;
  __groggyView({
    page: false,
    root: el,
    themed: el,
    events: el,
    hooks: el,            // el.groggy: one output's test hook (a page has window.groggy)
    params: new URLSearchParams(),
    socket: (_url, options) => (socket = new CommSocket(model, options)),
  });
  return () => { if (socket) socket.close(); };
}

export default { render };
