"""permissions.store-private: who else can read stored conversations."""

from __future__ import annotations

import pytest

from tests.builders import HostBuilder, VolumeMount
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db
from tests.conftest import audit_report, findings_of, statuses

CHECK = "permissions.store-private"
CHAT = Chat(title="Plans", messages=[Message("user", "hello"), Message("assistant", "hi")])


@pytest.mark.parametrize(
    ("mode", "status", "severity"),
    [(0o600, "pass", None), (0o640, "fail", "medium"), (0o644, "fail", "high")],
)
def test_repl_history_modes(
    host: HostBuilder, mode: int, status: str, severity: str | None
) -> None:
    home = host.user("alice", 1000)
    history = write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])
    history.chmod(mode)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "/home/alice/.ollama/history", status)}
    finding = findings_of(report, CHECK)[0]
    if severity:
        assert finding["severity"] == severity
        assert "chmod 600" in finding["remediation"]


def test_world_readable_webui_db_in_a_docker_volume(host: HostBuilder) -> None:
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:main",
        mounts=[VolumeMount(name="open-webui", destination="/app/backend/data")],
    )
    data = host.path("/var/lib/docker/volumes/open-webui/_data")
    write_webui_db(data / "webui.db", chats=[CHAT], users=[User("A", "a@example.org")])
    report = audit_report(host.root)
    path = "/var/lib/docker/volumes/open-webui/_data/webui.db"
    assert ("open-webui", path, "fail") in statuses(report, CHECK)
    finding = next(f for f in findings_of(report, CHECK) if f["resource"] == path)
    assert "docker" in finding["remediation"]


def test_store_behind_a_symlink_loop_is_unknown(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    (home / ".ollama").mkdir()
    host.symlink("/home/alice/.ollama/history", "/home/alice/.ollama/history")
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "/home/alice/.ollama/history", "unknown")}
    assert "symlink loop" in findings_of(report, CHECK)[0]["reason"]


def test_missing_passwd_is_unknown(host: HostBuilder) -> None:
    host.file("/etc/hostname", "box\n")
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {(None, "/etc/passwd", "unknown")}


def test_symlinked_store_is_judged_by_its_target(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / "data" / "history", ["x"]).chmod(0o644)
    (home / ".ollama").mkdir()
    host.symlink("/home/alice/.ollama/history", "/home/alice/data/history")
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", "/home/alice/.ollama/history", "fail")}
