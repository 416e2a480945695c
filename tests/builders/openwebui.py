"""A real Open WebUI `webui.db`: the release's own schema, rows shaped like the app writes them.

Schema: data/open-webui-0.12.4.sql, produced by running the 0.12.4 wheel's Alembic migrations
(see the header of that file). Row shapes follow the same release:
- open_webui/models/chats.py `insert_new_chat()`: chat row (title, JSON `chat`, meta `{}`,
  variables `{}`, current_message_id, last_read_at) and the dual write to `chat_message`;
- open_webui/models/chat_messages.py `_build_message()`: id "<chat_id>-<message_id>", JSON
  content, model_id from the message's "model", created_at = message timestamp;
- open_webui/models/auths.py `insert_new_auth()` + users.py `insert_new_user()`: an `auth` row
  and a `user` row sharing one id, profile_image_url "/user.png";
- open_webui/models/config.py: `config` is one row per dotted key with a JSON value
  (migration 3ff2c63645b8 flattens the old blob the same way);
- the chat blob is what the 0.12.4 frontend posts to createNewChat ({id, title, models, params,
  history{currentId, messages}, messages, tags, timestamp-in-ms}).
These shapes were checked by inserting through the real 0.12.4 ORM and comparing the rows.
The app serialises JSON compactly without ASCII escaping (open_webui/internal/db.py,
JSONCodec/orjson); a None in a JSON column is stored as the text 'null' (SQLAlchemy JSON).
The app runs SQLite in WAL mode by default (env.py DATABASE_ENABLE_SQLITE_WAL=True).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPEN_WEBUI_VERSION = "0.12.4"
SCHEMA_SQL = Path(__file__).parent / "data" / f"open-webui-{OPEN_WEBUI_VERSION}.sql"
BASE_TIME = 1748851200  # 2025-06-02T08:00:00Z; fixtures never read the clock
DEFAULT_MODEL = "llama3.2:3b"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "localproof-fixture:open-webui")
_SECONDS_BETWEEN_MESSAGES = 5


@dataclass(frozen=True)
class User:
    """A `user` + `auth` pair; role is "admin", "user" or "pending"."""

    name: str
    email: str
    role: str = "user"
    created_at: int = BASE_TIME

    @property
    def id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"user:{self.email}"))


@dataclass(frozen=True)
class Message:
    role: str  # "user", "assistant" or "system"
    content: str
    model: str = DEFAULT_MODEL


@dataclass(frozen=True)
class Chat:
    """A linear conversation; its owner defaults to the first user written."""

    title: str
    messages: Sequence[Message]
    user_id: str | None = None
    models: Sequence[str] = (DEFAULT_MODEL,)
    created_at: int = BASE_TIME
    archived: bool = False

    @property
    def id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"chat:{self.title}:{self.created_at}"))


def dumps(value: object) -> str:
    """JSON the way Open WebUI stores it: compact, UTF-8 kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _message_ids(chat: Chat) -> list[str]:
    chat_uuid = uuid.UUID(chat.id)
    return [str(uuid.uuid5(chat_uuid, f"message:{index}")) for index in range(len(chat.messages))]


def _message_dicts(chat: Chat) -> list[dict[str, Any]]:
    """The frontend's message objects (user: `models`; assistant: model/modelName/modelIdx)."""
    ids = _message_ids(chat)
    result = []
    for index, message in enumerate(chat.messages):
        entry: dict[str, Any] = {
            "id": ids[index],
            "parentId": ids[index - 1] if index else None,
            "childrenIds": ids[index + 1 : index + 2],
            "role": message.role,
            "content": message.content,
            "timestamp": chat.created_at + index * _SECONDS_BETWEEN_MESSAGES,
        }
        if message.role == "assistant":
            entry |= {"model": message.model, "modelName": message.model, "modelIdx": 0}
            entry["done"] = True
        else:
            entry["models"] = list(chat.models)
        result.append(entry)
    return result


def chat_blob(chat: Chat) -> dict[str, Any]:
    """The `chat.chat` JSON: the message tree in history.messages and, again, the flat list."""
    messages = _message_dicts(chat)
    return {
        "id": "",
        "title": chat.title,
        "models": list(chat.models),
        "params": {},
        "history": {
            "currentId": messages[-1]["id"] if messages else None,
            "messages": {message["id"]: message for message in messages},
        },
        "messages": messages,
        "tags": [],
        "timestamp": chat.created_at * 1000,
    }


