"""Readers for SQLite stores: Open WebUI, Ollama desktop, AnythingLLM, the `llm` CLI, generic.

Every reader gets a connection to a private copy (see `sqlitecopy`) and streams rows with a
cursor; JSON blobs are parsed one row at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace

from localproof.scan.model import Location, Segment
from localproof.scan.readers.base import joined_text
from localproof.scan.readers.sqlitecopy import quoted, tables

Schema = dict[str, list[tuple[str, str]]]
SqliteReader = Callable[[sqlite3.Connection, str, Schema], Iterator[Segment]]
_TEXT_TYPES = ("CHAR", "CLOB", "TEXT", "JSON", "VARCHAR")


def sqlite_format(schema: Schema) -> str:
    """The store format named by the tables present (content, not file name)."""
    columns = {name: {c for c, _ in cols} for name, cols in schema.items()}
    if "chat" in columns and {"chat", "title"} <= columns["chat"]:
        return "open-webui"
    if "workspace_chats" in columns:
        return "anythingllm"
    if "responses" in columns and {"prompt", "response", "conversation_id"} <= columns["responses"]:
        return "llm-cli"
    if (
        "messages" in columns
        and {"chat_id", "role", "content"} <= columns["messages"]
        and ("chats" in columns)
    ):
        return "ollama-desktop"
    return "sqlite"


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes) and b"\x00" not in value[:1024]:
        return value.decode("utf-8", errors="replace")
    return ""


def _parsed(value: object) -> object:
    try:
        return json.loads(_text(value))
    except ValueError:
        return _text(value)


def _openwebui_messages(blob: object) -> list[dict[str, object]]:
    chat = _parsed(blob)
    if not isinstance(chat, dict):
        return [{"content": chat}] if chat else []
    history = chat.get("history")
    messages = history.get("messages") if isinstance(history, dict) else None
    if isinstance(messages, dict):
        return [m for m in messages.values() if isinstance(m, dict)]
    flat = chat.get("messages")
    return [m for m in flat if isinstance(m, dict)] if isinstance(flat, list) else []


def read_openwebui(conn: sqlite3.Connection, path: str, schema: Schema) -> Iterator[Segment]:
    """`chat` rows (title + `history.messages`) then `chat_message` rows not already seen.

    Format: open-webui/open-webui backend/open_webui/models/chats.py, chat_messages.py.
    The flattened `messages` list repeats `history.messages`, so it is read only as a fallback.
    """
    seen: set[str] = set()
    per_chat: dict[str, int] = {}
    for chat_id, title, blob in conn.execute("SELECT id, title, chat FROM chat ORDER BY rowid"):
        conversation = str(chat_id)
        yield Segment(_text(title), Location(path, conversation=conversation, field="title"))
        messages = _openwebui_messages(blob)
        per_chat[conversation] = len(messages)
        for index, message in enumerate(messages):
            seen.add(f"{conversation}-{message.get('id')}")
            role = message.get("role")
            location = Location(
                path,
                conversation=conversation,
                message=index,
                role=role if isinstance(role, str) else None,
                field="chat",
            )
            yield Segment(joined_text(message), location)
    if "chat_message" in schema:
        yield from _openwebui_message_table(conn, path, seen, per_chat)


def _openwebui_message_table(
    conn: sqlite3.Connection, path: str, seen: set[str], per_chat: dict[str, int]
) -> Iterator[Segment]:
    rows = conn.execute(
        "SELECT id, chat_id, role, content, output FROM chat_message "
        "ORDER BY chat_id, created_at, rowid"
    )
    for message_id, chat_id, role, content, output in rows:
        if str(message_id) in seen:
            continue
        conversation = str(chat_id)
        index = per_chat.get(conversation, 0)
        per_chat[conversation] = index + 1
        text = joined_text([_parsed(content), _parsed(output)])
        yield Segment(
            text,
            Location(
                path,
                conversation=conversation,
                message=index,
                role=_text(role) or None,
                field="chat_message",
            ),
        )


def read_ollama_desktop(conn: sqlite3.Connection, path: str, schema: Schema) -> Iterator[Segment]:
    """`chats.title`, then `messages` (content, thinking, tool calls) in order per chat.

    Format: ollama/ollama app/store/schema.sql and app/store/database.go.
    """
    for chat_id, title in conn.execute("SELECT id, title FROM chats"):
        yield Segment(_text(title), Location(path, conversation=str(chat_id), field="title"))
    tools = (
        "(SELECT group_concat(coalesce(function_arguments, '') || char(10) || "
        "coalesce(function_result, ''), char(10)) FROM tool_calls t WHERE t.message_id = m.id)"
        if "tool_calls" in schema
        else "''"
    )
    # Only fixed text is joined here, never data.
    query = f"SELECT m.chat_id, m.role, m.content, m.thinking, {tools} FROM messages m ORDER BY m.chat_id, m.id"  # noqa: S608, E501
    chat, index = None, 0
    for chat_id, role, content, thinking, tool_text in conn.execute(query):
        index = index + 1 if chat_id == chat else 0
        chat = chat_id
        text = "\n".join(_text(x) for x in (content, thinking, tool_text))
        yield Segment(
            text,
            Location(
                path,
                conversation=str(chat_id),
                message=index,
                role=_text(role) or None,
                field="messages",
            ),
        )
    if "attachments" in schema:
        yield from _ollama_attachments(conn, path)


def _ollama_attachments(conn: sqlite3.Connection, path: str) -> Iterator[Segment]:
    """Uploaded files stored in the database (`attachments.data`), located at their message."""
    rows = conn.execute(
        "SELECT m.chat_id, m.role, (SELECT count(*) FROM messages p WHERE p.chat_id = m.chat_id "
        "AND p.id < m.id), a.data FROM attachments a JOIN messages m ON m.id = a.message_id"
    )
    for chat_id, role, index, data in rows:
        role_name = _text(role) or None
        where = Location(path, conversation=str(chat_id), message=int(index), role=role_name)
        yield Segment(_text(data), replace(where, field="attachment"))


def read_anythingllm(conn: sqlite3.Connection, path: str, schema: Schema) -> Iterator[Segment]:
    """`workspace_chats`: each row is a prompt (user) and a response JSON (assistant).

    Format: Mintplex-Labs/anything-llm server/prisma/schema.prisma, server/utils/chats/stream.js.
    """
    del schema
    counters: dict[str, int] = {}
    rows = conn.execute(
        "SELECT workspaceId, thread_id, prompt, response FROM workspace_chats ORDER BY id"
    )
    for workspace, thread, prompt, response in rows:
        conversation = f"thread-{thread}" if thread is not None else f"workspace-{workspace}"
        index = counters.get(conversation, 0)
        counters[conversation] = index + 2
        yield Segment(
            _text(prompt),
            Location(path, conversation=conversation, message=index, role="user", field="prompt"),
        )
        yield Segment(
            joined_text(_parsed(response)),
            Location(
                path,
                conversation=conversation,
                message=index + 1,
                role="assistant",
                field="response",
            ),
        )


def read_llm_cli(conn: sqlite3.Connection, path: str, schema: Schema) -> Iterator[Segment]:
    """`responses` (system + prompt, response) per conversation, then `fragments.content`.

    Format: simonw/llm llm/migrations.py (m010_create_new_log_tables, m015_fragments_tables).
    """
    rows = conn.execute(
        "SELECT conversation_id, system, prompt, response FROM responses "
        "ORDER BY conversation_id, rowid"
    )
    conversation, index = None, 0
    for conversation_id, system, prompt, response in rows:
        index = index + 2 if conversation_id == conversation else 0
        conversation = conversation_id
        name = str(conversation_id) if conversation_id is not None else None
        yield Segment(
            f"{_text(system)}\n{_text(prompt)}",
            Location(path, conversation=name, message=index, role="user"),
        )
        yield Segment(
            _text(response), Location(path, conversation=name, message=index + 1, role="assistant")
        )
    if "fragments" in schema:
        for number, (content,) in enumerate(conn.execute("SELECT content FROM fragments")):
            yield Segment(_text(content), Location(path, field=f"fragments[{number}].content"))


def read_generic(conn: sqlite3.Connection, path: str, schema: Schema) -> Iterator[Segment]:
    """Every text column of every table; the location names table, row and column."""
    for table, columns in schema.items():
        names = [c for c, t in columns if not t or any(x in t for x in _TEXT_TYPES)]
        if not names:
            continue
        query = f"SELECT {', '.join(quoted(c) for c in names)} FROM {quoted(table)}"  # noqa: S608
        for row_number, row in enumerate(conn.execute(query)):
            for column, value in zip(names, row, strict=True):
                text = _text(value)
                if text:
                    yield Segment(text, Location(path, field=f"{table}[{row_number}].{column}"))


READERS: dict[str, SqliteReader] = {
    "open-webui": read_openwebui,
    "ollama-desktop": read_ollama_desktop,
    "anythingllm": read_anythingllm,
    "llm-cli": read_llm_cli,
    "sqlite": read_generic,
}


def read_sqlite(conn: sqlite3.Connection, path: str) -> tuple[str, Iterator[Segment]]:
    """The detected format of the database and its segments."""
    schema = tables(conn)
    file_format = sqlite_format(schema)
    return file_format, READERS[file_format](conn, path, schema)
