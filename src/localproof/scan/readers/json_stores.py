"""Readers for JSON stores: LM Studio, text-generation-webui, Jan threads, generic JSON/JSONL.

Whole-document formats are parsed one file at a time (bounded by `Limits.max_json_bytes`);
JSONL is streamed line by line. Invalid JSON is still scanned, as plain text, and reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from localproof.scan.model import Location, Segment
from localproof.scan.readers.base import (
    BLOCK_BYTES,
    BlockText,
    Limits,
    LineBlock,
    ReaderError,
    byte_blocks,
    joined_text,
    line_pieces,
    text_lines,
)

_JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".chat"})


def document_format(document: object) -> str:
    """The store format named by a parsed JSON document's keys."""
    if isinstance(document, dict):
        if "internal" in document or "visible" in document:
            return "text-generation-webui"
        messages = document.get("messages")
        if isinstance(messages, list) and any(
            isinstance(m, dict) and "versions" in m for m in messages
        ):
            return "lm-studio"
    return "json"


def load_document(path: Path, limits: Limits) -> object:
    """The parsed document; ReaderError when too large or invalid."""
    size = path.stat().st_size
    if size > limits.max_json_bytes:
        raise ReaderError(
            f"JSON document of {size} bytes is over the {limits.max_json_bytes} byte limit"
        )
    with path.open("rb") as stream:
        raw = stream.read()
    try:
        return json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as error:
        raise ReaderError(f"invalid or truncated JSON ({error})") from error


def read_json_document(path: Path, limits: Limits) -> tuple[str, Iterator[Segment]]:
    """Format and segments of a whole-document JSON file (text fallback when invalid)."""
    try:
        document = load_document(path, limits)
    except ReaderError as error:
        if path.suffix.lower() not in _JSON_SUFFIXES:  # INI, TOML, logs: text, not broken JSON
            return "text", text_lines(path, limits)
        return "json", _as_text_then_fail(path, limits, str(error))
    file_format = document_format(document)
    name = str(path)
    if file_format == "text-generation-webui":
        return file_format, _tgw(document, name, _conversation_id(path))
    if file_format == "lm-studio":
        return file_format, _lm_studio(document, name, _conversation_id(path))
    return file_format, _generic(document, name)


def _as_text_then_fail(path: Path, limits: Limits, reason: str) -> Iterator[Segment]:
    yield from text_lines(path, limits)
    raise ReaderError(f"{reason}; scanned as plain text")


def _conversation_id(path: Path) -> str:
    return path.name.removesuffix(".json").removesuffix(".conversation")


def _lm_studio(document: object, path: str, conversation: str) -> Iterator[Segment]:
    """Format: lmstudio-ai/docs 0_app/1_basics/chat.md (JSON, unstable); keys after
    zeveck/json_to_md convert-conversation.js: messages[].versions[] with content / steps."""
    assert isinstance(document, dict)  # noqa: S101 -- guaranteed by document_format
    header = {k: document.get(k) for k in ("name", "systemPrompt")}
    yield Segment(joined_text(header), Location(path, conversation=conversation, field="header"))
    messages = document.get("messages")
    for index, message in enumerate(messages if isinstance(messages, list) else []):
        versions = message.get("versions") if isinstance(message, dict) else None
        first = versions[0] if isinstance(versions, list) and versions else {}
        role = first.get("role") if isinstance(first, dict) else None
        yield Segment(
            joined_text(message),
            Location(
                path,
                conversation=conversation,
                message=index,
                role=role if isinstance(role, str) else None,
            ),
        )


