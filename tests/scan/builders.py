"""Builders that write each conversation store in its tool's real format, for scan tests.

Each builder cites the upstream file its format comes from. Synthetic content only.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Sequence
from pathlib import Path

Message = tuple[str, str]  # (role, text)
Chat = tuple[str, str, Sequence[Message]]  # (chat id, title, messages)

_OPEN_WEBUI_SQL = sorted(
    (Path(__file__).parent.parent / "builders" / "data").glob("open-webui-*.sql")
)
# Fallback when the real schema dump is absent: the columns this reader uses, from
# open-webui/open-webui backend/open_webui/models/chats.py and models/chat_messages.py.
_OPEN_WEBUI_MINIMAL = """
CREATE TABLE chat (id VARCHAR NOT NULL PRIMARY KEY, user_id VARCHAR, title TEXT, created_at BIGINT,
  updated_at BIGINT, share_id TEXT UNIQUE, archived BOOLEAN, chat JSON, pinned BOOLEAN,
  meta JSON DEFAULT '{}' NOT NULL, folder_id TEXT);
CREATE TABLE chat_message (id TEXT NOT NULL PRIMARY KEY, chat_id TEXT NOT NULL, user_id TEXT,
  role TEXT NOT NULL, parent_id TEXT, content JSON, output JSON, model_id TEXT, files JSON,
  sources JSON, embeds JSON, done BOOLEAN, status_history JSON, error JSON, usage JSON,
  created_at BIGINT, updated_at BIGINT);
"""


def _sqlite(path: Path, schema: str, wal: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    if wal:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.executescript(schema)
    return connection


def open_webui_chat_blob(chat_id: str, title: str, messages: Sequence[Message]) -> str:
    """`chat.chat` JSON: history.messages dict plus the flattened `messages` list.

    Shape: open-webui/open-webui src/lib/components/chat/Chat.svelte (createNewChat).
    """
    history: dict[str, dict[str, object]] = {}
    parent = None
    for index, (role, text) in enumerate(messages):
        message_id = f"{chat_id}-m{index}"
        history[message_id] = {
            "id": message_id,
            "parentId": parent,
            "childrenIds": [],
            "role": role,
            "content": text,
            "timestamp": 1767225600 + index,
        }
        if parent:
            history[parent]["childrenIds"] = [message_id]
        parent = message_id
    return json.dumps(
        {
            "id": "",
            "title": title,
            "models": ["llama3.1:8b"],
            "params": {},
            "history": {"currentId": parent, "messages": history},
            "messages": list(history.values()),
            "tags": [],
            "files": [],
        }
    )


def open_webui_db(
    path: Path, chats: Sequence[Chat], *, message_table: Sequence[Chat] = (), wal: bool = False
) -> sqlite3.Connection:
    """`webui.db` with `chat` rows and extra `chat_message` rows; returns the open connection.

    Schema: the real release dump tests/builders/data/open-webui-*.sql when present (from
    open-webui/open-webui backend/open_webui/migrations), else the minimal columns above.
    """
    schema = _OPEN_WEBUI_SQL[-1].read_text() if _OPEN_WEBUI_SQL else _OPEN_WEBUI_MINIMAL
    connection = _sqlite(path, schema, wal)
    for chat_id, title, messages in chats:
        connection.execute(
            "INSERT INTO chat (id, user_id, title, created_at, updated_at, archived, chat, meta) "
            "VALUES (?, 'u1', ?, 1767225600, 1767225600, 0, ?, '{}')",
            (chat_id, title, open_webui_chat_blob(chat_id, title, messages)),
        )
    for chat_id, _, messages in message_table:
        for index, (role, text) in enumerate(messages):
            connection.execute(
                "INSERT INTO chat_message (id, chat_id, user_id, role, content, created_at, "
                "updated_at) VALUES (?, ?, 'u1', ?, ?, ?, ?)",
                (f"{chat_id}-x{index}", chat_id, role, json.dumps(text), index, index),
            )
    connection.commit()
    return connection


# ollama/ollama app/store/schema.sql (first released schema), plus the `attachments` table that
# app/store/database.go adds (uploaded files stored as BLOBs); later columns are not read.
OLLAMA_DESKTOP_SCHEMA = """
CREATE TABLE settings (id INTEGER PRIMARY KEY CHECK (id = 1), device_id TEXT NOT NULL DEFAULT '',
  expose BOOLEAN NOT NULL DEFAULT 0, schema_version INTEGER NOT NULL DEFAULT 2);
