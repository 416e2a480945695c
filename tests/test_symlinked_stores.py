"""Stores whose parent folder is a symlink: found, judged by their target, never outside the root.

People move model and chat folders to a bigger disk and leave a link behind
(`~/.ollama -> /data/ollama`). Under `--root` an absolute target is a path inside the
audited tree, exactly as the audited machine's kernel would follow it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders import HostBuilder
from tests.builders.desktop import audit_rules
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, write_webui_db
from tests.builders.residue import dropbox_info, rsnapshot_conf
from tests.conftest import audit_report, findings_of, statuses
from tests.test_contracts import tree_state

SSN = "536-22-1234"
HISTORY = "/home/alice/.ollama/history"
RESOLVES = f"{HISTORY}: symlinked, resolves to /data/ollama/history"
CHAT = Chat(title="Tax", messages=[Message("user", f"my SSN is {SSN}"), Message("assistant", "ok")])


def _stores(report: dict[str, Any], slug: str) -> set[tuple[str, str]]:
    tools = {tool["slug"]: tool for tool in report["tools"]}
    if slug not in tools:
        return set()
    return {(store["kind"], store["path"]) for store in tools[slug]["stores"]}


def _details(finding: dict[str, Any]) -> list[str]:
    return [f"{item['source']}: {item['detail']}" for item in finding["evidence"]]


def _finding(report: dict[str, Any], check: str, resource: str) -> dict[str, Any]:
    return next(f for f in findings_of(report, check) if f["resource"] == resource)


def _ollama_moved(host: HostBuilder, link_target: str, data: str = "/data/ollama") -> None:
    host.user("alice", 1000)
    write_repl_history(host.path(f"{data}/history"), [f"my SSN is {SSN}"]).chmod(0o644)
    host.symlink("/home/alice/.ollama", link_target)


def test_ollama_folder_linked_to_an_absolute_target(host: HostBuilder) -> None:
    _ollama_moved(host, "/data/ollama")
    rsnapshot_conf(host, snapshot_root="/mnt/usb/snapshots/", backups=["/data/"])
    report = audit_report(host.root)
    assert ("history", HISTORY) in _stores(report, "ollama")
    assert statuses(report, "permissions.store-private") == {("ollama", HISTORY, "fail")}
    resolves = f"{HISTORY}: symlinked, resolves to /data/ollama/history"
    assert resolves in _details(_finding(report, "permissions.store-private", HISTORY))
    # rsnapshot copies /data/, which holds the store only once the link is followed
    assert ("ollama", HISTORY, "fail") in statuses(report, "backup.store-copies-encrypted")
    assert resolves in _details(_finding(report, "backup.store-copies-encrypted", HISTORY))
    content = _finding(report, "content.sensitive-data", HISTORY)
    assert content["status"] == "fail"
    assert "ssn 1" in content["evidence"][0]["detail"]


def test_ollama_folder_linked_into_dropbox_by_an_absolute_path(host: HostBuilder) -> None:
    _ollama_moved(host, "/home/alice/Dropbox/ollama", data="/home/alice/Dropbox/ollama")
    dropbox_info(host, "/home/alice", "/home/alice/Dropbox")
    report = audit_report(host.root)
    assert ("ollama", HISTORY, "fail") in statuses(report, "sync.store-not-synced")
    finding = _finding(report, "sync.store-not-synced", HISTORY)
    resolves = f"{HISTORY}: symlinked, resolves to /home/alice/Dropbox/ollama/history"
    assert resolves in _details(finding)


def test_open_webui_data_dir_behind_an_absolute_link(host: HostBuilder) -> None:
    host.user("bob", 1001)
    write_webui_db(host.path("/mnt/big/owui/webui.db"), chats=[CHAT], mode=0o644)
    host.symlink("/home/bob/owui-data", "/mnt/big/owui")
    host.process(
        700,
        ["/home/bob/owui/bin/python3", "/home/bob/owui/bin/open-webui", "serve"],
        uid=1001,
        environ={"DATA_DIR": "/home/bob/owui-data"},
    )
    host.ensure_net_tables()
    rsnapshot_conf(host, snapshot_root="/mnt/usb/snapshots/", backups=["/mnt/big/"])
    before = tree_state(host.root)
    report = audit_report(host.root)
    assert tree_state(host.root) == before
    database = "/home/bob/owui-data/webui.db"
    assert ("conversations", database) in _stores(report, "open-webui")
    assert ("open-webui", database, "fail") in statuses(report, "permissions.store-private")
    finding = _finding(report, "permissions.store-private", database)
    assert f"{database}: symlinked, resolves to /mnt/big/owui/webui.db" in _details(finding)
    assert ("open-webui", database, "fail") in statuses(report, "backup.store-copies-encrypted")
    content = _finding(report, "content.sensitive-data", database)
    assert content["status"] == "fail"
    assert "ssn 1" in content["evidence"][0]["detail"]


def test_open_webui_pip_user_install_behind_an_absolute_link(host: HostBuilder) -> None:
    host.user("bob", 1001)
    site = "/mnt/big/dot-local/lib/python3.11/site-packages"
    write_webui_db(host.path(f"{site}/open_webui/data/webui.db"), chats=[CHAT], mode=0o600)
    host.symlink("/home/bob/.local", "/mnt/big/dot-local")
    report = audit_report(host.root)
    database = "/home/bob/.local/lib/python3.11/site-packages/open_webui/data/webui.db"
    assert ("conversations", database) in _stores(report, "open-webui")
    assert ("open-webui", database, "pass") in statuses(report, "permissions.store-private")


def test_a_chain_of_absolute_links(host: HostBuilder) -> None:
    _ollama_moved(host, "/links/ollama")
    host.symlink("/links/ollama", "/srv/moved")
    host.symlink("/srv/moved", "/data/ollama")
    report = audit_report(host.root)
    assert ("history", HISTORY) in _stores(report, "ollama")
    finding = _finding(report, "permissions.store-private", HISTORY)
    assert f"{HISTORY}: symlinked, resolves to /data/ollama/history" in _details(finding)


def test_a_link_loop_above_the_store_is_unknown(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.symlink("/home/alice/.ollama", "/loop/a")
    host.symlink("/loop/a", "/loop/b")
    host.symlink("/loop/b", "/loop/a")
    report = audit_report(host.root)
    assert ("ollama", HISTORY, "unknown") in statuses(report, "permissions.store-private")
    assert "symlink loop" in _finding(report, "permissions.store-private", HISTORY)["reason"]


def test_a_dangling_absolute_link_is_no_store(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.symlink("/home/alice/.ollama", "/data/ollama")  # the big disk is not mounted
    host.process(500, ["ollama", "serve"], uid=1000)
    host.ensure_net_tables()
    report = audit_report(host.root)
    assert _stores(report, "ollama") == set()
    assert statuses(report, "permissions.store-private") == set()
    assert findings_of(report, "content.sensitive-data") == []


def test_a_link_climbing_out_of_the_root_stays_inside(host: HostBuilder, tmp_path: Path) -> None:
    # a real folder beside the fixture root: the host kernel would reach it, the audit must not
    write_repl_history(tmp_path / "outside" / "ollama" / "history", [f"my SSN is {SSN}"])
    host.user("alice", 1000)
    host.symlink("/home/alice/.ollama", "../../../outside/ollama")
    report = audit_report(host.root)
    assert _stores(report, "ollama") == set()
    assert findings_of(report, "content.sensitive-data") == []
    # `..` stops at the root, so the same link reaches /outside/ollama inside it
    host.file("/outside/ollama/history", "hello\n", mode=0o600)
    report = audit_report(host.root)
    assert ("history", HISTORY) in _stores(report, "ollama")
    finding = _finding(report, "permissions.store-private", HISTORY)
    assert f"{HISTORY}: symlinked, resolves to /outside/ollama/history" in _details(finding)


def _data_disk(host: HostBuilder, *, encrypted: bool) -> None:
    """A plain root and a separate /data disk, LUKS-encrypted or not."""
    host.mount("/dev/sda1", "/", "ext4")
    if encrypted:
        host.crypt_device("dm-0", name="luks-data", slaves=("sdb1",))
        host.mount("/dev/mapper/luks-data", "/data", "ext4")
    else:
        host.mount("/dev/sdb1", "/data", "ext4")


@pytest.mark.parametrize(("encrypted", "status"), [(True, "pass"), (False, "fail")])
def test_encryption_judges_the_disk_the_link_leads_to(
    host: HostBuilder, encrypted: bool, status: str
) -> None:
    _ollama_moved(host, "/data/ollama")
    _data_disk(host, encrypted=encrypted)
    report = audit_report(host.root)
    check = "encryption.store-at-rest"
    assert statuses(report, check) == {("ollama", HISTORY, status)}
    details = _details(_finding(report, check, HISTORY))
    device = "/dev/mapper/luks-data" if encrypted else "/dev/sdb1"
    assert details[0] == RESOLVES
    assert device in details[1]  # the mount under /data, not the plain root


def test_encryption_unknown_disk_still_says_where_the_link_leads(host: HostBuilder) -> None:
    _ollama_moved(host, "/data/ollama")
    host.mount("filer:/export/data", "/data", "nfs4", "rw,relatime,vers=4.2")
    report = audit_report(host.root)
    finding = _finding(report, "encryption.store-at-rest", HISTORY)
    assert finding["status"] == "unknown"
    assert _details(finding) == [RESOLVES]


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ({"50-ai.rules": "-w /data/ollama -p rwa -k ai\n"}, "pass"),
        ({"50-ai.rules": "-w /home/alice/Documents -p rwa\n"}, "fail"),
        (None, "fail"),  # auditd not installed
    ],
)
def test_access_audit_names_the_target_a_watch_must_cover(
    host: HostBuilder, rules: dict[str, str] | None, status: str
) -> None:
    _ollama_moved(host, "/data/ollama")
    if rules is not None:
        audit_rules(host, rules)
    report = audit_report(host.root)
    check = "shared-host.store-access-audited"
    assert statuses(report, check) == {("ollama", HISTORY, status)}
    finding = _finding(report, check, HISTORY)
    assert _details(finding)[0] == RESOLVES
    if status == "fail":
        assert "-w /data/ollama -p rwa" in str(finding["remediation"])
