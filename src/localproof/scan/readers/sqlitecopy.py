"""Read SQLite without touching it: copy the database and its WAL into a private directory.

Live tools keep databases in WAL mode, where recent rows may exist only in the `-wal` file.
Opening the original with `mode=ro` still creates or writes the `-shm` file, and
`immutable=1` ignores the WAL. So the database, its `-wal` and any hot `-journal` are copied
(bounded in size) into a fresh directory of mode 0700, and the copy is opened instead; SQLite
then replays the WAL into the copy. The original files are only ever opened for reading.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from localproof.scan.readers.base import Limits, ReaderError

SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-journal")


@contextmanager
def private_copy(path: Path, limits: Limits) -> Iterator[sqlite3.Connection]:
    """A connection to a private copy of the database at `path` (with its WAL)."""
    sources = [path] + [s for s in (Path(f"{path}{x}") for x in _SIDE_FILES) if s.is_file()]
    total = sum(s.stat().st_size for s in sources)
    if total > limits.max_sqlite_bytes:
        raise ReaderError(
            f"database and WAL are {total} bytes, over the {limits.max_sqlite_bytes}"
            " byte copy limit"
        )
    with tempfile.TemporaryDirectory(prefix="localproof-scan-") as tmp:
        copy = Path(tmp) / "db.sqlite"
        for source in sources:
            _copy_bounded(source, Path(f"{copy}{source.name[len(path.name) :]}"))
        connection = _open(copy)
        try:
            yield connection
        finally:
            connection.close()


def _copy_bounded(source: Path, target: Path) -> None:
    with source.open("rb") as reader, target.open("xb") as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)


def _open(copy: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(copy)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise ReaderError(f"not a readable SQLite database: {error}") from error
    connection.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    return connection


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