CREATE TABLE chats (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id TEXT NOT NULL,
  role TEXT NOT NULL, content TEXT NOT NULL DEFAULT '', thinking TEXT NOT NULL DEFAULT '',
  stream BOOLEAN NOT NULL DEFAULT 0, model_name TEXT, model_cloud BOOLEAN,
  model_ollama_host BOOLEAN, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, thinking_time_start TIMESTAMP,
  thinking_time_end TIMESTAMP, FOREIGN KEY (chat_id) REFERENCES chats(id) ON DELETE CASCADE);
CREATE TABLE tool_calls (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL,
  type TEXT NOT NULL, function_name TEXT NOT NULL, function_arguments TEXT NOT NULL,
  function_result TEXT, FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE);
CREATE TABLE attachments (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL,
  filename TEXT NOT NULL, data BLOB NOT NULL,
  FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE);
"""


def ollama_desktop_db(
    path: Path, chats: Sequence[Chat], *, wal: bool = False
) -> sqlite3.Connection:
    """Ollama desktop `db.sqlite` (ollama/ollama app/store/schema.sql, database.go)."""
    connection = _sqlite(path, OLLAMA_DESKTOP_SCHEMA, wal)
    for chat_id, title, messages in chats:
        connection.execute("INSERT INTO chats (id, title) VALUES (?, ?)", (chat_id, title))
        for role, text in messages:
            connection.execute(
                "INSERT INTO messages (chat_id, role, content, model_name) "
                "VALUES (?, ?, ?, 'gemma3:4b')",
                (chat_id, role, text),
            )
    connection.commit()
    return connection


# Mintplex-Labs/anything-llm server/prisma/schema.prisma (model workspace_chats), as Prisma
# creates it in SQLite.
ANYTHINGLLM_SCHEMA = """
CREATE TABLE "workspace_chats" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "workspaceId" INTEGER NOT NULL, "prompt" TEXT NOT NULL, "response" TEXT NOT NULL,
  "include" BOOLEAN NOT NULL DEFAULT true, "user_id" INTEGER, "thread_id" INTEGER,
  "api_session_id" TEXT, "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "lastUpdatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "feedbackScore" BOOLEAN);
"""


def anythingllm_db(path: Path, exchanges: Sequence[tuple[int, str, str]]) -> None:
    """`anythingllm.db`: (workspace id, prompt, response text) rows; response is JSON
    (Mintplex-Labs/anything-llm server/utils/chats/stream.js)."""
    connection = _sqlite(path, ANYTHINGLLM_SCHEMA)
    for workspace, prompt, text in exchanges:
        response = json.dumps({"text": text, "sources": [], "type": "chat", "attachments": []})
        connection.execute(
            "INSERT INTO workspace_chats (workspaceId, prompt, response) VALUES (?, ?, ?)",
            (workspace, prompt, response),
        )
    connection.commit()
    connection.close()


# simonw/llm llm/migrations.py m010_create_new_log_tables (+ m015 fragments), as sqlite-utils
# creates them.
LLM_SCHEMA = """
CREATE TABLE [conversations] ([id] TEXT PRIMARY KEY, [name] TEXT, [model] TEXT);
CREATE TABLE [responses] ([id] TEXT PRIMARY KEY, [model] TEXT, [prompt] TEXT, [system] TEXT,
  [prompt_json] TEXT, [options_json] TEXT, [response] TEXT, [response_json] TEXT,
  [conversation_id] TEXT REFERENCES [conversations]([id]), [duration_ms] INTEGER,
  [datetime_utc] TEXT);
