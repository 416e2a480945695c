"""Command-line options of `localproof threat`, for the CLI to add to its sub-parsers.

`threat show` is the default sub-command; its options may also come before it
(`localproof threat --profile legal show`), so they are declared on both parsers with
suppressed defaults and resolved by `show_options`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from localproof.threat.interview import QUESTIONS

FORMATS = ("terminal", "json", "html", "markdown")


@dataclass(frozen=True)
class ShowOptions:
    profile: str | None
    root: str
    format: str
    output: str | None
    fail_on: str
    content: bool


def _show_arguments(
    parser: argparse.ArgumentParser, fail_on: list[str], formats: list[str]
) -> None:
    hidden = argparse.SUPPRESS
    parser.add_argument(
        "--profile",
        metavar="PRESET|FILE",
        default=hidden,
        help="threat profile: a preset (personal, routine, healthcare, legal, finance, "
        "government) or a file from `localproof threat init` (default: general)",
    )
    parser.add_argument(
        "--root", metavar="DIR", default=hidden, help="audit DIR as if it were / (default: /)"
    )
    parser.add_argument(
        "--format", choices=formats, default=hidden, help="report format (default: terminal)"
    )
    parser.add_argument(
        "--output", metavar="FILE", default=hidden, help="write the report to FILE (mode 0600)"
    )
    parser.add_argument(
        "--fail-on",
        choices=fail_on,
        default=hidden,
        help="exit 1 when a failing finding has at least this weighted severity",
    )
    parser.add_argument(
        "--no-content",
        action="store_true",
        default=hidden,
        help="skip the content census of the tools' conversation stores",
    )


def _init_arguments(parser: argparse.ArgumentParser) -> None:
    for question in QUESTIONS:
        values = "|".join(value for value, _ in question.choices)
        many = " (comma-separated)" if question.multiple else ""
        parser.add_argument(
            f"--{question.key}",
            metavar=values if len(values) < 40 else question.key.upper(),
            help=f"{question.text.removesuffix(' (one or more)')} {values}{many} "
            f"(default: {question.default})",
        )
    parser.add_argument("--name", help="the profile's name (default: my-profile)")
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the profile to FILE (mode 0600) instead of standard output",
    )


def add_threat_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    formats: list[str],
    fail_on: list[str],
) -> None:
    threat = commands.add_parser(
        "threat",
        help="build, show and explain the threat model and the verdict",
        description="Who are you protecting what from? `threat init` asks plain questions "
        "and writes a profile; `threat show` (the default) explains, per threat, whether "
        "local AI addresses it, which controls it needs and their state on this host, and "
        "gives the verdict: local AI is essential, useful or irrelevant for you.",
    )
    _show_arguments(threat, fail_on, formats)
    sub = threat.add_subparsers(dest="threat_command", metavar="ACTION")
    show = sub.add_parser(
        "show",
        help="explain the threat model and audit this host against it",
        description="Audit this host (read-only) and explain every threat for the profile.",
    )
    _show_arguments(show, fail_on, formats)
    init = sub.add_parser(
        "init",
        help="answer plain questions and write a profile file",
        description="Ask what you use local AI for, who else uses this machine and which "
        "rules bind you, then write a profile for --profile. Questions not answered by "
        "flags are asked on the terminal, or read one answer per line from standard input "
        "(an empty line or end of input takes the default).",
    )
    _init_arguments(init)


def show_options(args: argparse.Namespace) -> ShowOptions:
    def get(name: str, default: object) -> object:
        return getattr(args, name, default)

    return ShowOptions(
        profile=str(get("profile", "")) or None,
        root=str(get("root", "/")),
        format=str(get("format", "terminal")),
        output=str(get("output", "")) or None,
        fail_on=str(get("fail_on", "never")),
        content=not get("no_content", False),
    )
