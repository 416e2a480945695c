"""Desktop sessions, screen-lock settings and Linux audit rules in their real formats.

- Session files as the desktops install them: GNOME/gnome-session data/gnome.desktop.in.in
  (`wayland-sessions/gnome.desktop`, `DesktopNames=GNOME`), KDE/plasma-workspace
  login-sessions/plasmawayland.desktop.cmake (`wayland-sessions/plasma.desktop`,
  `DesktopNames=KDE`), xfce-mirror/xfce4-session xfce.desktop.in (`DesktopNames=XFCE`),
  mate-desktop/mate-session-manager data/mate.desktop.in (`DesktopNames=MATE`) and
  linuxmint/cinnamon data/xsessions/cinnamon.desktop.in (no `DesktopNames=`).
- Cinnamon's and MATE's settings live in the same dconf database as GNOME's.
- xfce4-screensaver: its autostart file (xfce-mirror/xfce4-screensaver
  src/xfce4-screensaver.desktop.in, installed in /etc/xdg/autostart) and its xfconf channel
  files, copied from tests/data/xfconf (written by the real xfconf, see its README) or, for
  system files, written in xfconf's per-channel XML format
  (xfce-mirror/xfconf docs/spec/perchannel-xml.txt).
- GNOME's settings: the user's dconf database is copied from tests/data/dconf (written by
  the real dconf, see its README); system databases are keyfiles under
  `/etc/dconf/db/<name>.d/` with locks under `locks/`, named in `/etc/dconf/profile/user`
  (GNOME/dconf docs/dconf-overview.xml, "Profiles", "Key Files", "Locks").
- Plasma's `kscreenlockerrc`: KConfig INI text, group `[Daemon]` with the keys of
  KDE/kscreenlocker settings/kscreenlockersettings.kcfg.
- Audit rules: `/etc/audit` and `rules.d` are 0750 and rule files 0640 as the audit
  packages install them (augenrules writes audit.rules under umask 0137:
  linux-audit/audit-userspace init.d/augenrules.in); `auditd.service` is enabled into
  `multi-user.target.wants` (init.d/auditd.service.in, `WantedBy=multi-user.target`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.builders.desktopbackup import dconf_database
from tests.builders.host import HostBuilder

XFCONF_DATA = Path(__file__).resolve().parent.parent / "data" / "xfconf"
XFCONF_CHANNEL = "xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml"

SESSIONS = {
    "GNOME": (
        "gnome",
        "Name=GNOME\nComment=This session logs you into GNOME\nExec=/usr/bin/gnome-session\n"
        "TryExec=/usr/bin/gnome-session\nType=Application\nDesktopNames=GNOME\n"
        "X-GDM-SessionRegisters=true\nX-GDM-CanRunHeadless=true\n",
    ),
    "KDE": (
        "plasma",
        "Exec=/usr/lib/x86_64-linux-gnu/libexec/plasma-dbus-run-session-if-needed "
        "/usr/bin/startplasma-wayland\nTryExec=/usr/bin/startplasma-wayland\n"
        "DesktopNames=KDE\nName=Plasma (Wayland)\nComment=Plasma by KDE\n"
        "X-KDE-PluginInfo-Version=6.4.5\n",
    ),
    "XFCE": (
        "xfce",
        "Version=1.0\nName=Xfce Session\nComment=Use this session to run Xfce as your "
        "desktop environment\nExec=startxfce4\nIcon=\nType=Application\nDesktopNames=XFCE\n",
    ),
    "MATE": (
        "mate",
        "Name=MATE\nComment=This session logs you into MATE\nExec=mate-session\n"
        "TryExec=mate-session\nIcon=\nType=Application\nDesktopNames=MATE\n",
    ),
    "Cinnamon": (
        "cinnamon",
        "Name=Cinnamon\nComment=This session logs you into Cinnamon\n"
        "Exec=cinnamon-session-cinnamon\nTryExec=/usr/bin/cinnamon\nIcon=\nType=XSession\n",
    ),
}
X11_ONLY = ("XFCE", "MATE", "Cinnamon")


def session(host: HostBuilder, desktop: str) -> Path:
    """The session file a desktop installs (Xfce's, MATE's and Cinnamon's in xsessions,
    the others in wayland-sessions)."""
    name, body = SESSIONS[desktop]
    folder = "xsessions" if desktop in X11_ONLY else "wayland-sessions"
    return host.file(f"/usr/share/{folder}/{name}.desktop", f"[Desktop Entry]\n{body}")


def gnome_settings(host: HostBuilder, home: str, fixture: str, *, uid: int) -> Path:
    """The user's dconf database, copied from tests/data/dconf/<fixture>.dconf."""
    return dconf_database(host, home, fixture, uid=uid)


