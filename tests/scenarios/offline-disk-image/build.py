"""A disk image audited offline: no proc/ or sys/ (so no mounts, swap or core_pattern),
no /etc/group, and Ollama's key behind a symlink loop."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history


def build(host: HostBuilder) -> None:
    home = host.user("frank", 1000)
    write_repl_history(home / ".ollama" / "history", ["quarterly numbers before release"])
    host.symlink("/home/frank/.ollama/id_ed25519", "/home/frank/.ollama/id_ed25519")
    host.chown_tree("/home/frank", 1000, 1000)
    host.path("/etc/group").unlink()
