"""Number and age of stored conversations, from metadata only (timestamps, counts, mtimes).

- Open WebUI `webui.db`: table `chat`, columns `created_at` / `updated_at` in epoch seconds
  (open-webui/open-webui backend/open_webui/models/chats.py); read through a private copy.
- Ollama REPL history: one input per line, undated; the file's mtime is the newest entry
  (ollama/ollama readline/history.go).
- JSON stores: one file per conversation (LM Studio `conversations/**/*.json`), or one
  folder per thread holding `thread.json` (Jan, janhq/jan src-tauri/src/core/threads).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.collect.sqlitecopy import CopyError, query_copy
from localproof.facts import FileKind, StoreFile
from localproof.facts.residue import ConversationAge

MAX_FILES = 20_000
MAX_DEPTH = 4


def read_conversation_ages(
    root: AuditRoot, stores: tuple[StoreFile, ...]
) -> tuple[tuple[ConversationAge, ...], float]:
    """Ages of every conversation store, and the moment they were measured."""
    ages = [
        _age(root, store)
        for store in stores
        if store.kind in ("conversations", "history") and store.file.exists
    ]
    return tuple(ages), time.time()


def _age(root: AuditRoot, store: StoreFile) -> ConversationAge:
    fact = store.file
    base = ConversationAge(store.tool, fact.path, store.owner)
    if store.tool == "open-webui" and store.format == "sqlite":
        return _webui(root, base)
    if store.format == "text" and fact.kind is FileKind.FILE:
        return _text_lines(root, base, fact.mtime)
    if store.format in ("json", "json+jsonl") and fact.kind is FileKind.DIRECTORY:
        suffix = "/thread.json" if store.format == "json+jsonl" else ".json"
        return _files(root, base, suffix)
    return ConversationAge(
        store.tool,
        fact.path,
        store.owner,
        newest=fact.mtime,
        basis=f"file mtime only: a {store.format} store's conversations are not dated",
    )


def _webui(root: AuditRoot, base: ConversationAge) -> ConversationAge:
    def read(connection: sqlite3.Connection) -> tuple[int, float | None, float | None]:
        row = connection.execute(
            "SELECT COUNT(*), MIN(created_at), MAX(updated_at) FROM chat"
        ).fetchone()
        return int(row[0]), _number(row[1]), _number(row[2])

    try:
        count, oldest, newest = query_copy(root, base.path, read)
    except CopyError as error:
        return replace(base, error=str(error))
    return replace(base, count=count, oldest=oldest, newest=newest, basis="chat.created_at")


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _text_lines(root: AuditRoot, base: ConversationAge, mtime: float) -> ConversationAge:
    try:
        text = root.read_text(base.path, 16 << 20)
    except OSError as error:
        return replace(base, error=describe_error(error))
    count = sum(1 for line in text.splitlines() if line.strip())
    return replace(base, count=count, newest=mtime if count else None, basis="lines; file mtime")


def _files(root: AuditRoot, base: ConversationAge, suffix: str) -> ConversationAge:
    try:
        mtimes = [root.stat(path).mtime for path in _walk(root, base.path, suffix, 0)]
    except OSError as error:
        return replace(base, error=describe_error(error))
    if not mtimes:
        return replace(base, count=0, basis="files")
    return replace(base, count=len(mtimes), oldest=min(mtimes), newest=max(mtimes), basis="mtimes")


def _walk(root: AuditRoot, directory: str, suffix: str, depth: int) -> Iterator[str]:
    names = root.listdir(directory)[:MAX_FILES]
    for name in names:
        path = f"{directory}/{name}"
        kind = root.stat(path, follow=False).kind
        if kind is FileKind.FILE and path.endswith(suffix):
            yield path
        elif kind is FileKind.DIRECTORY and depth < MAX_DEPTH:
            yield from _walk(root, path, suffix, depth + 1)
