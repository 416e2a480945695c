"""A careful single-user setup: Ollama on loopback for its user, Open WebUI from pip
with login on, bound to loopback, its data directory moved with DATA_DIR and private."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db


def build(host: HostBuilder) -> None:
    home = host.user("erin", 1000)
    host.file("/etc/hostname", "erin-laptop\n")
    write_repl_history(home / ".ollama" / "history", ["summarise my notes"])
    host.process(900, ["/usr/local/bin/ollama", "serve"], uid=1000)
    host.listen(900, "127.0.0.1", 11434, uid=1000)
    data = home / "owui-data"
    write_webui_db(
        data / "webui.db",
        users=[User("Erin", "erin@example.org", role="admin")],
        chats=[Chat(title="notes", messages=[Message("user", "hello")])],
        mode=0o600,
    )
    data.chmod(0o700)
    host.process(
        901,
        [
            "/home/erin/owui/bin/python3",
            "/home/erin/owui/bin/open-webui",
            "serve",
            "--host",
            "127.0.0.1",
        ],
        uid=1000,
        environ={
            "DATA_DIR": "/home/erin/owui-data",
            "WEBUI_AUTH": "True",
            "ENABLE_VERSION_UPDATE_CHECK": "false",
            "OPENAI_API_BASE_URLS": "http://localhost:11434/v1;http://192.168.1.20:8000/v1",
        },
    )
    host.listen(901, "127.0.0.1", 8080, uid=1000)
