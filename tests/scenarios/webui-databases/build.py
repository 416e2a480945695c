"""Open WebUI databases in several states, found in a Docker volume and in users' pip
installs: sign-up open to full accounts, no account yet, approval required, and a damaged
file. Config rows follow the 0.12 `config` table (one JSON value per dotted key)."""

from __future__ import annotations

from tests.builders import HostBuilder, VolumeMount
from tests.builders.openwebui import Chat, Message, User, write_webui_db

SITE = ".local/lib/python3.11/site-packages/open_webui/data"
ADMIN = User("Admin", "admin@example.org", role="admin")


def build(host: HostBuilder) -> None:
    host.ensure_net_tables()
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:v0.6.5",
        mounts=[VolumeMount(name="open-webui", destination="/app/backend/data")],
    )
    volume = host.path("/var/lib/docker/volumes/open-webui/_data")
    write_webui_db(
        volume / "webui.db",
        users=[ADMIN],
        chats=[Chat(title="x", messages=[Message("user", "hello")])],
        config={
            "ui": {"enable_signup": True, "default_user_role": "user"},
            "web": {"search": {"enable": True}},
        },
        mode=0o600,
    )
    for name, uid in (("amy", 1001), ("ben", 1002), ("cat", 1003)):
        host.user(name, uid)
    write_webui_db(host.path(f"/home/amy/{SITE}/webui.db"), mode=0o600)  # no account yet
    write_webui_db(
        host.path(f"/home/ben/{SITE}/webui.db"),
        users=[ADMIN],
        config={"ui": {"enable_signup": True, "default_user_role": "pending"}},
        mode=0o600,
    )
    host.file(f"/home/cat/{SITE}/webui.db", b"SQLite format 3\x00" + b"\xde\xad" * 200, mode=0o600)
