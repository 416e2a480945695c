"""Query a SQLite database through a private copy, never the original.

Live tools keep their databases in WAL mode, where recent rows may exist only in the
`-wal` file. Opening the original with `mode=ro` still creates the `-shm` file, and
`immutable=1` ignores the WAL. So the database and its `-wal` are copied (bounded, read
through the audit root) into a fresh 0700 directory, and the copy is opened instead: the
audited tree is never touched and the copy sees every committed row.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from localproof.collect.fsroot import AuditRoot, describe_error

MAX_DATABASE_BYTES = 256 << 20
T = TypeVar("T")


class CopyError(Exception):
    """The database could not be copied or read; the message is a short, safe reason."""


def query_copy(root: AuditRoot, path: str, reader: Callable[[sqlite3.Connection], T]) -> T:
    """Copy `path` (+ `-wal`) privately, open the copy and return `reader(connection)`."""
    with tempfile.TemporaryDirectory(prefix="localproof-") as scratch:
        Path(scratch).chmod(0o700)
        copy = Path(scratch) / "copy.db"
        _copy(root, path, copy, required=True)
        _copy(root, path + "-wal", Path(f"{copy}-wal"), required=False)
        try:
            connection = sqlite3.connect(copy, isolation_level=None)
        except sqlite3.Error as error:
            raise CopyError(f"cannot open the database: {type(error).__name__}") from error
        try:
            return reader(connection)
        except sqlite3.DatabaseError as error:
            raise CopyError(f"unreadable database: {_sqlite_reason(error)}") from error
        finally:
            connection.close()


def _copy(root: AuditRoot, source: str, target: Path, *, required: bool) -> None:
    try:
        data = root.read_bytes(source, MAX_DATABASE_BYTES + 1)
    except OSError as error:
        if not required and root.stat(source).kind.value == "missing":
            return
        raise CopyError(
            f"cannot read {source.rsplit('/', 1)[-1]}: {describe_error(error)}"
        ) from None
    if len(data) > MAX_DATABASE_BYTES:
        raise CopyError(f"larger than {MAX_DATABASE_BYTES >> 20} MiB, skipped")
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _sqlite_reason(error: sqlite3.DatabaseError) -> str:
    """SQLite's own messages name tables and columns, never row contents."""
    text = str(error)
    return text if len(text) < 120 else type(error).__name__
