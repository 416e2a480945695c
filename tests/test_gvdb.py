"""The GVDB reader on databases written by the real dconf (tests/data/dconf) and on damaged
ones: every defect is a GvdbError with a reason, never another exception."""

from __future__ import annotations

import contextlib
import random
import struct
from pathlib import Path
from typing import Any

import pytest

from localproof.collect.gvdb import (
    GvdbError,
    Typed,
    Unsupported,
    decode_variant,
    directory_values,
    typed_values,
)

DATA = Path(__file__).parent / "data" / "dconf"
DEJA_DUP = "/org/gnome/deja-dup/"
ITEM = struct.Struct("<IIIHccII")


def _fixture(name: str) -> bytes:
    return (DATA / f"{name}.dconf").read_bytes()


def test_values_written_by_dconf() -> None:
    assert directory_values(_fixture("documents-local"), DEJA_DUP) == {
        "include-list": ("$HOME/Documents",),
        "periodic": True,
        "periodic-period": 7,
        "backend": "local",
        "local/folder": "/mnt/backup/deja-dup",
    }


def test_string_array_with_two_byte_framing_offsets() -> None:
    """Over 255 bytes of strings: dconf frames the array with 16-bit offsets."""
    values = directory_values(_fixture("ollama-excluded-remote"), DEJA_DUP)
    excludes = values["exclude-list"]
    assert isinstance(excludes, tuple)
    assert sum(len(e) + 1 for e in excludes) > 255
    assert excludes[:3] == ("$TRASH", "$DOWNLOAD", "$HOME/.ollama")
    assert excludes[-1] == "$HOME/src/build-output/artifacts"
    assert values["remote/uri"] == "sftp://backup.example.org/"


def test_only_the_directory_asked_for_is_read() -> None:
    data = _fixture("documents-local")
    assert directory_values(data, "/org/gnome/desktop/") == {
        "interface/color-scheme": "prefer-dark"
    }
    assert "CANARY" not in repr(directory_values(data, DEJA_DUP))
    assert directory_values(data, "/org/gnome/absent/") == {}
    assert directory_values(_fixture("unrelated"), DEJA_DUP) == {}


def test_typed_values_keep_the_type_dconf_stored() -> None:
    """`dconf write KEY 0` stores an int32 and `uint32 0` a uint32 (tests/data/dconf)."""
    session = "/org/gnome/desktop/session/"
    assert typed_values(_fixture("lock-untyped"), session) == {"idle-delay": Typed("i", 0)}
    assert typed_values(_fixture("lock-never"), session) == {"idle-delay": Typed("u", 0)}
    assert directory_values(_fixture("lock-never"), session) == {"idle-delay": 0}


def test_types_it_does_not_decode_are_marked() -> None:
    values = directory_values(_fixture("unrelated"), "/org/gnome/desktop/")
    assert values["input-sources/sources"] == Unsupported("a(ss)")


def test_byte_swapped_signature_means_big_endian_numbers() -> None:
    """A database written on a big-endian machine: strings and booleans read the same,
    numbers the other way round (gvdb-reader.c byteswaps values for that signature)."""
    data = bytearray(_fixture("documents-local"))
    data[:8] = b"raVGtnai"
    values = directory_values(bytes(data), DEJA_DUP)
    assert values["periodic-period"] == 7 << 24
    assert values["include-list"] == ("$HOME/Documents",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "too short"),
        (b"GVariant", "too short"),
        (b"SQLite format 3\x00" + bytes(100), "wrong signature"),
        (b"GVariant" + struct.pack("<IIII", 1, 0, 24, 32) + bytes(8), "version 1"),
        (b"GVariant" + struct.pack("<IIII", 0, 0, 24, 0xFFFFFFFF), "outside the file"),
        (b"GVariant" + struct.pack("<IIII", 0, 0, 26, 34) + bytes(10), "outside the file"),
        (b"GVariant" + struct.pack("<IIII", 0, 0, 24, 32) + struct.pack("<II", 0, 1 << 30), "fit"),
        (b"GVariant" + struct.pack("<IIII", 0, 0, 24, 40) + bytes(16), "fit"),
    ],
    ids=["empty", "header", "other file", "version", "huge end", "misaligned", "buckets", "items"],
)
def test_bad_headers_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(GvdbError, match=reason):
        directory_values(data, DEJA_DUP)


