"""A careful workstation's residue: restic (always encrypted) backs up the home, Nextcloud
syncs only ~/Nextcloud, the shell history holds no prompts, OLLAMA_NOHISTORY is set so
there is no REPL history, and Open WebUI keeps only recent chats in a private folder."""

from __future__ import annotations

import time

from tests.builders import HostBuilder
from tests.builders.openwebui import Chat, Message, User, write_webui_db
from tests.builders.residue import bash_history, nextcloud_cfg, zsh_history

DAY = 86_400


def build(host: HostBuilder) -> None:
    home = host.user("erin", 1000, home_mode=0o700)
    host.file("/etc/hostname", "erin-laptop\n")
    host.file("/home/erin/.bashrc", "export OLLAMA_NOHISTORY=1\nHISTCONTROL=ignorespace\n")
    host.systemd_unit(
        "restic-home",
        exec_start="/usr/bin/restic backup --one-file-system /home/erin",
        environment={
            "RESTIC_REPOSITORY": "/mnt/nas/restic",
            "RESTIC_PASSWORD_FILE": "/etc/restic.pw",
        },
    )
    nextcloud_cfg(host, "/home/erin", "/home/erin/Nextcloud/")
    host.directory("/home/erin/Nextcloud", mode=0o700, uid=1000, gid=1000)
    bash_history(host, "/home/erin", ["ls", "ollama pull llama3.2", "ollama list"], uid=1000)
    zsh_history(host, "/home/erin", ["cd ~/src", "git status"])
    recent = int(time.time()) - 10 * DAY
    write_webui_db(
        home / "owui-data" / "webui.db",
        users=[User("Erin", "erin@example.org", role="admin")],
        chats=[Chat(title="notes", messages=[Message("user", "hello")], created_at=recent)],
        mode=0o600,
    )
    (home / "owui-data").chmod(0o700)
    host.process(
        901,
        ["/home/erin/owui/bin/python3", "/home/erin/owui/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/erin/owui-data", "OLLAMA_NOHISTORY": "1"},
    )
