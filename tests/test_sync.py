"""sync.store-not-synced: conversation stores inside folders a sync client uploads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db
from tests.builders.residue import dropbox_info, nextcloud_cfg, onedrive_config, syncthing_config
from tests.conftest import audit_report, findings_of, statuses

CHECK = "sync.store-not-synced"
STORE = "/home/alice/.ollama/history"


def _alice(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])


def _dropbox_elsewhere(host: HostBuilder) -> None:
    dropbox_info(host, "/home/alice", "/home/alice/Dropbox")
    host.directory("/home/alice/Dropbox")


def _dropbox_is_home(host: HostBuilder) -> None:
    dropbox_info(host, "/home/alice", "/home/alice")


def _ollama_dir_linked_into_dropbox(host: HostBuilder) -> None:
    """~/.ollama is a link into the Dropbox folder: the store is uploaded."""
    dropbox_info(host, "/home/alice", "/home/alice/Dropbox")
    history = host.path("/home/alice/.ollama/history").read_text()
    host.file("/home/alice/Dropbox/dot-ollama/history", history, mode=0o600)
    host.path("/home/alice/.ollama/history").unlink()
    host.path("/home/alice/.ollama").rmdir()
    host.symlink("/home/alice/.ollama", "Dropbox/dot-ollama")


def _dropbox_folder_is_a_link(host: HostBuilder) -> None:
    """info.json names ~/Dropbox, which links to ~/.ollama's parent: still uploaded."""
    dropbox_info(host, "/home/alice", "/home/alice/Dropbox")
    host.symlink("/home/alice/Dropbox", "/home/alice")


def _nextcloud_home(host: HostBuilder) -> None:
    nextcloud_cfg(host, "/home/alice", "/home/alice/")


def _nextcloud_elsewhere(host: HostBuilder) -> None:
    nextcloud_cfg(host, "/home/alice", "/home/alice/Nextcloud/")


def _syncthing_home(host: HostBuilder) -> None:
    syncthing_config(host, "/home/alice", "~")


def _syncthing_old_location(host: HostBuilder) -> None:
    syncthing_config(host, "/home/alice", "~/Sync", state_dir=False)


def _onedrive_home(host: HostBuilder) -> None:
    onedrive_config(host, "/home/alice", "~/")


def _onedrive_default(host: HostBuilder) -> None:
    host.file("/home/alice/.config/onedrive/refresh_token", "x", mode=0o600)


def _icloud_documents(host: HostBuilder) -> None:
    """A macOS disk: the store lives in ~/Documents with iCloud Desktop & Documents on."""
    cloud = "/home/alice/Library/Mobile Documents/com~apple~CloudDocs"
    host.directory(f"{cloud}/Documents")
    write_repl_history(host.path("/home/alice/Documents/history"), ["x"])
    host.path("/home/alice/.ollama/history").unlink()
    host.symlink("/home/alice/.ollama/history", "/home/alice/Documents/history")


def _google_drive_cloudstorage(host: HostBuilder) -> None:
    drive = "/home/alice/Library/CloudStorage/GoogleDrive-alice@example.org"
    host.directory(drive)
    host.file(f"{drive}/history", "x\n", mode=0o600)
    host.path("/home/alice/.ollama/history").unlink()
    host.symlink("/home/alice/.ollama/history", f"{drive}/history")


def _broken_dropbox(host: HostBuilder) -> None:
    host.file("/home/alice/.dropbox/info.json", '{"personal": {"path": "/home/al', mode=0o600)


def _broken_syncthing(host: HostBuilder) -> None:
    host.file("/home/alice/.local/state/syncthing/config.xml", "<configuration><folder", mode=0o600)


CASES: list[tuple[str, Callable[[HostBuilder], None], str]] = [
    ("no sync client", lambda host: None, "pass"),
    ("Dropbox folder elsewhere", _dropbox_elsewhere, "pass"),
    ("Dropbox folder is the home", _dropbox_is_home, "fail"),
    ("store linked into Dropbox", _ollama_dir_linked_into_dropbox, "fail"),
    ("Dropbox folder is a link to home", _dropbox_folder_is_a_link, "fail"),
    ("Nextcloud syncs the home", _nextcloud_home, "fail"),
    ("Nextcloud folder elsewhere", _nextcloud_elsewhere, "pass"),
    ("Syncthing shares ~", _syncthing_home, "fail"),
    ("Syncthing (old config dir) shares ~/Sync", _syncthing_old_location, "pass"),
    ("OneDrive sync_dir is ~", _onedrive_home, "fail"),
    ("OneDrive default ~/OneDrive", _onedrive_default, "pass"),
    ("iCloud Desktop & Documents", _icloud_documents, "fail"),
    ("Google Drive File Provider", _google_drive_cloudstorage, "fail"),
]


@pytest.mark.parametrize(("setup", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_store_sync_status(
    host: HostBuilder, setup: Callable[[HostBuilder], None], status: str
) -> None:
    _alice(host)
    setup(host)
    report = audit_report(host.root)
    assert {s for _, r, s in statuses(report, CHECK) if r == STORE} == {status}


@pytest.mark.parametrize("setup", [_broken_dropbox, _broken_syncthing])
def test_unreadable_client_settings_are_unknown(
    host: HostBuilder, setup: Callable[[HostBuilder], None]
) -> None:
    _alice(host)
    setup(host)
    report = audit_report(host.root)
    unknown = {f["resource"]: f for f in findings_of(report, CHECK) if f["status"] == "unknown"}
    assert len(unknown) == 2
    settings = [r for r in unknown if r != STORE]
    assert settings[0].startswith("/home/alice/")
    # The client, configured in alice's home, may sync her store: not known, not a pass.
    assert "could not be read" in unknown[STORE]["reason"]


def test_syncthing_peers_are_medium_and_cloud_is_high(host: HostBuilder) -> None:
    _alice(host)
    _syncthing_home(host)
    assert findings_of(audit_report(host.root), CHECK)[0]["severity"] == "medium"
    dropbox_info(host, "/home/alice", "/home/alice")
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["severity"] == "high"
    assert "Dropbox" in finding["remediation"]


def test_open_webui_database_in_a_synced_data_dir(host: HostBuilder) -> None:
    host.user("alice", 1000)
    dropbox_info(host, "/home/alice", "/home/alice/Dropbox")
    chat = Chat(title="t", messages=[Message("user", "hello")])
    write_webui_db(
        host.path("/home/alice/Dropbox/owui/webui.db"), chats=[chat], users=[User("A", "a@x.org")]
    )
    host.process(
        900,
        ["/home/alice/.venv/bin/python", "/home/alice/.venv/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/alice/Dropbox/owui"},
    )
    report = audit_report(host.root)
    assert ("open-webui", "/home/alice/Dropbox/owui/webui.db", "fail") in statuses(report, CHECK)


def test_nextcloud_virtual_files_section_counts(host: HostBuilder) -> None:
    _alice(host)
    host.file(
        "/home/alice/.config/Nextcloud/nextcloud.cfg",
        "[General]\nclientVersion=3.16.0\n\n[Accounts]\n"
        "0\\FoldersWithPlaceholders\\1\\localPath=/home/alice/\n"
        "0\\FoldersWithPlaceholders\\1\\virtualFilesMode=suffix\n0\\url=https://c.example\n",
        mode=0o600,
    )
    assert {s for _, r, s in statuses(audit_report(host.root), CHECK) if r == STORE} == {"fail"}