def _tgw(document: object, path: str, conversation: str) -> Iterator[Segment]:
    """Format: oobabooga/text-generation-webui modules/chat.py (save_history): `internal`
    (raw) and `visible` (HTML-escaped copy) lists of [user, assistant] pairs, `metadata`."""
    assert isinstance(document, dict)  # noqa: S101 -- guaranteed by document_format
    rows = document.get("internal") or document.get("visible") or []
    for row_index, row in enumerate(rows if isinstance(rows, list) else []):
        pair = row if isinstance(row, list) else [row]
        for offset, (role, text) in enumerate(zip(("user", "assistant"), pair, strict=False)):
            yield Segment(
                joined_text(text),
                Location(
                    path, conversation=conversation, message=2 * row_index + offset, role=role
                ),
            )
    metadata = document.get("metadata")
    for key, value in metadata.items() if isinstance(metadata, dict) else []:
        role, _, number = str(key).partition("_")
        index = 2 * int(number) + (role == "assistant") if number.isdigit() else None
        yield Segment(
            joined_text(value),
            Location(path, conversation=conversation, message=index, role=role, field="metadata"),
        )


def _generic(document: object, path: str) -> Iterator[Segment]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield Segment(joined_text([key, value]), Location(path, field=str(key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield Segment(joined_text(value), Location(path, field=f"[{index}]"))
    else:
        yield Segment(joined_text(document), Location(path))


def jsonl_format(first_line: bytes) -> str:
    """Jan's `messages.jsonl` names itself in every record; anything else is generic."""
    try:
        record = json.loads(first_line)
    except ValueError:
        return "jsonl"
    if isinstance(record, dict) and record.get("object") == "thread.message":
        return "jan"
    return "jsonl"


@dataclass(frozen=True, slots=True)
class JsonlBlock(LineBlock):
    """Whole lines of a JSONL store (see `LineBlock`), one record per non-blank line; each
    record's message number counts from the block's first record."""

    def read(self) -> BlockText:
        texts: list[str] = []
        # (line, thread, role) per record: a location is made only for records with a hit
        places: list[tuple[int, object, object]] = []
        invalid = 0
        jan = self.format == "jan"
        for number, piece in line_pieces(self.data, self.first_line, self.max_line_bytes):
            line = piece.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                record: object = json.loads(line)
            except ValueError:
                invalid += 1
                record = line
            texts.append(joined_text(record))
            if jan and isinstance(record, dict):
                places.append((number, record.get("thread_id"), record.get("role")))
            else:
                places.append((number, _NOT_A_MESSAGE, None))
        path = self.path

        def locate(index: int) -> Location:
            number, thread, role = places[index]
            if thread is _NOT_A_MESSAGE:
                return Location(path, line=number)
            return Location(
                path,
                line=number,
                conversation=thread if isinstance(thread, str) else None,
                message=index,
                role=role if isinstance(role, str) else None,
            )

        return BlockText(texts, locate, records=len(places), invalid=invalid)


_NOT_A_MESSAGE = object()  # a record that is not a Jan message: located by line only


def jsonl_blocks(
    path: Path, limits: Limits, file_format: str, block_bytes: int = BLOCK_BYTES
) -> Iterator[JsonlBlock]:
    """The lines of a JSONL store in blocks. Jan: janhq/jan core/threads/models.rs,
    helpers.rs (messages.jsonl)."""
    for number, data in byte_blocks(path, limits, block_bytes):
        yield JsonlBlock(str(path), file_format, number, data, limits.max_line_bytes)


def read_jsonl(path: Path, limits: Limits, file_format: str) -> Iterator[Segment]:
    """One record per line; records that do not parse are scanned as text, and the count is
    reported at the end."""
    records = invalid = 0
    for block in jsonl_blocks(path, limits, file_format):
        read = block.read()
        for i, text in enumerate(read.texts):
            yield Segment(text, offset_message(read.locate(i), records))
        records += read.records
        invalid += read.invalid
    if invalid:
        raise ReaderError(invalid_lines(invalid))


def invalid_lines(count: int) -> str:
    """The reason given for a JSONL store with `count` lines that are not JSON."""
    return f"{count} line(s) were not valid JSON; scanned as plain text"


def offset_message(location: Location, records: int) -> Location:
    """A block's location with its message number counted from the file's first record."""
    if location.message is None or not records:
        return location
    return replace(location, message=location.message + records)
