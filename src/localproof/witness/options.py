"""Command-line options of `localproof witness`, for the CLI module to mount.

The CLI owns printing and files; this only declares the arguments and turns the parsed
namespace back into `run_witness` arguments.
"""

from __future__ import annotations

import argparse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return value


EXIT_CODES = (
    "Exit status: 1 when the program attempted a destination not covered by --allow "
    "(the verdict 'egress'); otherwise the program's own exit code (128+N when signal N "
    "ended it; 0 when --duration stopped it); 2 when the sandbox cannot be built. The "
    "program's exit code is always in the JSON report (program.exit_code). Ctrl-C reaches "
    "the program directly; press it twice to stop a program that ignores it."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `[--json FILE] [--allow PATTERN...] [--duration S] [--fresh-home] -- COMMAND...`.

    Also sets the parser's usage line and epilog (the exit statuses) unless already set.
    """
    if parser.epilog is None:
        parser.epilog = EXIT_CODES
    if parser.usage is None:
        parser.usage = (
            "%(prog)s [--json FILE] [--allow PATTERN...] [--duration S] [--fresh-home] "
            "-- COMMAND [ARG...]"
        )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="also write the JSON report (schema witness-v1) to FILE, mode 0600",
    )
    parser.add_argument(
        "--allow",
        metavar="PATTERN",
        action="extend",
        nargs="+",
        default=[],
        help="glob on host names and addresses (DNS name, TLS SNI, HTTP Host, IP) that may "
        "be attempted without failing, e.g. '*.huggingface.co'; repeatable",
    )
    parser.add_argument(
        "--duration",
        metavar="S",
        type=_seconds,
        help="stop the program after S seconds (SIGTERM, SIGKILL 2 s later); "
        "the run then counts as finished, not failed",
    )
    parser.add_argument(
        "--fresh-home",
        action="store_true",
        help="give the program a throwaway, empty HOME and TMPDIR (first-run behaviour)",
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- COMMAND",
        help="the program to run and its arguments, after --",
    )


def command_of(args: argparse.Namespace) -> list[str]:
    """The program's argv: everything after the `--` separator."""
    command: list[str] = list(args.command)
    return command[1:] if command[:1] == ["--"] else command
