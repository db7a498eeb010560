// Where a view runs: in its own page (the document, a WebSocket to the server that
// served it), or inside a notebook widget (its element, the kernel's comm). The widget
// (widget.js) runs the view's modules with __GROGGY_HOST__ in scope; a page has none.
import { GroggySocket } from "./socket.js";

function pageHost() {
  return {
    page: true,                       // page-only features: links, #node=ID, exports by URL
    root: document,                   // where the view's elements are looked up
    themed: document.body,            // carries the gg-theme-NAME class; menus go in it
    events: document,                 // keys, copy and outside clicks are heard here
    params: new URLSearchParams(location.search),
    hooks: window,                    // carries the test hook, .groggy
    socket: (url, options) => new GroggySocket(url, options),
  };
}

/* global __GROGGY_HOST__ */
export const HOST = typeof __GROGGY_HOST__ !== "undefined" ? __GROGGY_HOST__ : pageHost();

// A file the server sent as a message (a FILE frame after its JSON reply, as a widget
// asks for its exports: docs/protocol.md) handed to the user as a download.
export function saveFile(bytes, name, media) {
  const url = URL.createObjectURL(new Blob([bytes], { type: media }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name, hidden: true });
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);   // the download has started by then
}

// The bytes of a FILE frame (tag, u32 byte count, bytes), or null for another frame.
export function fileBytes(buf) {
  if (buf.byteLength < 8 || String.fromCharCode(...new Uint8Array(buf, 0, 4)) !== "FILE") return null;
  return buf.slice(8, 8 + new DataView(buf).getUint32(4, true));
}
