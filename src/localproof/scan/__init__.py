"""Content census (`localproof scan`): count sensitive data in local-AI conversation stores.

Public API::

    result = scan_paths([Path("~/.ollama/history")], progress=callback)
    text = renderer(ScanFormat.JSON)(result)     # or render_json / render_terminal / ...

Values are never returned or rendered: only categories, types, counts and locations.
"""

from __future__ import annotations

from collections.abc import Callable

from localproof.scan.engine import ProgressCallback, ScanProgress, scan_paths
from localproof.scan.html_report import render_html
from localproof.scan.model import CATEGORIES, Detection, Location, ScanResult, StoreResult, Unknown
from localproof.scan.options import ScanFormat, add_arguments
from localproof.scan.readers import Limits
from localproof.scan.report import render_json, render_markdown, render_terminal, to_dict

__all__ = [
    "CATEGORIES",
    "Detection",
    "Limits",
    "Location",
    "ProgressCallback",
    "ScanFormat",
    "ScanProgress",
    "ScanResult",
    "StoreResult",
    "Unknown",
    "add_arguments",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
    "renderer",
    "scan_paths",
    "to_dict",
]

_RENDERERS: dict[ScanFormat, Callable[[ScanResult], str]] = {
    ScanFormat.TERMINAL: render_terminal,
    ScanFormat.JSON: render_json,
    ScanFormat.HTML: render_html,
    ScanFormat.MARKDOWN: render_markdown,
}


def renderer(output_format: ScanFormat) -> Callable[[ScanResult], str]:
    """The renderer for an output format."""
    return _RENDERERS[output_format]
