"""Command-line options of `localproof scan`, for the CLI to add to its sub-parser."""

from __future__ import annotations

import argparse
from enum import StrEnum

from localproof.scan.engine import MAX_DETECTIONS, PARALLEL_BYTES


class ScanFormat(StrEnum):
    """Output formats of the census."""

    TERMINAL = "terminal"
    JSON = "json"
    HTML = "html"
    MARKDOWN = "markdown"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add PATH..., --format, --output, --max-detections and --jobs to `parser`."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders of chat stores, any supported format (default: the "
        "conversation stores of the local AI tools found on this host, or under --root)",
    )
    parser.add_argument(
        "--root",
        metavar="DIR",
        default="/",
        help="with no PATH, look for the tools' stores under DIR as if it were /",
    )
    parser.add_argument(
        "--format",
        choices=[f.value for f in ScanFormat],
        default=ScanFormat.TERMINAL.value,
        help="report format (default: terminal)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE (created with mode 0600)"
    )
    parser.add_argument(
        "--max-detections",
        type=int,
        default=MAX_DETECTIONS,
        metavar="N",
        help=f"list at most N locations; all are counted (default: {MAX_DETECTIONS})",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="match in N processes, this one included (default: one per core when the input "
        f"is {PARALLEL_BYTES // 1_000_000} MB or more, else 1)",
    )
