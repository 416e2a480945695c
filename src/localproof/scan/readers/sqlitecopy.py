"""SQLite stores for the census: the private copy comes from the collectors' module.

The database, its `-wal` and any hot `-journal` are copied (bounded) into a fresh 0700
directory and the copy is opened (see localproof.collect.sqlitecopy); the originals are
only ever opened for reading, so no `-shm` appears and rows only in the WAL are seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from localproof.scan.readers.base import Limits, ReaderError

SQLITE_MAGIC = b"SQLite format 3\x00"


@contextmanager
def private_copy(path: Path, limits: Limits) -> Iterator[sqlite3.Connection]:
    """A connection to a private copy of the database at `path` (with its WAL)."""
    # Imported here: the collectors' package is large, and the census's worker processes,
    # which only match text, should not pay for importing it.
    from localproof.collect.fsroot import AuditRoot  # noqa: PLC0415
    from localproof.collect.sqlitecopy import CopyError  # noqa: PLC0415
    from localproof.collect.sqlitecopy import private_copy as shared_copy  # noqa: PLC0415

    try:
        with shared_copy(
            AuditRoot(Path("/")), str(path.absolute()), limits.max_sqlite_bytes
        ) as connection:
            connection.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
            yield connection
    except CopyError as error:
        raise ReaderError(str(error)) from error


def tables(connection: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Table name -> [(column, declared type)] for every ordinary table."""
    names = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: [
            (c[1], str(c[2]).upper())
            for c in connection.execute(f'PRAGMA table_info("{_quote(name)}")')
        ]
        for name in names
    }


def _quote(identifier: str) -> str:
    return identifier.replace('"', '""')


def quoted(identifier: str) -> str:
    """An identifier quoted for SQL."""
    return f'"{_quote(identifier)}"'
