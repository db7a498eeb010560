"""Display engine: text tables for repr/str and semantic HTML for notebooks."""
from groggy.display.config import DisplayConfig, get_display_config, set_display_config
from groggy.display.html import render_html
from groggy.display.text import render_text

__all__ = ["DisplayConfig", "get_display_config", "set_display_config", "render_html",
           "render_text"]