def _insert_user(db: sqlite3.Connection, user: User) -> None:
    db.execute(
        "INSERT INTO auth (id, email, password, active, session_stamp) VALUES (?, ?, ?, 1, ?)",
        (
            user.id,
            user.email,
            _placeholder_bcrypt(user.email),
            str(uuid.uuid5(_NAMESPACE, user.id)),
        ),
    )
    db.execute(
        "INSERT INTO user (id, name, email, role, profile_image_url, last_active_at, updated_at,"
        " created_at, oauth, info, settings, scim)"
        " VALUES (?, ?, ?, ?, '/user.png', ?, ?, ?, 'null', 'null', 'null', 'null')",
        (user.id, user.name, user.email, user.role, *[user.created_at] * 3),
    )


def _insert_chat(db: sqlite3.Connection, chat: Chat, owner: str) -> None:
    messages = _message_dicts(chat)
    updated_at = messages[-1]["timestamp"] if messages else chat.created_at
    db.execute(
        "INSERT INTO chat (id, user_id, title, chat, created_at, updated_at, archived, pinned,"
        " meta, tasks, last_read_at, current_message_id, variables)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0, '{}', 'null', ?, ?, '{}')",
        (
            chat.id,
            owner,
            chat.title,
            dumps(chat_blob(chat)),
            chat.created_at,
            updated_at,
            int(chat.archived),
            updated_at,
            messages[-1]["id"] if messages else None,
        ),
    )
    for message in messages:
        db.execute(
            "INSERT INTO chat_message (id, chat_id, user_id, role, parent_id, content, output,"
            " model_id, files, sources, embeds, done, status_history, error, usage, created_at,"
            " updated_at, meta) VALUES (?, ?, ?, ?, ?, ?, 'null', ?, 'null', 'null', 'null', 1,"
            " 'null', 'null', 'null', ?, ?, 'null')",
            (
                f"{chat.id}-{message['id']}",
                chat.id,
                owner,
                message["role"],
                message["parentId"],
                dumps(message["content"]),
                message.get("model"),
                message["timestamp"],
                message["timestamp"],
            ),
        )


def _flatten(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"ui": {"enable_signup": True}} -> {"ui.enable_signup": True}; dotted keys pass through."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            flat |= _flatten(value, path)
        else:
            flat[path] = value
    return flat


def _insert_config(db: sqlite3.Connection, config: Mapping[str, Any]) -> None:
    rows = [(key, dumps(value), BASE_TIME) for key, value in _flatten(config).items()]
    db.executemany("INSERT INTO config (key, value, updated_at) VALUES (?, ?, ?)", rows)


def write_webui_db(
    path: Path,
    *,
    chats: Sequence[Chat] = (),
    users: Sequence[User] = (),
    config: Mapping[str, Any] | None = None,
    wal: bool = False,
    mode: int = 0o644,
) -> Path:
    """Create `path` (and, with wal=True, `path`-wal and -shm) like a live Open WebUI.

    The database is in WAL mode as the app leaves it. With wal=False everything is
    checkpointed into the main file and no side files remain (a cleanly stopped app). With
    wal=True the last chat (and its chat_message rows) exists only in the -wal file, as
    after a write the app has not checkpointed yet: read the main file alone and it is
    missing.
    """
    owner = users[0].id if users else str(uuid.uuid5(_NAMESPACE, "user:nobody"))
    settled, pending = (chats[:-1], chats[-1:]) if wal else (chats, ())
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / path.name
        db = sqlite3.connect(staged, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA_SQL.read_text(encoding="utf-8"))
            with db:
                for user in users:
                    _insert_user(db, user)
                _insert_config(db, config or {})
                for chat in settled:
                    _insert_chat(db, chat, chat.user_id or owner)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if pending:
                db.execute("PRAGMA wal_autocheckpoint=0")
                with db:
                    _insert_chat(db, pending[0], pending[0].user_id or owner)
                # Copy while the writer is open: closing it would checkpoint the WAL away.
                _place(staged, path, suffixes=("", "-wal", "-shm"), mode=mode)
        finally:
            db.close()
        if not pending:
            _place(staged, path, suffixes=("",), mode=mode)
    return path


def _place(staged: Path, path: Path, *, suffixes: Sequence[str], mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in suffixes:
        target = path.with_name(path.name + suffix)
        shutil.copyfile(staged.with_name(staged.name + suffix), target)
        target.chmod(mode)


def _placeholder_bcrypt(seed: str) -> str:
    """A string in bcrypt's "$2b$12$" + 53-character format that verifies no known password."""
    alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(seed.encode()).digest() * 2
    return "$2b$12$" + "".join(alphabet[byte % 64] for byte in digest[:53])
