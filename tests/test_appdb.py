"""Settings Open WebUI saves in webui.db, read from a private copy of db + WAL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from localproof.collect.appdb import read_saved_settings
from localproof.collect.fsroot import AuditRoot
from localproof.facts import FileFact, FileKind, StoreFile
from localproof.kb import load_kb
from tests.builders import HostBuilder
from tests.builders.openwebui import Chat, Message, User, write_webui_db

PATH = "/srv/owui/webui.db"


def _read(root: Path) -> dict[str, str]:
    store = StoreFile("open-webui", "conversations", "sqlite", FileFact(PATH, FileKind.FILE), "x")
    (saved,) = read_saved_settings(AuditRoot(root), load_kb(), (store,))
    assert saved.error is None
    return {**saved.values, "accounts": str(saved.accounts)}


def test_current_config_table(host: HostBuilder) -> None:
    write_webui_db(
        host.path(PATH),
        users=[User("A", "a@example.org", role="admin")],
        config={
            "ui": {"enable_signup": False, "default_user_role": "user"},
            "openai": {"enable": False},
        },
    )
    assert _read(host.root) == {
        "ENABLE_SIGNUP": "false",
        "DEFAULT_USER_ROLE": "user",
        "ENABLE_OPENAI_API": "false",
        "accounts": "1",
    }


def test_saved_settings_only_in_the_wal_are_seen(host: HostBuilder) -> None:
    # the last chat is only in the -wal file; the config rows were checkpointed
    chats = [Chat(title=f"c{i}", messages=[Message("user", "x")]) for i in range(2)]
    write_webui_db(host.path(PATH), chats=chats, config={"ui": {"enable_signup": True}}, wal=True)
    assert _read(host.root)["ENABLE_SIGNUP"] == "true"


def test_legacy_single_document_config(host: HostBuilder) -> None:
    # before 0.12, `config` held one JSON document (the 0.12 migration renames it
    # config_old; open-webui/open-webui: backend/open_webui/migrations)
    database = host.path(PATH)
    database.parent.mkdir(parents=True)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE config (id INTEGER NOT NULL, data JSON NOT NULL, version INTEGER "
            "NOT NULL, created_at DATETIME, updated_at DATETIME, PRIMARY KEY (id))"
        )
        connection.execute('CREATE TABLE "user" (id VARCHAR NOT NULL, role VARCHAR)')
        document = {"ui": {"enable_signup": True, "default_user_role": "pending"}}
        connection.execute(
            "INSERT INTO config VALUES (1, ?, 0, NULL, NULL)", (json.dumps(document),)
        )
    connection.close()
    assert _read(host.root) == {
        "ENABLE_SIGNUP": "true",
        "DEFAULT_USER_ROLE": "pending",
        "accounts": "0",
    }
