"""A strict, read-only reader of GVDB files, the format of dconf databases such as
`~/.config/dconf/user`, and of the GVariant values they hold.

Learnt from the upstream sources (no code taken from them):
- GNOME/gvdb gvdb/gvdb-format.h, gvdb/gvdb-reader.c, gvdb/gvdb-builder.c (commit 4758f6fb):
  a 24-byte header (signature `GVariant`, its 32-bit words byte-swapped when the values
  are stored big-endian; version 0; options; the root table as a start/end pointer), all
  structure integers little-endian. A hash table is a bloom header (low 27 bits: number
  of bloom words), a bucket count, the bloom words, one first-item index per bucket, then
  24-byte items: hash, parent item (0xffffffff at the top), key start, key size (16 bits),
  type (`v` value, `L` list of children, `H` nested table), a spare byte and an 8-byte
  value pointer. An item's key is its name relative to its parent; the hash is over the
  full name, h = h * 33 + (signed) byte from 5381. Values are 8-aligned, lists 4-aligned.
  The builder writes no bloom words, so lookups here do not consult them.
- GNOME/dconf common/dconf-gvdb-utils.c (commit 7683ac95): a dconf directory such as
  `/org/gnome/deja-dup/` is an `L` item listing its keys and subdirectories; each key is a
  `v` item holding a serialised GVariant of type `v`.
- GNOME/glib glib/gvariant-serialiser.c (commit c2237ff1): a variant is the child's data,
  a NUL byte, then the child's type string; a string is UTF-8 ending in its only NUL; an
  array of variable-size elements ends with little-endian framing offsets, one per
  element, each 1, 2, 4 or 8 bytes wide as the array's total size requires.

GLib quietly substitutes defaults for malformed data; this reader raises `GvdbError`
instead, so a damaged database becomes an `unknown` with the reason. It only decodes the
keys under the directory asked for, never the rest of the database.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER = struct.Struct("<8sIIII")  # signature, version, options, root start, root end
TABLE_HEADER = struct.Struct("<II")  # bloom header, bucket count
ITEM = struct.Struct("<IIIHccII")  # hash, parent, key start, key size, type, -, start, end
WORD = struct.Struct("<I")
SIGNATURE = b"GVariant"
SWAPPED_SIGNATURE = b"raVGtnai"  # each 32-bit word of the signature byte-swapped
NO_PARENT = 0xFFFFFFFF
MAX_DEPTH = 8  # subdirectories followed below the directory asked for
MAX_NAME = 1024  # bytes in a key name below it
FIXED = {"b": 1, "y": 1, "n": 2, "q": 2, "i": 4, "u": 4, "h": 4, "x": 8, "t": 8, "d": 8}
INTEGERS = {"y": "B", "n": "h", "q": "H", "i": "i", "u": "I", "h": "i", "x": "q", "t": "Q"}
STRINGS = ("s", "o", "g")
TYPE_CHARS = frozenset("bynqiuxthdsogvam()[]{}*?r")


class GvdbError(ValueError):
    """The data is not a well-formed GVDB database (the message says what is wrong)."""


@dataclass(frozen=True)
class Unsupported:
    """A value of a GVariant type this reader does not decode (its type string)."""

    type_string: str


GValue = str | bool | int | float | tuple[str, ...] | Unsupported


@dataclass(frozen=True)
class Typed:
    """A decoded value with its GVariant type string: GSettings ignores a value whose type
    is not the one its schema declares (`i` where it wants `u`), so readers may need it."""

    type_string: str
    value: GValue


@dataclass(frozen=True)
class _Item:
    hash: int
    parent: int
    key_start: int
    key_size: int
    kind: bytes
    start: int
    end: int


@dataclass(frozen=True)
class _Table:
    data: bytes
    big_endian: bool
    buckets_at: int
    n_buckets: int
    items_at: int
    n_items: int

    def item(self, index: int) -> _Item:
        if not 0 <= index < self.n_items:
            raise GvdbError("an item index points past the table")
        fields = ITEM.unpack_from(self.data, self.items_at + index * ITEM.size)
        hash_value, parent, key_start, key_size, kind, _, start, end = fields
        return _Item(hash_value, parent, key_start, key_size, kind, start, end)

    def key(self, item: _Item) -> bytes:
        end = item.key_start + item.key_size
        if end > len(self.data):
            raise GvdbError("a key name lies outside the file")
        return self.data[item.key_start : end]

    def chunk(self, item: _Item, alignment: int) -> bytes:
        if item.start > item.end or item.end > len(self.data) or item.start % alignment:
            raise GvdbError("a value lies outside the file or is misaligned")
        return self.data[item.start : item.end]


def directory_values(data: bytes, directory: str) -> dict[str, GValue]:
    """The keys below `directory` (e.g. `/org/gnome/deja-dup/`) with their values, named
    relative to it (`include-list`, `local/folder`); empty when the directory is absent."""
    return {name: typed.value for name, typed in typed_values(data, directory).items()}


def typed_values(data: bytes, directory: str) -> dict[str, Typed]:
    """Like `directory_values`, keeping each value's GVariant type string."""
    table = _open(data)
    top = _lookup(table, directory.encode(), b"L")
    if top is None:
        return {}
    found: dict[str, Typed] = {}
    pending = [(top, b"", 0)]
    seen = {top}
    while pending:
        index, prefix, depth = pending.pop()
        for child in _children(table, table.item(index)):
            if child in seen:
                raise GvdbError("a directory lists an item twice or lists an ancestor")
            seen.add(child)
            item = table.item(child)
            name = prefix + table.key(item)
            if len(name) > MAX_NAME:
                raise GvdbError(f"a key name is longer than {MAX_NAME} bytes")
            if item.kind == b"v":
                found[_text(name, "a key name")] = decode_typed(
                    table.chunk(item, 8), big_endian=table.big_endian
                )
            elif item.kind == b"L" and depth < MAX_DEPTH:
                pending.append((child, name, depth + 1))
    return found


