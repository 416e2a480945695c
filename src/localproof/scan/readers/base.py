"""Shared pieces of the readers: limits, the reader error, bounded line reading, JSON walking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from localproof.scan.model import Location, Segment

MAX_LINE_BYTES = 1 << 20  # a longer line is read in pieces of this size (same line number)
MAX_JSON_BYTES = 256 << 20  # whole-document JSON formats larger than this are read as text
MAX_SQLITE_BYTES = 2 << 30  # database + WAL copied for reading, at most this much
BLOCK_BYTES = 256 << 10  # whole lines of line-oriented stores read at once
_SKIP_KEYS = frozenset(
    {
        "id",
        "role",
        "type",
        "model",
        "models",
        "modelName",
        "parentId",
        "childrenIds",
        "timestamp",
        "created_at",
        "updated_at",
        "status",
        "object",
        "thread_id",
        "assistant_id",
    }
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep memory and disk use fixed whatever the input."""

    max_line_bytes: int = MAX_LINE_BYTES
    max_json_bytes: int = MAX_JSON_BYTES
    max_sqlite_bytes: int = MAX_SQLITE_BYTES


class ReaderError(Exception):
    """The input is corrupt, truncated or unsupported; the message is the reason."""


def read_lines(stream: BinaryIO, limits: Limits) -> Iterator[tuple[int, str]]:
    """(1-based line number, text) pairs; over-long lines come in bounded pieces."""
    number = 1
    while chunk := stream.readline(limits.max_line_bytes):
        yield number, chunk.decode("utf-8", errors="replace")
        if chunk.endswith(b"\n"):
            number += 1


def text_lines(path: Path, limits: Limits) -> Iterator[Segment]:
    """Each line of a text file as a segment with its line number."""
    with path.open("rb") as stream:
        for number, text in read_lines(stream, limits):
            yield Segment(text, Location(str(path), line=number))


def strings_in(value: object, skip_keys: frozenset[str] = _SKIP_KEYS) -> list[str]:
    """Every string key and leaf of a JSON value in document order, skipping bookkeeping
    keys (ids, roles, times). Keys are data too (an object keyed by e-mail address)."""
    found: list[str] = []
    add = found.append
    stack: list[object] = [value]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if isinstance(item, str):
            add(item)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                if key not in skip_keys:
                    push(child)
                    push(key)
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def joined_text(value: object) -> str:
    """The string leaves of a JSON value joined by newlines, so detections never span two."""
    if isinstance(value, str):
        return value
    return "\n".join(strings_in(value))


def head(path: Path, size: int = 8192) -> bytes:
    """The first bytes of a file, for format sniffing."""
    with path.open("rb") as stream:
        return stream.read(size)


@dataclass(frozen=True, slots=True)
class BlockText:
    """The texts a block of lines holds, and how to locate each (`locate(i)` for texts[i]).
    JSONL blocks also count their records (for message numbers, which the reader of the
    whole file offsets) and the lines that were not valid JSON."""

    texts: list[str]
    locate: Callable[[int], Location]
    records: int = 0
    invalid: int = 0


@dataclass(frozen=True, slots=True)
class LineBlock:
    """Whole lines of a line-oriented store as bytes, with the number of the first: cheap to
    read where the file is read. `read` (in each kind of store's block) splits and decodes
    them, in whichever process matches them."""

    path: str
    format: str
    first_line: int
    data: bytes
    max_line_bytes: int

    @property
    def size(self) -> int:
        """Bytes of the file in this block."""
        return len(self.data)

    def read(self) -> BlockText:
        """The texts of the block and how to locate each."""
        raise NotImplementedError


def line_pieces(data: bytes, first_line: int, limit: int) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of each line of a block; a line longer than `limit` comes in
    pieces of that size with the same number, as `read_lines` gives it."""
    number, position, size = first_line, 0, len(data)
    while position < size:
        newline = data.find(b"\n", position)
        end = size if newline < 0 else newline + 1
        for start in range(position, end, limit):
            yield number, data[start : min(start + limit, end)]
        if newline >= 0:
            number += 1
        position = end


def byte_blocks(
    path: Path, limits: Limits, block_bytes: int = BLOCK_BYTES
) -> Iterator[tuple[int, bytes]]:
    """(number of the first line, bytes) of the file in blocks of about `block_bytes`, cut
    after a newline (or, inside a line longer than a block, at a multiple of
    `limits.max_line_bytes` from where it started, where `read_lines` would cut it)."""
    limit = limits.max_line_bytes
    number, pending = 1, b""
    with path.open("rb") as stream:
        while data := stream.read(block_bytes):
            buffer = pending + data
            cut = buffer.rfind(b"\n") + 1
            if cut == 0:  # inside one long line: whole pieces go, the rest waits
                cut = len(buffer) // limit * limit
            block, pending = buffer[:cut], buffer[cut:]
            if block:
                yield number, block
                number += block.count(b"\n")
        if pending:
            yield number, pending
