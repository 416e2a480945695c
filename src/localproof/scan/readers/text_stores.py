"""Line-oriented stores: shell histories (bash, zsh extended, fish), the Ollama REPL history,
and generic text. Every segment carries its 1-based line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from localproof.scan.model import Location, Segment
from localproof.scan.readers.base import Limits

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


BLOCK_BYTES = 256 << 10  # whole lines read at once, split where they are matched


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Whole lines of a line-oriented store as bytes, with the number of the first.

    Reading a block is cheap; splitting and decoding its lines happens in `segments`, in
    whichever process matches them. A line longer than `max_line_bytes` comes in pieces of
    that size with the same number, as `read_lines` gives it; a block may end inside such
    a line, at a piece boundary."""

    path: str
    format: str
    first_line: int
    data: bytes
    max_line_bytes: int

    def segments(self) -> Iterator[Segment]:
        """The block's lines, with each format's bookkeeping stripped, as segments."""
        texts, numbers = self.lines()
        for text, number in zip(texts, numbers, strict=True):
            yield Segment(text, Location(self.path, line=number))

    def lines(self) -> tuple[list[str], list[int]]:
        """The block's lines with each format's bookkeeping stripped, and their numbers
        (empty lines left out)."""
        data, limit, zsh = self.data, self.max_line_bytes, self.format == "zsh-history"
        texts: list[str] = []
        numbers: list[int] = []
        number, position, size = self.first_line, 0, len(data)
        while position < size:
            newline = data.find(b"\n", position)
            end = size if newline < 0 else newline + 1
            for piece_start in range(position, end, limit):
                piece = data[piece_start : min(piece_start + limit, end)]
                line = (unmetafy(piece) if zsh else piece).decode("utf-8", errors="replace")
                text = _strip(line, self.format)
                if text:
                    texts.append(text)
                    numbers.append(number)
            if newline >= 0:
                number += 1
            position = end
        return texts, numbers


def text_blocks(
    path: Path, limits: Limits, file_format: str, block_bytes: int = BLOCK_BYTES
) -> Iterator[TextBlock]:
    """The file in blocks of about `block_bytes`, cut after a newline (or, inside a line
    longer than a block, at a multiple of `limits.max_line_bytes` from where it started).

    Formats: Ollama REPL history ollama/ollama readline/history.go (one prompt per line);
    zsh extended history zsh-users/zsh Src/hist.c (`: <start>:<elapsed>;<command>`, metafied);
    fish fish-shell/fish-shell src/history.rs (`- cmd: ...` YAML-like records);
    bash GNU Readline history (optional `#<epoch>` timestamp lines).
    """
    limit = limits.max_line_bytes
    name, number, pending = str(path), 1, b""
    with path.open("rb") as stream:
        while data := stream.read(max(block_bytes, limit)):
            buffer = pending + data
            cut = buffer.rfind(b"\n") + 1
            if cut == 0:  # inside one long line: whole pieces go, the rest waits
                cut = len(buffer) // limit * limit
            block, pending = buffer[:cut], buffer[cut:]
            if block:
                yield TextBlock(name, file_format, number, block, limit)
                number += block.count(b"\n")
        if pending:
            yield TextBlock(name, file_format, number, pending, limit)


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
