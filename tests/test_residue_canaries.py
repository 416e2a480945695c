"""Residue checks read histories, prompt logs, chat databases and backup/sync settings: none
of what they read may reach any output, and reading must leave the tree untouched (no
`-shm` next to a WAL database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db
from tests.builders.residue import (
    bash_history,
    borgmatic_yaml,
    dropbox_info,
    fish_history,
    llm_logs_db,
    nextcloud_cfg,
    ollama_request_logs,
    rsnapshot_conf,
    syncthing_config,
    zsh_history,
)
from tests.test_contracts import FORMATS, run_cli, tree_state

CANARIES = {
    "bash": "CANARY-r1-bash",
    "zsh": "CANARY-r2-zsh",
    "fish": "CANARY-r3-fish",
    "repl": "CANARY-r4-repl",
    "llm": "CANARY-r5-llm",
    "llm_wal": "CANARY-r6-llmwal",
    "chat": "CANARY-r7-chat",
    "chat_wal": "CANARY-r8-chatwal",
    "snapshot_root": "CANARY-r9-snaproot",
    "restic": "CANARY-r10-restic",
    "borg_repo": "CANARY-r11-borgrepo",
    "nextcloud": "CANARY-r12-nextcloud",
    "request": "CANARY-r13-request",
    "title": "CANARY-r14-title",
}


def build_residue_host(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    bash_history(
        host, "/home/alice", [f'ollama run llama3.2 "{CANARIES["bash"]}"'], timestamps=True
    )
    zsh_history(host, "/home/alice", [f"llm '{CANARIES['zsh']}'"])
    fish_history(host, "/home/alice", [f"ollama run llama3.2 {CANARIES['fish']}"])
    write_repl_history(home / ".ollama" / "history", [CANARIES["repl"]])
    llm_logs_db(host, "/home/alice", [CANARIES["llm"], CANARIES["llm_wal"]], wal=True)
    write_webui_db(
        home / "Dropbox" / "owui" / "webui.db",
        users=[User("A", "a@example.org")],
        chats=[
            Chat(title=CANARIES["title"], messages=[Message("user", CANARIES["chat"])]),
            Chat(
                title="later",
                messages=[Message("user", CANARIES["chat_wal"])],
                created_at=1750000000,
            ),
        ],
        wal=True,
    )
    host.process(
        901,
        ["/home/alice/.venv/bin/python", "/home/alice/.venv/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/alice/Dropbox/owui"},
    )
    dropbox_info(host, "/home/alice", "/home/alice/Dropbox")
    nextcloud_cfg(
        host, "/home/alice", "/home/alice/", url=f"https://{CANARIES['nextcloud']}.example"
    )
    syncthing_config(host, "/home/alice", "~/Sync")
    rsnapshot_conf(host, snapshot_root=f"/mnt/{CANARIES['snapshot_root']}/", backups=["/home/"])
    host.systemd_unit(
        "restic",
        exec_start="/usr/bin/restic backup /home",
        environment={"RESTIC_REPOSITORY": f"s3:https://{CANARIES['restic']}.example/bucket"},
    )
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home"],
        repositories=[(f"ssh://u@{CANARIES['borg_repo']}.example/./repo", None)],
    )
    ollama_request_logs(
        host, "/tmp/ollama-request-logs-42", [f'{{"prompt":"{CANARIES["request"]}"}}']
    )


@pytest.fixture
def residue_root(host: HostBuilder) -> Path:
    build_residue_host(host)
    return host.root


@pytest.mark.parametrize("output_format", FORMATS)
def test_nothing_read_reaches_any_output(residue_root: Path, output_format: str) -> None:
    done = run_cli("audit", "--root", str(residue_root), "--format", output_format)
    assert done.returncode == 0, done.stderr
    assert "history-leak" in done.stdout or "histor" in done.stdout.lower()
    for canary in CANARIES.values():
        assert canary not in done.stdout, canary
        assert canary not in done.stderr, canary


def test_reading_residue_modifies_nothing(residue_root: Path, tmp_path: Path) -> None:
    webui = residue_root / "home/alice/Dropbox/owui/webui.db"
    llm = residue_root / "home/alice/.config/io.datasette.llm/logs.db"
    for database in (webui, llm):
        assert Path(f"{database}-wal").stat().st_size > 0, "fixture must keep rows in the WAL"
        Path(f"{database}-shm").unlink()  # a stopped app leaves no -shm: the audit must not add one
    before = tree_state(residue_root)
    done = run_cli(
        "audit",
        "--root",
        str(residue_root),
        "--format",
        "json",
        "--output",
        str(tmp_path / "r.json"),
    )
    assert done.returncode == 0, done.stderr
    assert tree_state(residue_root) == before
    assert not Path(f"{webui}-shm").exists()
    report = (tmp_path / "r.json").read_text()
    assert '"retention.old-conversations"' in report
    assert "2 conversation(s)" in report, "the chat held only in the WAL must be counted"
    assert "2 prompt(s) in 2 entries" in report, "the llm row held only in the WAL must be counted"
