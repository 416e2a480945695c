"""retention.old-conversations: number and age of stored conversations."""

from __future__ import annotations

import os
import time

import pytest

from localproof.checks.retention import RETENTION_THRESHOLD_DAYS
from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db
from tests.conftest import audit_report, findings_of, statuses

CHECK = "retention.old-conversations"
DAY = 86_400
WEBUI = "/home/erin/owui/webui.db"


def _webui(host: HostBuilder, ages_in_days: list[int], *, wal: bool = False) -> None:
    host.user("erin", 1000)
    now = int(time.time())
    chats = [
        Chat(title=f"chat {i}", messages=[Message("user", "hi")], created_at=now - days * DAY)
        for i, days in enumerate(ages_in_days)
    ]
    write_webui_db(host.path(WEBUI), chats=chats, users=[User("E", "e@example.org")], wal=wal)
    host.process(
        901,
        ["/home/erin/.venv/bin/python", "/home/erin/.venv/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/erin/owui"},
    )


@pytest.mark.parametrize(
    ("ages", "wal", "status"),
    [
        ([], False, "pass"),
        ([3, 40], False, "pass"),
        ([3, RETENTION_THRESHOLD_DAYS + 30], False, "fail"),
        ([2, 3], True, "pass"),
        ([3, RETENTION_THRESHOLD_DAYS + 30], True, "fail"),  # the old chat only in the WAL
    ],
)
def test_open_webui_chats(host: HostBuilder, ages: list[int], wal: bool, status: str) -> None:
    _webui(host, ages, wal=wal)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("open-webui", WEBUI, status)}
    finding = findings_of(report, CHECK)[0]
    if ages:
        assert f"{len(ages)} conversation(s)" in finding["evidence"][0]["detail"]
    if status == "fail":
        assert finding["severity"] == "low"
        assert "HIPAA" in finding["remediation"]


def test_corrupt_database_is_unknown(host: HostBuilder) -> None:
    _webui(host, [3])
    host.file(WEBUI, b"SQLite format 3\x00" + os.urandom(512))
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("open-webui", WEBUI, "unknown")}


@pytest.mark.parametrize(
    ("age_days", "status"), [(2, "pass"), (RETENTION_THRESHOLD_DAYS + 5, "fail")]
)
def test_repl_history_age_from_its_mtime(host: HostBuilder, age_days: int, status: str) -> None:
    home = host.user("alice", 1000)
    history = write_repl_history(home / ".ollama" / "history", ["a", "b"])
    stamp = time.time() - age_days * DAY
    os.utime(history, (stamp, stamp))
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "/home/alice/.ollama/history", status)}


def test_json_store_counts_files_by_mtime(host: HostBuilder) -> None:
    host.user("lu", 1000)
    base = "/home/lu/.lmstudio/conversations"
    for index, days in enumerate((1, RETENTION_THRESHOLD_DAYS + 100)):
        path = host.file(f"{base}/folder/{index}.conversation.json", "{}", mode=0o600)
        stamp = time.time() - days * DAY
        os.utime(path, (stamp, stamp))
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("lm-studio", base, "fail")}
    assert "2 conversation(s)" in findings_of(report, CHECK)[0]["evidence"][0]["detail"]


def test_undated_store_recently_written_is_unknown(host: HostBuilder) -> None:
    host.user("gus", 1000)
    host.file("/home/gus/.local/share/nomic.ai/GPT4All/gpt4all-1.chat", b"\x00\x00", mode=0o600)
    report = audit_report(host.root)
    path = "/home/gus/.local/share/nomic.ai/GPT4All/gpt4all-1.chat"
    assert statuses(report, CHECK) == {("gpt4all", path, "unknown")}
