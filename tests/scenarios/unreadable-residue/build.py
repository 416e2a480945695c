"""Residue the audit cannot judge: a remote borg repository whose encryption is not
declared, a truncated Timeshift settings file, a broken Dropbox info.json, a shell history
behind a symlink loop, a corrupt llm log and a corrupt Open WebUI database."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.residue import borgmatic_yaml


def build(host: HostBuilder) -> None:
    home = host.user("uma", 1000)
    host.file("/etc/hostname", "uma-box\n")
    write_repl_history(home / ".ollama" / "history", ["/bye"])
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home"],
        repositories=[("ssh://backup@nas.example.org/./uma", None)],
    )
    host.file(
        "/etc/timeshift/timeshift.json",
        '{\n  "backup_device_uuid" : "6f1e',
    )
    host.file("/home/uma/.dropbox/info.json", '{"personal": {"path": "/home/u', mode=0o600)
    host.symlink("/home/uma/.bash_history", "/home/uma/.bash_history")
    host.file("/home/uma/.config/io.datasette.llm/logs.db", b"SQLite format 3\x00" + b"\x01" * 64)
    host.file("/home/uma/owui/webui.db", b"SQLite format 3\x00" + b"\xff" * 300, mode=0o600)
    host.process(
        901,
        ["/home/uma/.venv/bin/python", "/home/uma/.venv/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/uma/owui"},
    )
