"""A shared GNOME workstation with Ollama. The administrator's system database sets a
15-minute idle delay as the default and enforces the lock itself (`lock-enabled` locked).
ana set the idle delay to "never" in Settings, which overrides the default; bo switched
the lock off, which the administrator's lock overrides; cy's dconf database is damaged;
dee never changed anything; eli's `dconf write` stored an int32 that GNOME ignores, so
the schema's 5 minutes apply. An Xfce session is installed too, whose locker localproof
does not read."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktop import dconf_system_db, gnome_settings, session
from tests.builders.ollama import write_repl_history

SITE_DEFAULTS = """# screen lock policy for every user
[org/gnome/desktop/session]
idle-delay=uint32 900

[org/gnome/desktop/screensaver]
lock-enabled=true
"""


def build(host: HostBuilder) -> None:
    session(host, "GNOME")
    session(host, "XFCE")
    ana = host.user("ana", 1000, home_mode=0o700)
    for number, name in enumerate(("bo", "cy", "dee", "eli"), start=1001):
        host.user(name, number, home_mode=0o700)
    host.user("backup", 34, home="/var/backups", shell="/usr/sbin/nologin")
    write_repl_history(ana / ".ollama" / "history", ["summarise the lease"])
    gnome_settings(host, "/home/ana", "lock-never", uid=1000)
    gnome_settings(host, "/home/bo", "lock-off", uid=1001)
    host.file("/home/cy/.config/dconf/user", b"GVariant\x00\x00\x00\x00garbage", uid=1002)
    gnome_settings(host, "/home/eli", "lock-untyped", uid=1004)
    dconf_system_db(
        host,
        "site",
        {"00-screen-lock": SITE_DEFAULTS},
        locks={"screen-lock": "/org/gnome/desktop/screensaver/lock-enabled\n"},
    )
