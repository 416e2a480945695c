"""GPT4All `.chat` files: Qt QDataStream binary, versions 11 and 12.

Format: nomic-ai/gpt4all gpt4all-chat/src/chatlistmodel.cpp (ChatSaver::saveChats: magic
0xF5D553CC, qint32 version, then Qt_6_2 stream), chat.cpp (Chat::serialize), chatllm.cpp
(writes nothing from v11), chatmodel.h / chatmodel.cpp (ChatModel / ChatItem::serialize,
serializeSubItems), tool.cpp (ToolCallInfo::serialize). Big-endian; QString = quint32 byte
length (0xFFFFFFFF = null) + UTF-16BE; bool = 1 byte; qsizetype = qint64; QUrl = QByteArray.
Items are yielded as they are parsed, so a truncated file still gives its first messages.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from localproof.scan.model import Location, Segment
from localproof.scan.readers.base import ReaderError

MAGIC = b"\xf5\xd5\x53\xcc"
SUPPORTED_VERSIONS = (11, 12)
_NULL = 0xFFFFFFFF
_EXTENDED = 0xFFFFFFFE
_ROLES = {"Prompt: ": "user", "Response: ": "assistant", "System: ": "system"}
_SUB_ITEMS = frozenset({"Response: ", "Text: ", "ToolCall: ", "ToolResponse: ", "Think: "})
_MAX_DEPTH = 32


class _Stream:
    """Bounded big-endian reads; running past the end is a ReaderError, not a crash."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self.stream, self.size, self.offset = stream, size, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.offset + n > self.size:
            raise ReaderError(f"truncated or corrupt .chat file at byte {self.offset}")
        data = self.stream.read(n)
        self.offset += n
        return data

    def unpack(self, fmt: str) -> int:
        value: int = struct.unpack(">" + fmt, self.take(struct.calcsize(fmt)))[0]
        return value

    def count(self) -> int:
        n = self.unpack("q")
        if n < 0 or n > self.size - self.offset:
            raise ReaderError(f"impossible element count {n} at byte {self.offset - 8}")
        return n

    def byte_array(self) -> bytes:
        n = self.unpack("I")
        if n == _NULL:
            return b""
        if n == _EXTENDED:
            n = self.unpack("Q")
        return self.take(n)

    def string(self) -> str:
        return self.byte_array().decode("utf-16-be", errors="replace")

    def boolean(self) -> bool:
        return self.take(1) != b"\x00"


def read_gpt4all(path: Path) -> Iterator[Segment]:
    """The chat's title, then every item (prompt, response with its sub-items) in order."""
    size = path.stat().st_size
    with path.open("rb") as raw:
        stream = _Stream(raw, size)
        if stream.take(4) != MAGIC:
            raise ReaderError("not a GPT4All .chat file (bad magic)")
        version = stream.unpack("i")
        if version not in SUPPORTED_VERSIONS:
            raise ReaderError(f"GPT4All .chat version {version} is not supported (11-12 are)")
        conversation, header = _chat_header(stream)
        name = str(path)
        yield Segment(header, Location(name, conversation=conversation, field="title"))
        for index in range(stream.unpack("i")):
            role, text = _item(stream, version)
            yield Segment(text, Location(name, conversation=conversation, message=index, role=role))
        if stream.offset != size:
            raise ReaderError(f"{size - stream.offset} unexpected bytes after the last item")


def _chat_header(stream: _Stream) -> tuple[str, str]:
    stream.unpack("q")  # creation date
    chat_id = stream.string()
    titles = [stream.string(), stream.string()]  # generated name, user-set name
    stream.string()  # model id
    collections = [stream.string() for _ in range(stream.unpack("I"))]
    return chat_id, "\n".join(titles + collections)


def _item(stream: _Stream, version: int) -> tuple[str | None, str]:
    if version < 12:
        stream.unpack("i")  # unused item id
    name = stream.string()
    parts = [stream.string(), stream.string()]  # value, newResponse (user-edited)
    for _ in range(4):  # isCurrentResponse, stopped, thumbsUp, thumbsDown
        stream.boolean()
    if name == "Response: ":
        stream.boolean()  # isError (v11+)
    for _ in range(stream.count()):  # sources: 7 strings, 3 ints
        parts.extend(stream.string() for _ in range(7))
        stream.take(12)
    for _ in range(stream.count()):  # prompt attachments: url, file content
        parts.append(stream.byte_array().decode("utf-8", errors="replace"))
        parts.append(stream.byte_array().decode("utf-8", errors="replace"))
    if version >= 12:
        for _ in range(stream.count()):
            _sub_item(stream, parts, 1)
    return _ROLES.get(name), "\n".join(parts)


def _sub_item(stream: _Stream, parts: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ReaderError(f"sub-items nested deeper than {_MAX_DEPTH} at byte {stream.offset}")
    name = stream.string()
    if name not in _SUB_ITEMS:
        raise ReaderError(f"unknown chat item label at byte {stream.offset}")
    parts.append(stream.string())
    if name == "Think: ":
        stream.unpack("i")  # thinking time, ms
    elif name == "ToolCall: ":
        _tool_call(stream, parts)
    for _ in range(stream.count()):
        _sub_item(stream, parts, depth + 1)


def _tool_call(stream: _Stream, parts: list[str]) -> None:
    parts.append(stream.string())  # tool name
    for _ in range(stream.count()):
        parts.append(stream.string())  # parameter name
        stream.unpack("i")  # parameter type
        parts.append(_variant(stream))
    parts.append(stream.string())  # result
    stream.unpack("i")  # error code
    parts.append(stream.string())  # error string


def _variant(stream: _Stream) -> str:
    """A QVariant (Qt 6): quint32 type id, qint8 null flag, then the value."""
    type_id = stream.unpack("I")
    stream.take(1)
    fixed = {1: 1, 2: 4, 3: 4, 4: 8, 5: 8, 6: 8, 0: 0}
    if type_id in fixed:
        stream.take(fixed[type_id])
        return ""
    if type_id == 10:  # QString
        return stream.string()
    if type_id == 12:  # QByteArray
        return stream.byte_array().decode("utf-8", errors="replace")
    raise ReaderError(f"unsupported QVariant type {type_id} at byte {stream.offset}")
