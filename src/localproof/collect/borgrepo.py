"""The encryption mode of a local borg 1.x repository, read from the repository itself.

Every object borg stores starts with a one-byte key type (borgbackup/borg
src/borg/crypto/key.py: KeyfileKey 0x00, PassphraseKey 0x01, PlaintextKey 0x02, RepoKey
0x03, Blake2KeyfileKey 0x04, Blake2RepoKey 0x05, Blake2AuthenticatedKey 0x06,
AuthenticatedKey 0x07). Objects live in segment files `data/<dir>/<n>`: the magic
`BORG_SEG`, then entries of `<crc:u32><size:u32><tag:u8>` with, for PUT (tag 0), a 32-byte
id before the object (src/borg/repository.py LoggedIO: header_fmt '<IIB', put_header_fmt
'<IIB32s'). Only that one byte is read. The repository `config` tells repokey mode (a `key`
entry) from the rest, but `authenticated` mode stores a key there too, so the object byte
is the better witness when a segment exists.
"""

from __future__ import annotations

import struct

from localproof.collect.fsroot import AuditRoot

MAGIC = b"BORG_SEG"
HEADER = struct.Struct("<IIB")
PUT_HEADER_SIZE = 41
TAG_PUT = 0
MAX_SCANNED = 50
ENCRYPTED = {0x00: "keyfile", 0x01: "passphrase", 0x03: "repokey", 0x04: "keyfile-blake2"}
ENCRYPTED |= {0x05: "repokey-blake2"}
UNENCRYPTED = {0x02: "none", 0x06: "authenticated-blake2", 0x07: "authenticated"}


def object_key_type(root: AuditRoot, repository: str) -> int | None:
    """The key type byte of the first object found in the repository's segments."""
    data_dir = f"{repository.rstrip('/')}/data"
    for directory in _numbered(root, data_dir):
        for segment in _numbered(root, f"{data_dir}/{directory}"):
            try:
                data = root.read_bytes(f"{data_dir}/{directory}/{segment}", 1 << 20)
            except OSError:
                continue
            key_type = first_put_type(data)
            if key_type is not None:
                return key_type
    return None


def first_put_type(data: bytes) -> int | None:
    if not data.startswith(MAGIC):
        return None
    offset = len(MAGIC)
    while offset + HEADER.size <= len(data):
        _, size, tag = HEADER.unpack_from(data, offset)
        if size < HEADER.size:
            return None
        if tag == TAG_PUT and size > PUT_HEADER_SIZE and offset + PUT_HEADER_SIZE < len(data):
            return data[offset + PUT_HEADER_SIZE]
        offset += size
    return None


def _numbered(root: AuditRoot, directory: str) -> list[str]:
    try:
        names = [name for name in root.listdir(directory) if name.isdigit()]
    except OSError:
        return []
    return sorted(names, key=int)[:MAX_SCANNED]