def _open(data: bytes) -> _Table:
    if len(data) < HEADER.size:
        raise GvdbError(f"too short for a GVDB header ({len(data)} bytes)")
    signature, version, _, start, end = HEADER.unpack_from(data)
    if signature not in (SIGNATURE, SWAPPED_SIGNATURE):
        raise GvdbError("not a GVDB file (wrong signature)")
    if version != 0:
        raise GvdbError(f"unsupported GVDB version {version}")
    if start > end or end > len(data) or start % 4 or end - start < TABLE_HEADER.size:
        raise GvdbError("the root table lies outside the file")
    bloom_header, n_buckets = TABLE_HEADER.unpack_from(data, start)
    bloom_words = bloom_header & ((1 << 27) - 1)
    buckets_at = start + TABLE_HEADER.size + 4 * bloom_words
    items_at = buckets_at + 4 * n_buckets
    if items_at > end or (end - items_at) % ITEM.size:
        raise GvdbError("the root table's sizes do not fit its extent")
    n_items = (end - items_at) // ITEM.size
    return _Table(data, signature == SWAPPED_SIGNATURE, buckets_at, n_buckets, items_at, n_items)


def _hash(key: bytes) -> int:
    value = 5381
    for byte in key:
        value = (value * 33 + (byte - 256 if byte > 127 else byte)) & 0xFFFFFFFF
    return value


def _lookup(table: _Table, key: bytes, kind: bytes) -> int | None:
    """The index of the item named `key` of type `kind`, through the hash buckets."""
    if table.n_buckets == 0 or table.n_items == 0:
        return None
    wanted = _hash(key)
    bucket = wanted % table.n_buckets
    first = WORD.unpack_from(table.data, table.buckets_at + 4 * bucket)[0]
    last = table.n_items
    if bucket + 1 < table.n_buckets:
        last = min(last, WORD.unpack_from(table.data, table.buckets_at + 4 * bucket + 4)[0])
    for index in range(first, last):
        item = table.item(index)
        if item.hash == wanted and item.kind == kind and _named(table, item, key):
            return index
    return None


def _named(table: _Table, item: _Item, key: bytes) -> bool:
    """Whether the item's key, with its parents' keys before it, spells `key`."""
    remaining = key
    while True:
        part = table.key(item)
        if not remaining.endswith(part):
            return False
        remaining = remaining[: len(remaining) - len(part)]
        if not remaining and item.parent == NO_PARENT:
            return True
        if not part or item.parent == NO_PARENT:
            return False  # an empty key would never shorten the name: no progress
        item = table.item(item.parent)


def _children(table: _Table, item: _Item) -> list[int]:
    listing = table.chunk(item, 4)
    if len(listing) % 4:
        raise GvdbError("a directory listing is not a whole number of entries")
    return [index for (index,) in WORD.iter_unpack(listing)]


def decode_variant(data: bytes, *, big_endian: bool = False) -> GValue:
    """The value inside a serialised GVariant of type `v` (child data, NUL, type string)."""
    return decode_typed(data, big_endian=big_endian).value


def decode_typed(data: bytes, *, big_endian: bool = False) -> Typed:
    """`decode_variant` with the type string of the value inside."""
    split = data.rfind(b"\x00")
    if split < 0:
        raise GvdbError("a variant has no type string")
    type_string = _text(data[split + 1 :], "a type string")
    if not type_string or not set(type_string) <= TYPE_CHARS:
        raise GvdbError("a variant has no valid type string")
    return Typed(type_string, _decode(type_string, data[:split], big_endian))


def _decode(type_string: str, body: bytes, big_endian: bool) -> GValue:
    if type_string in FIXED:
        if len(body) != FIXED[type_string]:
            raise GvdbError(f"a value of type {type_string} has the wrong size")
        order = ">" if big_endian else "<"
        if type_string == "b":
            if body not in (b"\x00", b"\x01"):
                raise GvdbError("a boolean is neither 0 nor 1")
            return body == b"\x01"
        if type_string == "d":
            return float(struct.unpack(order + "d", body)[0])
        return int(struct.unpack(order + INTEGERS[type_string], body)[0])
    if type_string in STRINGS:
        return _string(body)
    if len(type_string) == 2 and type_string[0] == "a" and type_string[1] in STRINGS:
        return tuple(_string(element) for element in _elements(body))
    return Unsupported(type_string)


def _string(body: bytes) -> str:
    if not body.endswith(b"\x00") or b"\x00" in body[:-1]:
        raise GvdbError("a string is not terminated by its only NUL byte")
    return _text(body[:-1], "a string")


def _elements(body: bytes) -> list[bytes]:
    """The elements of an array of variable-size elements, from its framing offsets."""
    if not body:
        return []
    width = _offset_width(len(body))
    last_end = int.from_bytes(body[-width:], "little")
    framing = len(body) - last_end
    if last_end > len(body) or framing % width or framing == 0:
        raise GvdbError("an array's framing offsets are malformed")
    offsets = [
        int.from_bytes(body[at : at + width], "little") for at in range(last_end, len(body), width)
    ]
    elements = []
    start = 0
    for end in offsets:
        if not start <= end <= last_end:
            raise GvdbError("an array's framing offsets are out of order")
        elements.append(body[start:end])
        start = end
    return elements


def _offset_width(size: int) -> int:
    for width, limit in ((1, 0xFF), (2, 0xFFFF), (4, 0xFFFFFFFF)):
        if size <= limit:
            return width
    return 8


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise GvdbError(f"{what} is not UTF-8") from None
