"""Screen lock settings of GNOME and KDE Plasma for each person with a home, and the
graphical sessions the host offers.

Sources (no code taken from them):
- Session files: a display manager offers each `*.desktop` file in `/usr/share/xsessions`
  and `/usr/share/wayland-sessions`; `DesktopNames=` names the desktop (GNOME/gnome-session
  data/gnome.desktop.in.in at commit 5b4be980: `DesktopNames=GNOME`; KDE/plasma-workspace
  login-sessions/plasmawayland.desktop.cmake at commit 0eb6cbac, installed as
  `wayland-sessions/plasma.desktop`: `DesktopNames=KDE`). Ubuntu writes `ubuntu:GNOME`,
  GNOME Flashback `GNOME-Flashback;GNOME;`: any name `GNOME` counts as GNOME.
- GNOME: GNOME/gsettings-desktop-schemas at commit e6d53d5c,
  schemas/org.gnome.desktop.session.gschema.xml.in: `idle-delay` (`u`, default 300,
  seconds of inactivity before the session is idle; 0 never); schemas/
  org.gnome.desktop.screensaver.gschema.xml.in: `lock-enabled` (`b`, default true) and
  `lock-delay` (`u`, default 0, seconds after the screen blanks); schemas/
  org.gnome.desktop.lockdown.gschema.xml.in: `disable-lock-screen` (`b`, default false).
  GNOME/glib gio/gsettingsbackend.c g_settings_backend_read and gio/gsettings.c
  g_settings_get_value (commit c2237ff1): a stored value of another type is dropped and
  the schema default used. Values come from dconf (`collect/dconfdb.py`).
- KDE Plasma: KDE/kscreenlocker at commit f0cb096f, settings/kscreenlockersettings.kcfg:
  file `kscreenlockerrc`, group `[Daemon]`: `Autolock` (Bool, true), `Timeout` (Double,
  5, minutes), `Lock` (Bool, true), `LockGrace` (Int, 5, seconds), `RequirePassword`
  (Bool, true; Plasma 6.1 and later), `LockOnResume` (Bool, true). KDE/kconfig
  src/core/kconfiggroup.cpp (commit c21442bc): a Bool is false only for `false`, `no`,
  `off` or `0` (any case); a number that does not convert leaves the default. Files are
  cascaded from `/etc/xdg/kscreenlockerrc` (`collect/kconfigfile.py`).
Not read: GSettings vendor overrides under /usr/share/glib-2.0/schemas, other desktops'
lockers (XFCE, Cinnamon, MATE, window managers: reported by name, not judged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from localproof.collect.dconfdb import DconfError, Found, read_keys
from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.collect.kconfigfile import Entry, KConfigError, read_group
from localproof.facts import FileKind, User
from localproof.facts.screenlock import Desktops, LockSetting, ScreenLock

SESSION_DIRS = ("/usr/share/xsessions", "/usr/share/wayland-sessions",
                "/usr/local/share/xsessions", "/usr/local/share/wayland-sessions")  # fmt: skip
MAX_SESSIONS = 100
FIRST_HUMAN_UID = 1000  # login.defs UID_MIN on Debian, Ubuntu, Fedora, Arch
NOBODY_UID = 65534
NO_LOGIN_SHELLS = ("nologin", "false")
DCONF_USER = ".config/dconf/user"
KDE_USER = ".config/kscreenlockerrc"
KDE_SYSTEM = "/etc/xdg/kscreenlockerrc"
NEGATIVES = ("false", "no", "off", "0")
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class GnomeKey:
    schema: str
    key: str
    type_string: str
    default: bool | int

    @property
    def path(self) -> str:
        return "/" + self.schema.replace(".", "/") + "/" + self.key

    @property
    def name(self) -> str:
        return f"{self.schema} {self.key}"


GNOME_KEYS = (
    GnomeKey("org.gnome.desktop.session", "idle-delay", "u", 300),
    GnomeKey("org.gnome.desktop.screensaver", "lock-enabled", "b", True),
    GnomeKey("org.gnome.desktop.screensaver", "lock-delay", "u", 0),
    GnomeKey("org.gnome.desktop.lockdown", "disable-lock-screen", "b", False),
)
KDE_KEYS: dict[str, bool | float] = {
    "Autolock": True, "Timeout": 5.0, "Lock": True, "LockGrace": 5.0,
    "RequirePassword": True, "LockOnResume": True,
}  # fmt: skip
KDE_INTEGERS = ("LockGrace",)


def read_desktops(
    root: AuditRoot, users: tuple[User, ...], homes: list[tuple[str, str]]
) -> Desktops:
    sessions, files, error = _sessions(root)
    locks: list[ScreenLock] = []
    for user, home in _people(root, users, homes):
        gnome = _gnome(root, user, home)
        configured = any(s.origin != "default" for s in gnome.settings)
        damaged = gnome.error is not None and root.stat(f"{home}/{DCONF_USER}").exists
        if "GNOME" in sessions or configured or damaged:
            locks.append(gnome)
        if "KDE" in sessions or root.stat(f"{home}/{KDE_USER}").exists:
            locks.append(_kde(root, user, home))
    return Desktops(sessions, files, tuple(locks), error)


def _sessions(root: AuditRoot) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    names: set[str] = set()
    files: list[str] = []
    for folder in SESSION_DIRS:
        try:
            entries = root.listdir(folder)
        except FileNotFoundError:
            continue
        except OSError as error:
            return (), (), f"{folder}: {describe_error(error)}"
        for entry in entries[:MAX_SESSIONS]:
            if entry.endswith(".desktop"):
                files.append(f"{folder}/{entry}")
                names.add(_desktop_name(root, f"{folder}/{entry}", entry[: -len(".desktop")]))
    return tuple(sorted(names)), tuple(files), None


def _desktop_name(root: AuditRoot, path: str, stem: str) -> str:
    """GNOME, KDE, or the first name in `DesktopNames=` (the file name without one)."""
    try:
        text = root.read_text(path, 1 << 16)
    except OSError:
        return stem
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "DesktopNames":
            listed = [n for n in re.split(r"[;:]", value.strip()) if n]
            known = [n for n in listed if n in ("GNOME", "KDE")]
            return (known or listed or [stem])[0]
    return stem


def _people(
    root: AuditRoot, users: tuple[User, ...], homes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(user, home) of people who can log in and have a home folder: accounts from uid
    1000 with a login shell, and home folders no passwd entry names (another machine's
    disk)."""
    accounts = {user.name: user for user in users}
    people = []
    for name, home in homes:
        account = accounts.get(name)
        if account is not None and not _can_log_in(account):
            continue
        if root.stat(home).kind is FileKind.DIRECTORY:
            people.append((name, home))
    return people


