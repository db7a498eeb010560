"""The web service: a Tornado server streaming table windows to a plain-JS page."""
from groggy.web.browser import BrowserInterface, serve
from groggy.web.server import Server

__all__ = ["BrowserInterface", "Server", "serve"]
