"""Store readers: detect a file's format from its content and stream (location, text) segments.

`open_store` is the one entry point. Formats: open-webui, ollama-desktop, anythingllm, llm-cli,
sqlite (generic), gpt4all, lm-studio, text-generation-webui, jan, json, jsonl, ollama-history,
bash-history, zsh-history, fish-history, text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from localproof.scan.model import Segment
from localproof.scan.readers.base import BlockText, Limits, LineBlock, ReaderError, head
from localproof.scan.readers.gpt4all import MAGIC as GPT4ALL_MAGIC
from localproof.scan.readers.gpt4all import read_gpt4all
from localproof.scan.readers.json_stores import (
    invalid_lines,
    jsonl_blocks,
    jsonl_format,
    offset_message,
    read_json_document,
    read_jsonl,
)
from localproof.scan.readers.sqlite_stores import read_sqlite
from localproof.scan.readers.sqlitecopy import SQLITE_MAGIC, private_copy
from localproof.scan.readers.text_stores import TextBlock, text_blocks, text_format

__all__ = [
    "BlockText",
    "Limits",
    "LineBlock",
    "NotAStoreError",
    "OpenedStore",
    "ReaderError",
    "TextBlock",
    "invalid_lines",
    "offset_message",
    "open_store",
]


class NotAStoreError(Exception):
    """Binary content of no known format: skipped, not an error (models, images, caches)."""


@dataclass(frozen=True, slots=True)
class OpenedStore:
    """A store being read: its detected format and its segments (consume inside the block).

    Line-oriented stores also offer their raw `blocks`, to split where they are matched;
    read either the segments or the blocks, not both."""

    format: str
    segments: Iterator[Segment]
    blocks: Iterator[LineBlock] | None = None


@contextmanager
def open_store(path: Path, limits: Limits | None = None) -> Iterator[OpenedStore]:
    """Detect the format of `path` from its content and read it, never modifying it."""
    limits = limits or Limits()
    first = head(path)
    if first.startswith(SQLITE_MAGIC):
        with private_copy(path, limits) as connection:
            file_format, segments = read_sqlite(connection, str(path))
            yield OpenedStore(file_format, segments)
        return
    yield _open_plain(path, first, limits)


def _open_plain(path: Path, first: bytes, limits: Limits) -> OpenedStore:
    if first.startswith(GPT4ALL_MAGIC):
        return OpenedStore("gpt4all", read_gpt4all(path))
    if b"\x00" in first:
        raise NotAStoreError("binary content of no supported format")
    stripped = first.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped[:1] in (b"{", b"["):
        first_line, more = _first_line(path, limits)
        if more and _is_json(first_line):
            file_format = jsonl_format(first_line)
            return OpenedStore(
                file_format,
                read_jsonl(path, limits, file_format),
                jsonl_blocks(path, limits, file_format),
            )
        file_format, segments = read_json_document(path, limits)
        return OpenedStore(file_format, segments)
    file_format = text_format(path, first)
    return OpenedStore(
        file_format, _segments_of(text_blocks(path, limits, file_format)),
        text_blocks(path, limits, file_format),
    )  # fmt: skip


def _segments_of(blocks: Iterator[TextBlock]) -> Iterator[Segment]:
    for block in blocks:
        read = block.read()
        for i, text in enumerate(read.texts):
            yield Segment(text, read.locate(i))


def _first_line(path: Path, limits: Limits) -> tuple[bytes, bool]:
    """The first non-blank line (bounded) and whether a non-blank line follows it."""
    with path.open("rb") as stream:
        line = b""
        while not line.strip():
            line = stream.readline(limits.max_line_bytes)
            if not line:
                return b"", False
        for rest in iter(lambda: stream.readline(limits.max_line_bytes), b""):
            if rest.strip():
                return line.removeprefix(b"\xef\xbb\xbf"), True
        return line, False


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True
