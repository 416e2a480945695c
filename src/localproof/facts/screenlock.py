"""Facts about how each person's desktop locks the screen, read by
`localproof.collect.screenlock` from the desktops' own settings (GNOME's, Cinnamon's and
MATE's GSettings keys in dconf, Plasma's `kscreenlockerrc`, xfce4-screensaver's xfconf
channel) and the session files a display manager offers.

Values are booleans and numbers only, each with where it came from: the schema's default,
the person's own settings, or a system-wide default or enforced value set by an
administrator. Nothing read here is text that a person typed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LockSetting:
    """One setting that decides when the screen locks, with the value in effect.

    `name` is the desktop's own: `org.gnome.desktop.session idle-delay` (a GSettings
    schema and key), `[Daemon] Timeout` (a group and key of `kscreenlockerrc`) or
    `/lock/enabled` (an xfconf property). Numbers are in the desktop's unit (seconds for
    GNOME and Cinnamon, minutes for MATE, Xfce and Plasma's `Timeout`).
    `origin` is `default`, `user`, `system` (a default an administrator set) or `enforced`
    (an administrator's value the person cannot change); `source` is the file that set it.
    `note` says why a value found in a file does not count (a wrong type, not a number).
    """

    name: str
    value: bool | float
    origin: str = "default"
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class ScreenLock:
    """One person's screen-lock settings for one desktop; defaults fill what is unset.

    `config` is the person's settings file, whether or not it exists; `error` says why the
    settings could not be read (a damaged database, an unreadable file), and then
    `settings` is empty.
    """

    desktop: str  # gnome | kde | cinnamon | mate | xfce
    user: str
    config: str
    settings: tuple[LockSetting, ...] = ()
    error: str | None = None
    unread: tuple[tuple[str, str], ...] = ()

    def setting(self, name: str) -> LockSetting | None:
        return next((item for item in self.settings if item.name == name), None)


@dataclass(frozen=True)
class Desktops:
    """The graphical sessions this host offers and each person's screen-lock settings.

    `sessions` are the desktop names of the session files under `/usr/share/xsessions`
    and `/usr/share/wayland-sessions` (`DesktopNames=`, e.g. `GNOME`, `KDE`, `XFCE`);
    `error` says why those folders could not be listed. `unread` pairs a session name
    with the reason its lock settings are not read (Xfce without xfce4-screensaver).
    """

    sessions: tuple[str, ...] = ()
    session_files: tuple[str, ...] = ()
    locks: tuple[ScreenLock, ...] = ()
    error: str | None = None
    unread: tuple[tuple[str, str], ...] = ()