def test_every_truncation_is_an_error_or_a_partial_read() -> None:
    data = _fixture("ollama-excluded-remote")
    full = directory_values(data, DEJA_DUP)
    for size in range(len(data)):
        try:
            values = directory_values(data[:size], DEJA_DUP)
        except GvdbError:
            continue
        assert values.items() <= full.items()


def test_random_damage_never_escapes_as_another_exception() -> None:
    rng = random.Random(20250501)
    for name in ("documents-local", "ollama-excluded-remote", "unrelated"):
        original = _fixture(name)
        for _ in range(1500):
            data = bytearray(original)
            for _ in range(rng.randint(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            for directory in (DEJA_DUP, "/"):
                with contextlib.suppress(GvdbError):
                    directory_values(bytes(data), directory)
    for _ in range(300):
        garbage = b"GVariant" + rng.randbytes(rng.randint(0, 600))
        with contextlib.suppress(GvdbError):
            directory_values(garbage, "/")


def _items(data: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    """(offset, fields) of each item of the root table (gvdb-format.h)."""
    start, end = struct.unpack_from("<II", data, 16)
    bloom, buckets = struct.unpack_from("<II", data, start)
    first = start + 8 + 4 * (bloom & ((1 << 27) - 1)) + 4 * buckets
    return [(at, ITEM.unpack_from(data, at)) for at in range(first, end, ITEM.size)]


def _item_named(data: bytes, key: bytes) -> tuple[int, int, tuple[Any, ...]]:
    for index, (at, fields) in enumerate(_items(data)):
        if data[fields[2] : fields[2] + fields[3]] == key:
            return index, at, fields
    raise AssertionError(key)


def test_a_directory_listing_itself_is_refused() -> None:
    data = bytearray(_fixture("documents-local"))
    index, _, fields = _item_named(bytes(data), b"deja-dup/")
    struct.pack_into("<I", data, fields[6], index)  # its first child is itself
    with pytest.raises(GvdbError, match="lists"):
        directory_values(bytes(data), DEJA_DUP)


def test_a_value_pointing_past_the_end_is_refused() -> None:
    data = bytearray(_fixture("documents-local"))
    _, at, _ = _item_named(bytes(data), b"include-list")
    struct.pack_into("<II", data, at + 16, 0xFFFFFFF0, 0xFFFFFFF8)
    with pytest.raises(GvdbError, match="outside the file"):
        directory_values(bytes(data), DEJA_DUP)


def test_a_key_name_pointing_past_the_end_is_refused() -> None:
    data = bytearray(_fixture("documents-local"))
    _, at, _ = _item_named(bytes(data), b"periodic")
    struct.pack_into("<I", data, at + 8, 0xFFFFFF00)
    with pytest.raises(GvdbError, match="outside the file"):
        directory_values(bytes(data), DEJA_DUP)


@pytest.mark.parametrize(
    ("variant", "value"),
    [
        (b"\x01\x00b", True),
        (b"\x00\x00b", False),
        (b"\x07\x00\x00\x00\x00i", 7),
        (b"local\x00\x00s", "local"),
        (b"\x00as", ()),
        (b"a\x00bc\x00\x02\x05\x00as", ("a", "bc")),
        (b"\x00\x00\x00\x00\x00\x00\xf0\x3f\x00d", 1.0),
        (b"x\x00\x00a{sv}", Unsupported("a{sv}")),
    ],
)
def test_variants(variant: bytes, value: object) -> None:
    assert decode_variant(variant) == value


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        (b"no type string", "no type string"),
        (b"\x02\x00b", "neither 0 nor 1"),
        (b"\x01\x00\x00b", "wrong size"),
        (b"abc\x00s", "terminated"),
        (b"a\x00b\x00\x00s", "terminated"),
        (b"\xff\xfe\x00\x00s", "not UTF-8"),
        (b"a\x00bc\x00\x05\x02\x00as", "out of order"),
        (b"a\x00\x09\x00as", "framing"),
        (b"x\x00\x00\x00\x00<>", "valid type string"),
    ],
)
def test_malformed_variants_are_refused(variant: bytes, reason: str) -> None:
    with pytest.raises(GvdbError, match=reason):
        decode_variant(variant)
