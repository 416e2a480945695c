"""Query a SQLite database through a private copy, never the original.

Live tools keep their databases in WAL mode, where recent rows may exist only in the
`-wal` file. Opening the original with `mode=ro` still creates the `-shm` file, and
`immutable=1` ignores the WAL. So the database, its `-wal` and any hot `-journal` are copied
(streamed, bounded in size, read through the audit root) into a fresh 0700 directory, and
the copy is opened instead: the audited tree is never touched and the copy sees every
committed row. The audit and the content census both read SQLite this way.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import FileKind

MAX_DATABASE_BYTES = 256 << 20
SIDE_FILES = ("-wal", "-journal")
T = TypeVar("T")


class CopyError(Exception):
    """The database could not be copied or read; the message is a short, safe reason."""


@contextmanager
def private_copy(
    root: AuditRoot, path: str, max_bytes: int = MAX_DATABASE_BYTES
) -> Iterator[sqlite3.Connection]:
    """A connection to a private copy of the database at `path` (with its WAL)."""
    with tempfile.TemporaryDirectory(prefix="localproof-") as scratch:
        Path(scratch).chmod(0o700)
        copy = Path(scratch) / "copy.db"
        budget = max_bytes - _copy(root, path, copy, max_bytes, required=True)
        for suffix in SIDE_FILES:
            budget -= _copy(root, path + suffix, Path(f"{copy}{suffix}"), budget, required=False)
        try:
            connection = sqlite3.connect(copy, isolation_level=None)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise CopyError(f"not a readable SQLite database: {_sqlite_reason(error)}") from error
        try:
            yield connection
        finally:
            connection.close()


def query_copy(root: AuditRoot, path: str, reader: Callable[[sqlite3.Connection], T]) -> T:
    """Copy `path` (+ `-wal`) privately, open the copy and return `reader(connection)`."""
    with private_copy(root, path) as connection:
        try:
            return reader(connection)
        except sqlite3.DatabaseError as error:
            raise CopyError(f"unreadable database: {_sqlite_reason(error)}") from error


def _copy(root: AuditRoot, source: str, target: Path, budget: int, *, required: bool) -> int:
    """Stream `source` to `target`; returns the bytes copied (0 for a missing side file)."""
    if not required and root.stat(source).kind is FileKind.MISSING:
        return 0
    try:
        copied = root.copy_to(source, target, budget)
    except OSError as error:
        name = source.rsplit("/", 1)[-1]
        raise CopyError(f"cannot read {name}: {describe_error(error)}") from None
    if copied > budget:
        raise CopyError(f"database and WAL are larger than {budget >> 20} MiB, skipped")
    return copied


def _sqlite_reason(error: sqlite3.DatabaseError) -> str:
    """SQLite's own messages name tables and columns, never row contents."""
    text = str(error)
    return text if len(text) < 120 else type(error).__name__
