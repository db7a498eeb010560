// The WebSocket to the groggy server: connect, say Hello with the state to restore on
// every (re)connect, reconnect with exponential backoff, number requests.
//
// JSON text frames go to onMessage(obj), binary frames to onFrame(ArrayBuffer),
// connection changes to onStatus({state, attempt, retryIn}) where state is
// "connecting", "connected" or "reconnecting".

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;

export class GroggySocket {
  constructor(url, { hello, onHello, onMessage, onFrame, onStatus, onClose, pageUrl,
                    helloType = "Hello" }) {
    this.url = url;
    this.helloType = helloType; // the table's Hello, or the graph view's GraphHello
    this.pageUrl = pageUrl;     // fetched after failed attempts: a 403 means a new token
    this.hello = hello;         // () => Hello fields (the state to restore)
    this.onHello = onHello;     // (request_id, fields) after the Hello went out
    this.onMessage = onMessage;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.onClose = onClose;     // the connection dropped: requests in flight are lost
    this.ws = null;
    this.attempt = 0;
    this.nextId = 1;
    this.retryTimer = 0;
    this.everConnected = false;
    this.closed = false;
  }

  get connected() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.closed) return;
    this.status(this.everConnected ? "reconnecting" : "connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      console.error("groggy: cannot open the WebSocket", err);
      this.scheduleRetry();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.attempt = 0;
      this.everConnected = true;
      this.status("connected");
      this.sendHello();
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      if (typeof ev.data === "string") {
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch (err) {
          console.error("groggy: the server sent text that is not JSON", ev.data.slice(0, 200));
          return;
        }
        this.onMessage(msg);
      } else {
        this.onFrame(ev.data);
      }
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.onClose();
      this.scheduleRetry();
    };
    // an error is always followed by close; the retry is scheduled there
    ws.onerror = () => {};
  }

  scheduleRetry() {
    if (this.closed) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    this.status(this.everConnected ? "reconnecting" : "connecting", delay);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    if (this.attempt >= 3 && this.pageUrl) this.probe();
  }

  // The server may be back with a new token (it makes one at every start): then every
  // attempt fails, and the page's own URL answers 403. Say so instead of retrying mutely.
  probe() {
    fetch(this.pageUrl, { cache: "no-store" })
      .then((r) => {
        this.forbidden = r.status === 403;
        if (!this.connected) this.status(this.everConnected ? "reconnecting" : "connecting");
      })
      .catch(() => { this.forbidden = false; });
  }

  status(state, retryIn = 0) {
    if (state === "connected") this.forbidden = false;
    this.onStatus({ state, attempt: this.attempt, retryIn, forbidden: !!this.forbidden });
  }

  // Hello carries the state to restore (the table's: source, offset, sort, filter,
  // search, theme; the graph view's: theme).
  sendHello() {
    const fields = this.hello();
    const id = this.send({ type: this.helloType, ...fields });
    this.onHello(id, fields);
  }

  // Send a message with a fresh request_id; returns the id, or null when not connected.
  send(msg) {
    if (!this.connected) return null;
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ ...msg, request_id: id }));
    return id;
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close();
  }
}
