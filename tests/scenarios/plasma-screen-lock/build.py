"""A KDE Plasma family computer with Ollama in gus's home. The
administrator's /etc/xdg/kscreenlockerrc makes `LockOnResume` immutable; eve switched the
automatic lock off (the "Never" choice writes `Autolock=false` and `Timeout=0`); fay
chose "Never require password"; gus picked 10 minutes and also tried to turn off locking
on resume, which the administrator's immutable key overrides; hal's file holds binary
garbage; ivy never opened the settings (Plasma's defaults lock after 5 minutes)."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktop import daemon_settings, kde_settings, session
from tests.builders.ollama import write_repl_history


def build(host: HostBuilder) -> None:
    session(host, "KDE")
    host.file("/etc/xdg/kscreenlockerrc", "[Daemon]\nLockOnResume[$i]=true\n")
    host.user("eve", 1000, home_mode=0o700)
    host.user("fay", 1001, home_mode=0o700)
    gus = host.user("gus", 1002, home_mode=0o700)
    host.user("hal", 1003, home_mode=0o700)
    host.user("ivy", 1004, home_mode=0o700)
    write_repl_history(gus / ".ollama" / "history", ["plan the allotment"])
    kde_settings(host, "/home/eve", daemon_settings(Autolock="false", Timeout="0"), uid=1000)
    kde_settings(host, "/home/fay", daemon_settings(RequirePassword="false"), uid=1001)
    gus_settings = (
        "# written by System Settings\n"
        + daemon_settings(Timeout="10", LockOnResume="false")
        + "\n[Greeter]\nWallpaperPlugin=org.kde.image\n"
    )
    kde_settings(host, "/home/gus", gus_settings, uid=1002)
    kde_settings(host, "/home/hal", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", uid=1003)
