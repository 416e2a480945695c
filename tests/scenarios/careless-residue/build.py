"""A careless workstation's residue: rsnapshot copies /home to a plain USB disk, Open WebUI
keeps its data inside the Dropbox folder (chats from 2025), and prompts sit in the bash
history and the Ollama REPL history."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db
from tests.builders.residue import bash_history, dropbox_info, rsnapshot_conf


def build(host: HostBuilder) -> None:
    home = host.user("carl", 1000)
    host.file("/etc/hostname", "carl-desktop\n")
    host.mount("/dev/nvme0n1p2", "/", "ext4")
    host.mount("/dev/sdb1", "/mnt/backup", "ext4")
    rsnapshot_conf(host, snapshot_root="/mnt/backup/snapshots/", backups=["/home/", "/etc/"])
    dropbox_info(host, "/home/carl", "/home/carl/Dropbox")
    write_repl_history(home / ".ollama" / "history", ["draft a reply to my landlord"])
    bash_history(
        host,
        "/home/carl",
        [
            "ls",
            'ollama run llama3.2 "summarise the attached medical report"',
            "curl http://localhost:11434/api/chat -d "
            '\'{"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}\'',
        ],
        uid=1000,
    )
    write_webui_db(
        home / "Dropbox" / "open-webui" / "webui.db",
        users=[User("Carl", "carl@example.org", role="admin")],
        chats=[Chat(title="taxes", messages=[Message("user", "hello")])],
    )
    host.process(
        901,
        ["/home/carl/.venv/bin/python", "/home/carl/.venv/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/carl/Dropbox/open-webui"},
    )
