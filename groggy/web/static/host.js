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
