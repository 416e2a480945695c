"""Shared pieces of the readers: limits, the reader error, bounded line reading, JSON walking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from localproof.scan.model import Location, Segment

MAX_LINE_BYTES = 1 << 20  # a longer line is read in pieces of this size (same line number)
MAX_JSON_BYTES = 256 << 20  # whole-document JSON formats larger than this are read as text
MAX_SQLITE_BYTES = 2 << 30  # database + WAL copied for reading, at most this much
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


def strings_in(value: object, skip_keys: frozenset[str] = _SKIP_KEYS) -> Iterator[str]:
    """Every string key and leaf of a JSON value, skipping bookkeeping keys (ids, roles, times)."""
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            # Keys are data too (an object keyed by e-mail address); bookkeeping keys are skipped.
            for key, child in reversed(item.items()):
                if key not in skip_keys:
                    stack.extend((child, key))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def joined_text(value: object) -> str:
    """The string leaves of a JSON value joined by newlines, so detections never span two."""
    return "\n".join(strings_in(value))


def head(path: Path, size: int = 8192) -> bytes:
    """The first bytes of a file, for format sniffing."""
    with path.open("rb") as stream:
        return stream.read(size)