def _can_log_in(user: User) -> bool:
    shell = user.shell.rsplit("/", 1)[-1]
    human = user.uid >= FIRST_HUMAN_UID and user.uid != NOBODY_UID
    return human and shell not in NO_LOGIN_SHELLS


def _gnome(root: AuditRoot, user: str, home: str) -> ScreenLock:
    config = f"{home}/{DCONF_USER}"
    try:
        found = read_keys(root, home, [key.path for key in GNOME_KEYS])
    except DconfError as error:
        return ScreenLock("gnome", user, config, error=str(error))
    settings = tuple(_gnome_setting(key, found.get(key.path)) for key in GNOME_KEYS)
    return ScreenLock("gnome", user, config, settings)


def _gnome_setting(key: GnomeKey, found: Found | None) -> LockSetting:
    if found is None:
        return LockSetting(key.name, key.default)
    if found.type_string != key.type_string or isinstance(found.value, str | tuple):
        note = (
            f"{key.name}: a value of type {found.type_string} where the schema declares "
            f"{key.type_string}; GNOME ignores it and uses the default"
        )
        return LockSetting(key.name, key.default, source=found.source, note=note)
    origin = "enforced" if found.locked else "system" if found.system else "user"
    value = found.value if isinstance(found.value, bool | int | float) else key.default
    return LockSetting(key.name, value, origin, found.source)


def _kde(root: AuditRoot, user: str, home: str) -> ScreenLock:
    config = f"{home}/{KDE_USER}"
    try:
        entries = read_group(root, (KDE_SYSTEM, config), "Daemon")
    except KConfigError as error:
        return ScreenLock("kde", user, config, error=str(error))
    settings = tuple(
        _kde_setting(key, default, entries.get(key), config) for key, default in KDE_KEYS.items()
    )
    return ScreenLock("kde", user, config, settings)


def _kde_setting(key: str, default: bool | float, entry: Entry | None, config: str) -> LockSetting:
    name = f"[Daemon] {key}"
    if entry is None:
        return LockSetting(name, default)
    origin = "user" if entry.source == config else "enforced" if entry.immutable else "system"
    value = _kde_value(entry.value, default, key in KDE_INTEGERS)
    if value is None:
        note = f"{name}: not a number; KDE Plasma uses the default"
        return LockSetting(name, default, source=entry.source, note=note)
    return LockSetting(name, value, origin, entry.source)


def _kde_value(text: str, default: bool | float, integer: bool) -> bool | float | None:
    if not text:
        return default  # KConfig reads an empty value as unset
    if isinstance(default, bool):
        return text.lower() not in NEGATIVES
    pattern = INTEGER if integer else NUMBER
    return float(text) if pattern.fullmatch(text) else None
