"""Settings that apps save in their own SQLite database, read from a private copy.

Open WebUI keeps its settings in the `config` table of webui.db: one row per dotted key
with a JSON value since 0.12 (open-webui/open-webui: backend/open_webui/config.py,
checked against the 0.12.4 wheel's migrations), a single JSON document in column `data`
before. Only the keys the knowledge base names (`saved_as`) are kept, and the number of
accounts in `user` (none means the first visitor becomes admin).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from localproof.collect.fsroot import AuditRoot
from localproof.collect.sqlitecopy import CopyError, query_copy
from localproof.facts import StoreFile
from localproof.facts.settings import SavedSettings
from localproof.kb import Tool


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ";".join(value)  # a saved list of URLs, as the environment would hold it
    return None


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}


def _saved_rows(connection: sqlite3.Connection, keys: set[str]) -> dict[str, object]:
    columns = _columns(connection, "config")
    if {"key", "value"} <= columns:
        rows = connection.execute("SELECT key, value FROM config").fetchall()
        return {key: json.loads(value) for key, value in rows if key in keys}
    if "data" in columns:
        row = connection.execute("SELECT data FROM config ORDER BY id DESC LIMIT 1").fetchone()
        document = json.loads(row[0]) if row else {}
        found: dict[str, object] = {}
        for key in keys:
            node: object = document
            for part in key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if node is not None:
                found[key] = node
        return found
    return {}


Saved = tuple[dict[str, object], int | None]


def _reader(keys: set[str]) -> Callable[[sqlite3.Connection], Saved]:
    def read(connection: sqlite3.Connection) -> Saved:
        saved = _saved_rows(connection, keys)
        has_users = "id" in _columns(connection, "user")
        count = (
            connection.execute('SELECT count(*) FROM "user"').fetchone()[0] if has_users else None
        )
        return saved, count

    return read


def read_saved_settings(
    root: AuditRoot, tools: dict[str, Tool], stores: tuple[StoreFile, ...]
) -> tuple[SavedSettings, ...]:
    found: list[SavedSettings] = []
    for store in stores:
        tool = tools.get(store.tool)
        if tool is None or store.kind != "conversations" or store.format != "sqlite":
            continue
        knobs = {k.saved_as: k.name for k in tool.knobs if k.saved_as}
        knobs |= {e.saved_as: e.names[0] for e in tool.endpoints if e.saved_as}
        if not knobs or not store.file.exists:
            continue
        path = store.file.path
        try:
            saved, accounts = query_copy(root, path, _reader(set(knobs)))
        except (CopyError, ValueError) as error:
            reason = str(error) if isinstance(error, CopyError) else "settings are not valid JSON"
            found.append(SavedSettings(tool.slug, path, store.owner, error=reason))
            continue
        values = {knobs[key]: text for key, value in saved.items() if (text := _text(value))}
        found.append(SavedSettings(tool.slug, path, store.owner, values, accounts))
    return tuple(found)
