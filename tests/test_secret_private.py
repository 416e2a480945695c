"""permissions.secret-private: key and secret files (e.g. Ollama's id_ed25519, which
`ollama serve` creates 0600 in ~/.ollama: ollama/ollama cmd/cmd.go initializeKeypair)."""

from __future__ import annotations

import pytest

from tests.builders import HostBuilder
from tests.conftest import audit_report, findings_of, statuses

CHECK = "permissions.secret-private"
KEY = "/home/alice/.ollama/id_ed25519"
# a canary in place of the OpenSSH private key body: the check must never print it
KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nCANARY-3d9e1f-private-key\n"


@pytest.mark.parametrize(
    ("mode", "status", "severity"),
    [
        (0o600, "pass", None),
        (0o400, "pass", None),
        (0o640, "fail", "medium"),
        (0o644, "fail", "high"),
    ],
)
def test_key_modes(host: HostBuilder, mode: int, status: str, severity: str | None) -> None:
    host.user("alice", 1000)
    host.file(KEY, KEY_TEXT, mode=mode, uid=1000, gid=1000)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", KEY, status)}
    finding = findings_of(report, CHECK)[0]
    assert "CANARY-3d9e1f" not in str(finding)
    if severity:
        assert finding["severity"] == severity
        assert f"chmod 600 '{KEY}'" in finding["remediation"]


def test_system_install_key(host: HostBuilder) -> None:
    # the Linux install script runs the server as `ollama` with home /usr/share/ollama
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    path = "/usr/share/ollama/.ollama/id_ed25519"
    host.file(path, KEY_TEXT, mode=0o644, uid=998, gid=998)
    assert ("ollama", path, "fail") in statuses(audit_report(host.root), CHECK)


def test_key_behind_a_symlink_loop_is_unknown(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.directory("/home/alice/.ollama")
    host.symlink(KEY, KEY)
    assert statuses(audit_report(host.root), CHECK) == {("ollama", KEY, "unknown")}


def test_private_key_with_open_parents_passes(host: HostBuilder) -> None:
    # parents that others can traverse are fine while the key itself is private
    host.user("alice", 1000, home_mode=0o755)
    host.file(KEY, KEY_TEXT, mode=0o600, uid=1000, gid=1000)
    host.path("/home/alice/.ollama").chmod(0o755)
    assert statuses(audit_report(host.root), CHECK) == {("ollama", KEY, "pass")}
