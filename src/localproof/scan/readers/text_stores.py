"""Line-oriented stores: shell histories (bash, zsh extended, fish), the Ollama REPL history,
and generic text. Every segment carries its 1-based line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from localproof.scan.model import Location, Segment
from localproof.scan.readers.base import Limits, read_lines

_ZSH_EXTENDED = re.compile(rb"^: \d+:\d+;")
_ZSH_PREFIX = re.compile(r"^: \d+:\d+;")
_BASH_TIMESTAMP = re.compile(r"^#\d+\s*$")
_FISH_FIELD = re.compile(r"^\s+(?:when|paths):|^\s+- ")
_BASH_NAMES = frozenset({".bash_history", ".sh_history", ".history"})
_ZSH_NAMES = frozenset({".zsh_history", ".zhistory", ".histfile"})
_ZSH_META = 0x83


_BY_NAME = {
    **dict.fromkeys(_BASH_NAMES, "bash-history"),
    **dict.fromkeys(_ZSH_NAMES, "zsh-history"),
    "fish_history": "fish-history",
}


def text_format(path: Path, first: bytes) -> str:
    """Which line-oriented format a file is, from its first bytes, then its name."""
    if _ZSH_EXTENDED.match(first):
        return "zsh-history"
    if first.startswith(b"- cmd: "):
        return "fish-history"
    if path.name == "history" and path.parent.name == ".ollama":
        return "ollama-history"
    return _BY_NAME.get(path.name, "text")


def unmetafy(raw: bytes) -> bytes:
    """Undo zsh's history metafication: 0x83 followed by a byte XOR 0x20."""
    if _ZSH_META not in raw:
        return raw
    out = bytearray()
    flip = False
    for byte in raw:
        if byte == _ZSH_META:
            flip = True
            continue
        out.append(byte ^ 0x20 if flip else byte)
        flip = False
    return bytes(out)


def read_text(path: Path, limits: Limits, file_format: str) -> Iterator[Segment]:
    """Lines of a text store, with each format's bookkeeping stripped.

    Formats: Ollama REPL history ollama/ollama readline/history.go (one prompt per line);
    zsh extended history zsh-users/zsh Src/hist.c (`: <start>:<elapsed>;<command>`, metafied);
    fish fish-shell/fish-shell src/history.rs (`- cmd: ...` YAML-like records);
    bash GNU Readline history (optional `#<epoch>` timestamp lines).
    """
    name = str(path)
    with path.open("rb") as stream:
        for number, line in _lines(stream, limits, file_format):
            text = _strip(line, file_format)
            if text:
                yield Segment(text, Location(name, line=number))


def _lines(stream: BinaryIO, limits: Limits, file_format: str) -> Iterator[tuple[int, str]]:
    if file_format != "zsh-history":
        yield from read_lines(stream, limits)
        return
    number = 1
    while chunk := stream.readline(limits.max_line_bytes):
        yield number, unmetafy(chunk).decode("utf-8", errors="replace")
        if chunk.endswith(b"\n"):
            number += 1


def _strip(line: str, file_format: str) -> str:
    if file_format == "zsh-history":
        return _ZSH_PREFIX.sub("", line, count=1)
    if file_format == "fish-history":
        if _FISH_FIELD.match(line):
            return ""
        return line.removeprefix("- cmd: ")
    if file_format == "bash-history" and _BASH_TIMESTAMP.match(line):
        return ""
    return line