def dconf_system_db(
    host: HostBuilder,
    name: str,
    keyfiles: Mapping[str, str],
    *,
    locks: Mapping[str, str] | None = None,
    profile: bool = True,
) -> None:
    """A system database's keyfiles and locks, and a profile that names it after the
    user's database."""
    for file_name, text in keyfiles.items():
        host.file(f"/etc/dconf/db/{name}.d/{file_name}", text)
    for file_name, text in (locks or {}).items():
        host.file(f"/etc/dconf/db/{name}.d/locks/{file_name}", text)
    if profile:
        host.file("/etc/dconf/profile/user", f"user-db:user\nsystem-db:{name}\n")


def xfce4_screensaver(host: HostBuilder) -> Path:
    """xfce4-screensaver installed: its autostart file."""
    return host.file(
        "/etc/xdg/autostart/xfce4-screensaver.desktop",
        "[Desktop Entry]\nType=Application\nName=Xfce Screensaver\nExec=xfce4-screensaver\n"
        "OnlyShowIn=XFCE;\nNoDisplay=true\n",
    )


def xfce_settings(host: HostBuilder, home: str, fixture: str | bytes, *, uid: int) -> Path:
    """The user's xfce4-screensaver channel: tests/data/xfconf/<fixture>.xml, or bytes."""
    folder = f"{home}/.config"
    for part in ("", "/xfce4", "/xfce4/xfconf", "/xfce4/xfconf/xfce-perchannel-xml"):
        host.directory(folder + part, mode=0o700, uid=uid, gid=uid)
    data = (XFCONF_DATA / f"{fixture}.xml").read_bytes() if isinstance(fixture, str) else fixture
    return host.file(f"{folder}/{XFCONF_CHANNEL}", data, mode=0o644, uid=uid, gid=uid)


def xfce_system_settings(host: HostBuilder, properties: str) -> Path:
    """/etc/xdg's xfce4-screensaver channel with the given `<property>` elements."""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n\n'
        f'<channel name="xfce4-screensaver" version="1.0">\n{properties}</channel>\n'
    )
    return host.file(f"/etc/xdg/{XFCONF_CHANNEL}", text)


def kde_settings(host: HostBuilder, home: str, text: str | bytes, *, uid: int) -> Path:
    """`~/.config/kscreenlockerrc` with the given text."""
    host.directory(f"{home}/.config", mode=0o700, uid=uid, gid=uid)
    return host.file(f"{home}/.config/kscreenlockerrc", text, mode=0o600, uid=uid, gid=uid)


def daemon_settings(**keys: str) -> str:
    """A `[Daemon]` group as KConfig writes it (`Key=value` lines)."""
    return "[Daemon]\n" + "".join(f"{key}={value}\n" for key, value in keys.items())


def audit_rules(
    host: HostBuilder,
    rules_d: Mapping[str, str | bytes],
    *,
    audit_rules_file: str | None = None,
    daemon: bool = True,
    pid: int = 611,
) -> None:
    """/etc/audit with rule files; with `daemon`, auditd enabled and running."""
    host.directory("/etc/audit", mode=0o750)
    host.directory("/etc/audit/rules.d", mode=0o750)
    for name, text in rules_d.items():
        host.file(f"/etc/audit/rules.d/{name}", text, mode=0o640)
    if audit_rules_file is not None:
        host.file("/etc/audit/audit.rules", audit_rules_file, mode=0o640)
    if daemon:
        unit = "/usr/lib/systemd/system/auditd.service"
        host.file(unit, "[Unit]\nDescription=Security Audit Logging Service\n"
                  "[Service]\nType=forking\nExecStart=/usr/sbin/auditd\n"
                  "[Install]\nWantedBy=multi-user.target\n")  # fmt: skip
        host.symlink("/etc/systemd/system/multi-user.target.wants/auditd.service", unit)
        host.process(pid, ["/usr/sbin/auditd"], comm="auditd")
