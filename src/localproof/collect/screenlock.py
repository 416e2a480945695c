"""Screen lock settings of GNOME, KDE Plasma, Cinnamon, MATE and Xfce for each person with a
home, and the graphical sessions the host offers.

Sources (no code taken from them):
- Session files: a display manager offers each `*.desktop` file in `/usr/share/xsessions`
  and `/usr/share/wayland-sessions`; `DesktopNames=` names the desktop (GNOME/gnome-session
  data/gnome.desktop.in.in at commit 5b4be980: `DesktopNames=GNOME`; KDE/plasma-workspace
  login-sessions/plasmawayland.desktop.cmake at commit 0eb6cbac, installed as
  `wayland-sessions/plasma.desktop`: `DesktopNames=KDE`; mate-desktop/mate-session-manager
  data/mate.desktop.in at commit 6ece3ce4: `DesktopNames=MATE`; xfce-mirror/xfce4-session
  xfce.desktop.in at commit 65dd63e8: `DesktopNames=XFCE`). Ubuntu writes `ubuntu:GNOME`,
  GNOME Flashback `GNOME-Flashback;GNOME;`: any name `GNOME` counts as GNOME. Cinnamon's
  files have no `DesktopNames=` (linuxmint/cinnamon data/xsessions/cinnamon.desktop.in and
  data/wayland_sessions/cinnamon-wayland.desktop.in at commit d29b0006); its session
  manager names the desktop `X-Cinnamon` (linuxmint/cinnamon-session cinnamon.session.in
  at commit d10f4249), so the files `cinnamon`, `cinnamon2d` and `cinnamon-wayland` count
  as `X-Cinnamon`.
- GNOME: GNOME/gsettings-desktop-schemas at commit e6d53d5c,
  schemas/org.gnome.desktop.session.gschema.xml.in: `idle-delay` (`u`, default 300,
  seconds of inactivity before the session is idle; 0 never); schemas/
  org.gnome.desktop.screensaver.gschema.xml.in: `lock-enabled` (`b`, default true) and
  `lock-delay` (`u`, default 0, seconds after the screen blanks); schemas/
  org.gnome.desktop.lockdown.gschema.xml.in: `disable-lock-screen` (`b`, default false).
  GNOME/glib gio/gsettingsbackend.c g_settings_backend_read and gio/gsettings.c
  g_settings_get_value (commit c2237ff1): a stored value of another type is dropped and
  the schema default used. Values come from dconf (`collect/dconfdb.py`).
- Cinnamon: linuxmint/cinnamon-desktop at commit 8336b75f, schemas/
  org.cinnamon.desktop.session.gschema.xml.in: `idle-delay` (`u`, default 900 seconds);
  schemas/org.cinnamon.desktop.screensaver.gschema.xml.in: `lock-enabled` (`b`, true),
  `lock-delay` (`u`, 0 seconds after the screensaver starts). Also in dconf.
- MATE: mate-desktop/mate-session-manager at commit 6ece3ce4, data/
  org.mate.session.gschema.xml.in: `idle-delay` (`i`, default 5, minutes);
  mate-desktop/mate-screensaver at commit 60c1b431, data/
  org.mate.screensaver.gschema.xml.in: `idle-activation-enabled` (`b`, true),
  `lock-enabled` (`b`, true), `lock-delay` (`i`, 0, minutes after the screensaver
  starts); mate-desktop/mate-desktop at commit 44abf81c, schemas/
  org.mate.lockdown.gschema.xml: `disable-lock-screen` (`b`, false). Also in dconf.
- Xfce: xfce-mirror/xfce4-screensaver at commit adf46b88, src/gs-prefs.h and
  src/gs-prefs.c gs_prefs_load_from_settings: channel `xfce4-screensaver` read with
  xfconf_channel_get_bool/get_int: `/saver/enabled`, `/saver/idle-activation/enabled`,
  `/lock/enabled`, `/lock/saver-activation/enabled`, `/lock/sleep-activation` (bool, all
  true), `/saver/idle-activation/delay` (int, 5 minutes), `/lock/saver-activation/delay`
  (int, 0 minutes). src/meson.build installs `/etc/xdg/autostart/xfce4-screensaver.desktop`,
  which starts it in Xfce sessions; without it the Xfce locker is not known (light-locker,
  for one, keeps its settings elsewhere) and Xfce sessions are reported by name. Values
  come from the xfconf channel files (`collect/xfconfxml.py`).
- KDE Plasma: KDE/kscreenlocker at commit f0cb096f, settings/kscreenlockersettings.kcfg:
  file `kscreenlockerrc`, group `[Daemon]`: `Autolock` (Bool, true), `Timeout` (Double,
  5, minutes), `Lock` (Bool, true), `LockGrace` (Int, 5, seconds), `RequirePassword`
  (Bool, true; Plasma 6.1 and later), `LockOnResume` (Bool, true). KDE/kconfig
  src/core/kconfiggroup.cpp (commit c21442bc): a Bool is false only for `false`, `no`,
  `off` or `0` (any case); a number that does not convert leaves the default. Files are
  cascaded from `/etc/xdg/kscreenlockerrc` (`collect/kconfigfile.py`).
Not read: GSettings vendor overrides under /usr/share/glib-2.0/schemas (distributions such
as Linux Mint may change defaults there), an `XDG_CONFIG_DIRS` other than `/etc/xdg` for
xfconf, light-locker's settings, and other lockers (window managers: reported by name,
not judged).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from localproof.collect.dconfdb import DconfError, Found, read_keys
from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.collect.kconfigfile import Entry, KConfigError, read_group
from localproof.collect.xfconfxml import Property, XfconfError, read_channel
from localproof.facts import FileKind, Group, User
from localproof.facts.screenlock import Desktops, LockSetting, ScreenLock

SESSION_DIRS = ("/usr/share/xsessions", "/usr/share/wayland-sessions",
                "/usr/local/share/xsessions", "/usr/local/share/wayland-sessions")  # fmt: skip
MAX_SESSIONS = 100
KNOWN_DESKTOPS = ("GNOME", "KDE", "X-Cinnamon", "MATE", "XFCE")
CINNAMON_FILES = ("cinnamon", "cinnamon2d", "cinnamon-wayland")
FIRST_HUMAN_UID = 1000  # login.defs UID_MIN on Debian, Ubuntu, Fedora, Arch
NOBODY_UID = 65534
NO_LOGIN_SHELLS = ("nologin", "false")
DCONF_USER = ".config/dconf/user"
KDE_USER = ".config/kscreenlockerrc"
KDE_SYSTEM = "/etc/xdg/kscreenlockerrc"
XFCONF_FILE = "xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml"
XFCE_USER = f".config/{XFCONF_FILE}"
XFCE_SYSTEM = f"/etc/xdg/{XFCONF_FILE}"
XFCE_AUTOSTART = "/etc/xdg/autostart/xfce4-screensaver.desktop"
LIGHT_LOCKER = "/usr/bin/light-locker"
NEGATIVES = ("false", "no", "off", "0")
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class SchemaKey:
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
    SchemaKey("org.gnome.desktop.session", "idle-delay", "u", 300),
    SchemaKey("org.gnome.desktop.screensaver", "lock-enabled", "b", True),
    SchemaKey("org.gnome.desktop.screensaver", "lock-delay", "u", 0),
    SchemaKey("org.gnome.desktop.lockdown", "disable-lock-screen", "b", False),
)
CINNAMON_KEYS = (
    SchemaKey("org.cinnamon.desktop.session", "idle-delay", "u", 900),
    SchemaKey("org.cinnamon.desktop.screensaver", "lock-enabled", "b", True),
    SchemaKey("org.cinnamon.desktop.screensaver", "lock-delay", "u", 0),
)
MATE_KEYS = (
    SchemaKey("org.mate.session", "idle-delay", "i", 5),
    SchemaKey("org.mate.screensaver", "idle-activation-enabled", "b", True),
    SchemaKey("org.mate.screensaver", "lock-enabled", "b", True),
    SchemaKey("org.mate.screensaver", "lock-delay", "i", 0),
    SchemaKey("org.mate.lockdown", "disable-lock-screen", "b", False),
)
# desktop -> (its session name, its own name, its GSettings keys in dconf)
DCONF_DESKTOPS = {
    "gnome": ("GNOME", "GNOME", GNOME_KEYS),
    "cinnamon": ("X-Cinnamon", "Cinnamon", CINNAMON_KEYS),
    "mate": ("MATE", "MATE", MATE_KEYS),
}
XFCE_KEYS: dict[str, bool | int] = {
    "/saver/enabled": True, "/saver/idle-activation/enabled": True,
    "/saver/idle-activation/delay": 5, "/lock/enabled": True,
    "/lock/saver-activation/enabled": True, "/lock/saver-activation/delay": 0,
    "/lock/sleep-activation": True,
}  # fmt: skip
KDE_KEYS: dict[str, bool | float] = {
    "Autolock": True, "Timeout": 5.0, "Lock": True, "LockGrace": 5.0,
    "RequirePassword": True, "LockOnResume": True,
}  # fmt: skip
KDE_INTEGERS = ("LockGrace",)


def read_desktops(
    root: AuditRoot,
    users: tuple[User, ...],
    homes: list[tuple[str, str]],
    groups: Sequence[Group] = (),
) -> Desktops:
    sessions, files, error = _sessions(root)
    xfce_reason = _xfce_unread(root) if "XFCE" in sessions else None
    locks: list[ScreenLock] = []
    for user, home in _people(root, users, homes):
        locks += _dconf_locks(root, user, home, sessions)
        if "KDE" in sessions or root.stat(f"{home}/{KDE_USER}").exists:
            locks.append(_kde(root, user, home))
        xfce_file = root.stat(f"{home}/{XFCE_USER}").exists
        if xfce_reason is None and ("XFCE" in sessions or xfce_file):
            locks.append(_xfce(root, user, home, groups))
    unread = (("XFCE", xfce_reason),) if xfce_reason else ()
    return Desktops(sessions, files, tuple(locks), error, unread)


def _xfce_unread(root: AuditRoot) -> str | None:
    """Why Xfce's lock settings are not read here, or None when xfce4-screensaver is
    installed to start in Xfce sessions."""
    if root.stat(XFCE_AUTOSTART).exists:
        return None
    if root.stat(LIGHT_LOCKER).exists:
        return (
            "xfce4-screensaver is not installed and light-locker is: localproof does not "
            "read light-locker's settings"
        )
    return (
        f"xfce4-screensaver is not installed ({XFCE_AUTOSTART} is missing): localproof "
        "cannot tell which program, if any, locks Xfce sessions"
    )


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
    """A desktop localproof knows, or the first name in `DesktopNames=` (without one,
    `X-Cinnamon` for Cinnamon's files, else the file name)."""
    try:
        text = root.read_text(path, 1 << 16)
    except OSError:
        return stem
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "DesktopNames":
            listed = [n for n in re.split(r"[;:]", value.strip()) if n]
            known = [n for n in listed if n in KNOWN_DESKTOPS]
            return (known or listed or [stem])[0]
    return "X-Cinnamon" if stem in CINNAMON_FILES else stem


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


def _dconf_locks(
    root: AuditRoot, user: str, home: str, sessions: tuple[str, ...]
) -> list[ScreenLock]:
    """GNOME's, Cinnamon's and MATE's settings, for each desktop the host offers or the
    person has changed a setting of (one dconf database holds all three)."""
    config = f"{home}/{DCONF_USER}"
    offered = [desktop for desktop, (name, _, _) in DCONF_DESKTOPS.items() if name in sessions]
    every_key = [key.path for _, _, keys in DCONF_DESKTOPS.values() for key in keys]
    try:
        found = read_keys(root, home, every_key)
    except DconfError as error:
        if not offered and not root.stat(config).exists:
            return []
        return [ScreenLock(d, user, config, error=str(error)) for d in offered or ["gnome"]]
    locks = []
    for desktop, (_, shown, keys) in DCONF_DESKTOPS.items():
        settings = tuple(_schema_setting(key, found.get(key.path), shown) for key in keys)
        if desktop in offered or any(s.origin != "default" for s in settings):
            locks.append(ScreenLock(desktop, user, config, settings))
    return locks


def _schema_setting(key: SchemaKey, found: Found | None, desktop: str) -> LockSetting:
    if found is None:
        return LockSetting(key.name, key.default)
    if found.type_string != key.type_string or isinstance(found.value, str | tuple):
        note = (
            f"{key.name}: a value of type {found.type_string} where the schema declares "
            f"{key.type_string}; {desktop} ignores it and uses the default"
        )
        return LockSetting(key.name, key.default, source=found.source, note=note)
    origin = "enforced" if found.locked else "system" if found.system else "user"
    value = found.value if isinstance(found.value, bool | int | float) else key.default
    return LockSetting(key.name, value, origin, found.source)


def _xfce(root: AuditRoot, user: str, home: str, groups: Sequence[Group]) -> ScreenLock:
    config = f"{home}/{XFCE_USER}"
    try:
        found = read_channel(root, (XFCE_SYSTEM,), config, user, groups)
    except XfconfError as error:
        return ScreenLock("xfce", user, config, error=str(error))
    settings = tuple(
        _xfce_setting(name, default, found.get(name)) for name, default in XFCE_KEYS.items()
    )
    return ScreenLock("xfce", user, config, settings)


def _xfce_setting(name: str, default: bool | int, found: Property | None) -> LockSetting:
    if found is None:
        return LockSetting(name, default)
    wanted = "bool" if isinstance(default, bool) else "int"
    if found.type_name != wanted or isinstance(found.value, str):
        note = (
            f"{name}: a value of type {found.type_name} where xfce4-screensaver reads "
            f"{wanted}; it ignores it and uses the default"
        )
        return LockSetting(name, default, source=found.source, note=note)
    origin = "enforced" if found.locked else "system" if found.system else "user"
    return LockSetting(name, found.value, origin, found.source)


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
