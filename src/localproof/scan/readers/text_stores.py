"""Line-oriented stores: shell histories (bash, zsh extended, fish), the Ollama REPL history,
and generic text. Every segment carries its 1-based line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from localproof.scan.model import Location
from localproof.scan.readers.base import (
    BLOCK_BYTES,
    BlockText,
    Limits,
    LineBlock,
    byte_blocks,
    line_pieces,
)

_ZSH_EXTENDED = re.compile(rb"^: \d+:\d+;")
_ZSH_PREFIX = re.compile(r"^: \d+:\d+;")
_BASH_TIMESTAMP = re.compile(r"^#\d+\s*$")
_FISH_FIELD = re.compile(r"^\s+(?:when|paths):|^\s+- ")
_VERBATIM = frozenset({"text", "ollama-history"})  # formats whose lines are kept unchanged
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


@dataclass(frozen=True, slots=True)
class TextBlock(LineBlock):
    """Whole lines of a text store (see `LineBlock`), with each format's bookkeeping
    stripped when read."""

    def read(self) -> BlockText:
        path, first = self.path, self.first_line
        whole = self._whole_lines()
        if whole is not None and self.format in _VERBATIM:  # every line is kept as it is
            lines, last = whole
            texts = [line + "\n" for line in lines]
            if last:
                texts.append(last)
            return BlockText(texts, lambda i: Location(path, line=first + i))
        kept: list[str] = []
        numbers: list[int] = []
        for number, line in self._lines(whole):
            text = _strip(line, self.format)
            if text:
                kept.append(text)
                numbers.append(number)
        return BlockText(kept, lambda i: Location(path, line=numbers[i]))

    def _whole_lines(self) -> tuple[list[str], str] | None:
        """The block's lines decoded all at once, without their newlines, and what follows
        the last newline; None when a line needs cutting into pieces or zsh's metafied
        bytes must be undone first. (Decoding at once gives the same text: a newline is
        never part of a UTF-8 sequence.)"""
        data = self.data
        if self.format == "zsh-history" or max(map(len, data.split(b"\n"))) >= self.max_line_bytes:
            return None
        lines = data.decode("utf-8", errors="replace").split("\n")
        return lines, lines.pop()

    def _lines(self, whole: tuple[list[str], str] | None) -> Iterator[tuple[int, str]]:
        """(number, decoded line with its newline); long lines come in pieces."""
        if whole is None:
            for number, piece in line_pieces(self.data, self.first_line, self.max_line_bytes):
                raw = unmetafy(piece) if self.format == "zsh-history" else piece
                yield number, raw.decode("utf-8", errors="replace")
            return
        lines, last = whole
        for number, line in enumerate(lines, self.first_line):
            yield number, line + "\n"
        if last:
            yield self.first_line + len(lines), last


def text_blocks(
    path: Path, limits: Limits, file_format: str, block_bytes: int = BLOCK_BYTES
) -> Iterator[TextBlock]:
    """The lines of a text store in blocks.

    Formats: Ollama REPL history ollama/ollama readline/history.go (one prompt per line);
    zsh extended history zsh-users/zsh Src/hist.c (`: <start>:<elapsed>;<command>`, metafied);
    fish fish-shell/fish-shell src/history.rs (`- cmd: ...` YAML-like records);
    bash GNU Readline history (optional `#<epoch>` timestamp lines).
    """
    limit = limits.max_line_bytes
    for number, data in byte_blocks(path, limits, block_bytes):
        yield TextBlock(str(path), file_format, number, data, limit)


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
