"""Renderers: pure functions from an assessment to text, one per output format."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from localproof.model import Assessment
from localproof.render import html, json_report, markdown, terminal


class OutputFormat(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"
    HTML = "html"
    MARKDOWN = "markdown"


def renderer(output_format: OutputFormat, *, color: bool = False) -> Callable[[Assessment], str]:
    match output_format:
        case OutputFormat.TERMINAL:
            return lambda assessment: terminal.render(assessment, color=color)
        case OutputFormat.JSON:
            return json_report.render
        case OutputFormat.HTML:
            return html.render
        case OutputFormat.MARKDOWN:
            return markdown.render
