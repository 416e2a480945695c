"""The README is the manual: its --help blocks must match the real ones."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from localproof.cli import build_parser

README = Path(__file__).parent.parent / "README.md"
BLOCK = re.compile(r"<!-- help: ?([a-z]*) -->\n```text\n(.*?)\n```", re.DOTALL)


def _help(command: str) -> str:
    args = [command] if command else []
    done = subprocess.run(
        [sys.executable, "-m", "localproof", *args, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ.get("PATH", ""), "COLUMNS": "80", "NO_COLOR": "1"},
    )
    return done.stdout.rstrip()


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_documents_every_command() -> None:
    documented = {command for command, _ in _blocks()}
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert documented == {"", *subparsers.choices}


@pytest.mark.parametrize(("command", "text"), _blocks())
def test_help_text_matches(command: str, text: str) -> None:
    assert text == _help(command.replace("localproof", "").strip())


def test_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make audit" in text
    assert "make test" in text


def update_readme() -> None:
    """Rewrite the README's help blocks from the real --help (`python -m tests.test_readme`)."""
    text = README.read_text(encoding="utf-8")

    def replace(match: re.Match[str]) -> str:
        return f"<!-- help: {match.group(1)} -->\n```text\n{_help(match.group(1))}\n```"

    README.write_text(BLOCK.sub(replace, text), encoding="utf-8")


if __name__ == "__main__":
    update_readme()
