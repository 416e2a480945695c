"""A shared GNOME desktop backed up with Déjà Dup, settings read from each user's dconf
database: dana excludes ~/.ollama and saves the rest of her home (with Open WebUI's data)
to a server, her encryption choice not recorded anywhere readable; erik saves his home with
the schema defaults to a local folder holding plain duplicity volumes."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktopbackup import dconf_database, deja_dup_has_run, duplicity_volumes
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db


def build(host: HostBuilder) -> None:
    dana = host.user("dana", 1000, home_mode=0o700)
    erik = host.user("erik", 1001, home_mode=0o700)
    host.file("/etc/hostname", "gnome-desk\n")
    write_repl_history(dana / ".ollama" / "history", ["plan the garden"])
    write_webui_db(
        dana / "owui-data" / "webui.db",
        users=[User("Dana", "dana@example.org", role="admin")],
        chats=[Chat(title="garden", messages=[Message("user", "hello")])],
        mode=0o600,
    )
    host.process(
        901,
        ["/home/dana/.venv/bin/python", "/home/dana/.venv/bin/open-webui", "serve"],
        uid=1000,
        environ={"DATA_DIR": "/home/dana/owui-data"},
    )
    dconf_database(host, "/home/dana", "ollama-excluded-remote", uid=1000)
    deja_dup_has_run(host, "/home/dana", uid=1000)
    write_repl_history(erik / ".ollama" / "history", ["draft the tenancy letter"])
    dconf_database(host, "/home/erik", "local-defaults", uid=1001)
    deja_dup_has_run(host, "/home/erik", uid=1001)
    duplicity_volumes(host, "/mnt/backup/deja-dup", encrypted=False)
