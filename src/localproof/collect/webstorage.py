"""Read saved stores from a WebKitGTK web view's localStorage database.

Jan 0.6 to 0.8.3 kept its zustand stores (`setting-local-api-server`, `productAnalytic`,
`setting-general`, `model-provider`, ...) in the web view's localStorage, not in a file of
its own. On Linux that web view is WebKitGTK through webkit2gtk-4.1 (janhq/jan
src-tauri/Cargo.lock 0035982: webkit2gtk-sys 2.0.1, whose Cargo.toml links
`webkit2gtk-4.1`, tauri-apps/webkit2gtk-rs 8bb4ff6). That API keeps the legacy layout, one
SQLite file per origin, `<base data dir>/localstorage/<protocol>_<host>_<port>.localstorage`
(WebKit LocalStorageManager.cpp 0b0966a, databaseIdentifier in SecurityOriginData.cpp;
storage level None for webkit2gtk-4.0/4.1, WebsiteDataStoreGLib.cpp 4993fe6 and
OriginStorageManager.cpp 01274d3). Tauri gives Linux web views the data directory
`<local data dir>/<identifier>` unless the window sets one (tauri-apps/tauri
crates/tauri/src/manager/webview.rs 0225cce; wry web_context.rs 0470282), Jan's main window
sets none (src-tauri/tauri.linux.conf.json 300903d) and its origin is `tauri://localhost`
(crates/tauri/src/manager/mod.rs 02d2a6d): `~/.local/share/jan.ai.app/localstorage/
tauri_localhost_0.localstorage`.

The table is `ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB NOT NULL ON
CONFLICT FAIL)` (Source/WebKit/NetworkProcess/storage/SQLiteStorageArea.cpp 00f03c1); a
value is the string's UTF-16 code units, little-endian on the machines Jan ships for. The
database is only ever read through a private copy with its WAL (collect.sqlitecopy).
"""

from __future__ import annotations

import sqlite3

from localproof.collect.fsroot import AuditRoot
from localproof.collect.sqlitecopy import query_copy

MAX_ENTRIES = 64  # the stores asked about, never the whole table


def read_entries(root: AuditRoot, path: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The text of each of `keys` saved in the database at `path`; absent keys are left out.

    Raises sqlitecopy.CopyError with a safe reason when the database cannot be read."""
    wanted = tuple(sorted(set(keys)))[:MAX_ENTRIES]

    def select(connection: sqlite3.Connection) -> dict[str, str]:
        marks = ",".join("?" * len(wanted))
        rows = connection.execute(
            f"SELECT key, value FROM ItemTable WHERE key IN ({marks})",  # noqa: S608  # only '?' marks
            wanted,
        )
        return {str(key): _text(value) for key, value in rows}

    return query_copy(root, path, select) if wanted else {}


def _text(value: object) -> str:
    """A stored value as text: UTF-16-LE code units (a damaged one stays undecodable JSON)."""
    if isinstance(value, bytes):
        return value.decode("utf-16-le", errors="replace")
    return str(value)
