"""The HTML page shell for renderers; it lives in `localproof.htmlpage` so that the census
engine, which collectors import, can use it without importing the render layer."""

from __future__ import annotations

from localproof.htmlpage import badge, esc, page, prose, text_page

__all__ = ["badge", "esc", "page", "prose", "text_page"]
