"""Read-only: SQLite stores are read through a private copy that includes the WAL; the
originals stay byte-identical and no `-shm` (or any other file) appears beside them."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest

from localproof.scan import scan_paths
from tests.builders.openwebui import Chat, Message, write_webui_db
from tests.scan import builders

SSN = "536-22-1234"


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def snapshot_of_live_wal_db(tmp_path: Path) -> Path:
    """A database whose last rows exist only in its -wal file, as a live tool leaves it.

    The writer stays open (no checkpoint) while the database and WAL are copied aside, then
    the writer is closed; the copy has `db.sqlite` + `db.sqlite-wal` and no `-shm`.
    """
    live, store = tmp_path / "live", tmp_path / "store"
    live.mkdir()
    store.mkdir()
    connection = builders.ollama_desktop_db(
        live / "db.sqlite", [("c0", "first", [("user", "hi")])], wal=True
    )
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("INSERT INTO chats (id, title) VALUES ('c1', 'late')")
    connection.execute(
        "INSERT INTO messages (chat_id, role, content) VALUES ('c1', 'user', ?)",
        (f"my SSN is {SSN}",),
    )
    connection.commit()
    for name in ("db.sqlite", "db.sqlite-wal"):
        shutil.copyfile(live / name, store / name)
    connection.close()
    return store / "db.sqlite"


def test_rows_only_in_wal_are_counted_and_nothing_is_modified(tmp_path: Path) -> None:
    db = snapshot_of_live_wal_db(tmp_path)
    wal = Path(f"{db}-wal")
    assert SSN.encode() not in db.read_bytes()
    assert SSN.encode() in wal.read_bytes()
    before = tree_digest(db.parent)
    modes = {p.name: p.stat().st_mode for p in db.parent.iterdir()}

    result = scan_paths([db.parent])

    assert tree_digest(db.parent) == before
    assert {p.name: p.stat().st_mode for p in db.parent.iterdir()} == modes
    assert not Path(f"{db}-shm").exists()
    assert [(s.format, dict(s.counts["pii"])) for s in result.stores] == [
        ("ollama-desktop", {"ssn": 1})
    ]
    location = result.detections[0].location
    assert (location.conversation, location.message, location.role) == ("c1", 0, "user")


def test_every_store_type_is_left_byte_identical(tmp_path: Path) -> None:
    builders.open_webui_db(tmp_path / "webui.db", [("c", "t", [("user", SSN)])]).close()
    builders.anythingllm_db(tmp_path / "anythingllm.db", [(1, SSN, "ok")])
    builders.llm_logs_db(tmp_path / "logs.db", "c", [(SSN, "ok")])
    builders.gpt4all_chat(tmp_path / "gpt4all-x.chat", "x", [("Prompt: ", SSN)])
    builders.jan_thread(tmp_path / "threads" / "t", "t", [("user", SSN)])
    builders.ollama_history(tmp_path / ".ollama" / "history", [SSN])
    before = tree_digest(tmp_path)
    result = scan_paths([tmp_path])
    assert tree_digest(tmp_path) == before
    assert result.totals["pii"] == {"ssn": 6}
    assert not list(tmp_path.rglob("*-shm"))
    assert not list(tmp_path.rglob("*-journal"))


def test_private_copy_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    db = tmp_path / "webui.db"
    builders.open_webui_db(db, [("c", "t", [("user", SSN)])]).close()
    assert scan_paths([db]).totals["pii"] == {"ssn": 1}
    assert list(scratch.iterdir()) == []


def test_open_webui_live_wal_db_from_the_host_builder(tmp_path: Path) -> None:
    """tests/builders/openwebui.py writes the app's dual write (chat blob + chat_message) and
    leaves the last chat only in the -wal file, with the writer's -shm beside it."""
    chats = [
        Chat("first", [Message("user", "hello"), Message("assistant", "hi")], created_at=1),
        Chat("late", [Message("user", f"my SSN is {SSN}")], created_at=2),
    ]
    db = write_webui_db(tmp_path / "data" / "webui.db", chats=chats, wal=True)
    assert SSN.encode() not in db.read_bytes()
    before = tree_digest(db.parent)
    result = scan_paths([db])
    assert tree_digest(db.parent) == before
    # The blob and the chat_message row hold the same message: counted once.
    assert [(s.format, dict(s.counts["pii"])) for s in result.stores] == [
        ("open-webui", {"ssn": 1})
    ]
    location = result.detections[0].location
    assert (location.conversation, location.message, location.role) == (chats[1].id, 0, "user")