CREATE TABLE [fragments] ([id] INTEGER PRIMARY KEY, [hash] TEXT, [content] TEXT,
  [datetime_utc] TEXT, [source] TEXT);
"""


def llm_logs_db(path: Path, conversation: str, exchanges: Sequence[tuple[str, str]]) -> None:
    """`logs.db` of the `llm` CLI: one conversation of (prompt, response) rows."""
    connection = _sqlite(path, LLM_SCHEMA)
    connection.execute("INSERT INTO conversations VALUES (?, 'c', 'gpt-4o-mini')", (conversation,))
    for index, (prompt, response) in enumerate(exchanges):
        connection.execute(
            "INSERT INTO responses (id, model, prompt, response, conversation_id, datetime_utc) "
            "VALUES (?, 'gpt-4o-mini', ?, ?, ?, ?)",
            (f"r{index}", prompt, response, conversation, f"2026-01-01T00:00:0{index}"),
        )
    connection.commit()
    connection.close()


def generic_db(path: Path, rows: Sequence[str]) -> None:
    """A SQLite database of no known tool: one table with a TEXT column."""
    connection = _sqlite(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, n INT);")
    connection.executemany("INSERT INTO notes (body, n) VALUES (?, 1)", [(r,) for r in rows])
    connection.commit()
    connection.close()


def lm_studio_conversation(path: Path, name: str, messages: Sequence[Message]) -> None:
    """`<id>.conversation.json` (lmstudio-ai/docs 0_app/1_basics/chat.md; keys per
    zeveck/json_to_md convert-conversation.js, tested with LM Studio 0.3.22)."""
    items = []
    for role, text in messages:
        if role == "user":
            version = {
                "type": "singleStep",
                "role": "user",
                "content": [{"type": "text", "text": text}],
            }
        else:
            version = {
                "type": "multiStep",
                "role": "assistant",
                "steps": [{"type": "contentBlock", "content": [{"type": "text", "text": text}]}],
            }
        items.append({"currentlySelected": 0, "versions": [version]})
    path.write_text(
        json.dumps(
            {
                "name": name,
                "createdAt": 1767225600000,
                "tokenCount": 1,
                "systemPrompt": "",
                "messages": items,
            },
            indent=2,
        )
    )


def jan_thread(folder: Path, thread_id: str, messages: Sequence[Message]) -> Path:
    """`threads/<id>/thread.json` + `messages.jsonl` (janhq/jan core/threads/models.rs,
    helpers.rs); returns the messages.jsonl path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "thread.json").write_text(
        json.dumps({"id": thread_id, "object": "thread", "title": "t", "assistants": []}, indent=2)
    )
    lines = [
        json.dumps(
            {
                "id": f"01J{index:023d}",
                "object": "thread.message",
                "thread_id": thread_id,
                "role": role,
                "content": [{"type": "text", "text": {"value": text, "annotations": []}}],
                "status": "ready",
                "created_at": 1767225601,
                "metadata": {},
            }
        )
        for index, (role, text) in enumerate(messages)
    ]
    target = folder / "messages.jsonl"
    target.write_text("\n".join(lines) + "\n")
    return target


def tgw_log(path: Path, pairs: Sequence[tuple[str, str]]) -> None:
    """text-generation-webui chat log (oobabooga/text-generation-webui modules/chat.py,
    save_history): `internal` and `visible` pair lists plus `metadata`."""
    internal = [["<|BEGIN-VISIBLE-CHAT|>", "How can I help you today?"], *map(list, pairs)]
    visible = [["", "How can I help you today?"], *map(list, pairs)]
    metadata = {f"user_{i}": {"timestamp": "Jan 01, 2026 09:00"} for i in range(len(internal))}
    path.write_text(
        json.dumps({"internal": internal, "visible": visible, "metadata": metadata}, indent=4)
    )


def _qstring(text: str | None) -> bytes:
    if text is None:
        return struct.pack(">I", 0xFFFFFFFF)
    data = text.encode("utf-16-be")
    return struct.pack(">I", len(data)) + data


def _qbytes(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _gpt4all_sub_item(name: str, value: str) -> bytes:
    out = _qstring(name) + _qstring(value)
    if name == "Think: ":
        out += struct.pack(">i", 1200)
    elif name == "ToolCall: ":  # ToolCallInfo (gpt4all-chat/src/tool.cpp): one QString param
        out += _qstring("websearch") + struct.pack(">q", 1) + _qstring("query")
        out += struct.pack(">i", 0) + struct.pack(">IB", 10, 0) + _qstring(value)
        out += _qstring("result") + struct.pack(">i", 0) + _qstring("")
    return out + struct.pack(">q", 0)


def gpt4all_chat(
    path: Path,
    chat_id: str,
    items: Sequence[tuple[str, str]],
    *,
    attachment: bytes = b"",
    sub_items: Sequence[tuple[str, str]] = (),
    version: int = 12,
) -> None:
    """`gpt4all-<uuid>.chat` (nomic-ai/gpt4all gpt4all-chat/src/chatlistmodel.cpp ChatSaver,
    chat.cpp Chat::serialize, chatmodel.h/.cpp ChatItem::serialize, tool.cpp). Items are
    ("Prompt: " | "Response: ", text); the attachment goes on the first prompt, sub-items on
    the first response."""
    out = b"\xf5\xd5\x53\xcc" + struct.pack(">i", version) + struct.pack(">q", 1767225600)
    out += _qstring(chat_id) + _qstring("New Chat") + _qstring("") + _qstring("Llama 3 8B")
    out += struct.pack(">I", 0)  # collections
    out += struct.pack(">i", len(items))
    for index, (name, value) in enumerate(items):
        out += (struct.pack(">i", 0) if version < 12 else b"") + _qstring(name) + _qstring(value)
        out += _qstring(None) + b"\x00\x00\x00\x00" + (b"\x00" if name == "Response: " else b"")
        out += struct.pack(">q", 0)  # sources
        with_attachment = attachment and index == 0
        out += struct.pack(">q", 1 if with_attachment else 0)
        if with_attachment:
            out += _qbytes(b"file:///home/u/notes.txt") + _qbytes(attachment)
        if version >= 12:
            subs = sub_items if name == "Response: " and index == 1 else ()
            out += struct.pack(">q", len(subs)) + b"".join(_gpt4all_sub_item(n, v) for n, v in subs)
    path.write_bytes(out)


def ollama_history(path: Path, prompts: Sequence[str]) -> None:
    """`~/.ollama/history`: one prompt per line (ollama/ollama readline/history.go)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{p}\n" for p in prompts))


def zsh_history(path: Path, commands: Sequence[str]) -> None:
    """zsh EXTENDED_HISTORY lines `: <start>:<elapsed>;<command>` (zsh-users/zsh Src/hist.c)."""
    path.write_text("".join(f": {1767225600 + i}:0;{c}\n" for i, c in enumerate(commands)))


def fish_history(path: Path, commands: Sequence[str]) -> None:
    """fish history records (fish-shell/fish-shell src/history.rs, YAML-like)."""
    path.write_text(
        "".join(f"- cmd: {c}\n  when: {1767225600 + i}\n" for i, c in enumerate(commands))
    )


def bash_history(path: Path, commands: Sequence[str]) -> None:
    """bash history with HISTTIMEFORMAT timestamp lines (GNU Readline histfile.c)."""
    path.write_text("".join(f"#{1767225600 + i}\n{c}\n" for i, c in enumerate(commands)))
