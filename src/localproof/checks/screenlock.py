"""Screen lock: whether each person's desktop locks itself when left alone or put to sleep.

Filed under `shared-host`: the people it keeps out are the others at this machine (a
colleague, a visitor, whoever picks up the laptop) while the disk is unlocked.

What the settings mean (the keys and defaults are cited in `collect/screenlock.py`):
- GNOME/gnome-shell js/ui/screenShield.js (commit 8f782086): when the session turns idle
  after `idle-delay` seconds the screen fades and, if `lock-enabled`, locks `lock-delay`
  seconds later (after the fade animation at the least); on suspend it locks if
  `lock-enabled`; `disable-lock-screen` stops every lock.
- KDE/kscreenlocker ksldapp.cpp (commit f0cb096f): an idle timeout is set only when
  `Autolock` is on and `Timeout` is above 0 (minutes); the locker asks for the password
  `LockGrace` seconds later, and never when `RequirePassword` or `Lock` is off
  (`--nolock`); `LockOnResume` locks when the machine sleeps.
- Cinnamon: linuxmint/cinnamon-session cinnamon-session/csm-manager.c and csm-presence.c
  (commit d10f4249) turn the session idle after `idle-delay` seconds, never when it is 0;
  linuxmint/cinnamon-screensaver src/manager.py on_session_idle_changed and
  start_lock_delay (commit 04825329) then start the screensaver and lock `lock-delay`
  seconds later only if `lock-enabled` (its `idle-activation-enabled` is not read there).
- MATE: mate-desktop/mate-session-manager mate-session/gsm-manager.c and gsm-presence.c
  (commit 6ece3ce4) turn the session idle after `idle-delay` minutes, never when it is 0
  or less; mate-desktop/mate-screensaver src/gs-prefs.c, gs-monitor.c and
  gs-listener-dbus.c (commit 60c1b431) start the screensaver then if
  `idle-activation-enabled`, lock it if `lock-enabled` and not `disable-lock-screen`,
  `lock-delay` minutes later (0 to 480).
- Xfce: xfce-mirror/xfce4-screensaver src/gs-prefs.c, gs-listener.c, gs-manager.c,
  gs-monitor.c and gs-listener-dbus.c (commit adf46b88): the saver starts after
  `/saver/idle-activation/delay` minutes (below 1 counts as 10, above 480 as 480) when
  `/saver/enabled` and `/saver/idle-activation/enabled`; it locks
  `/lock/saver-activation/delay` minutes later when `/lock/enabled` and
  `/lock/saver-activation/enabled`; on sleep it locks when `/lock/enabled` and
  `/lock/sleep-activation`. So an idle delay of 0 is not "never" in Xfce.
"""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.facts.screenlock import LockSetting, ScreenLock
from localproof.model import Category, Evidence, Finding, Severity

NAMES = {"gnome": "GNOME", "kde": "KDE Plasma", "cinnamon": "Cinnamon", "mate": "MATE",
         "xfce": "Xfce"}  # fmt: skip
SUPPORTED = ("GNOME", "KDE", "X-Cinnamon", "MATE", "XFCE")
DCONF = ("gnome", "cinnamon", "mate")
# (setting, the value that keeps the lock working, the command that sets it)
GNOME_SAFE = (
    ("org.gnome.desktop.lockdown disable-lock-screen", False,
     "gsettings set org.gnome.desktop.lockdown disable-lock-screen false"),
    ("org.gnome.desktop.screensaver lock-enabled", True,
     "gsettings set org.gnome.desktop.screensaver lock-enabled true"),
    ("org.gnome.desktop.session idle-delay", None,
     "gsettings set org.gnome.desktop.session idle-delay 300"),
)  # fmt: skip
CINNAMON_SAFE = (
    ("org.cinnamon.desktop.screensaver lock-enabled", True,
     "gsettings set org.cinnamon.desktop.screensaver lock-enabled true"),
    ("org.cinnamon.desktop.session idle-delay", None,
     "gsettings set org.cinnamon.desktop.session idle-delay 900"),
)  # fmt: skip
MATE_SAFE = (
    ("org.mate.lockdown disable-lock-screen", False,
     "gsettings set org.mate.lockdown disable-lock-screen false"),
    ("org.mate.screensaver lock-enabled", True,
     "gsettings set org.mate.screensaver lock-enabled true"),
    ("org.mate.screensaver idle-activation-enabled", True,
     "gsettings set org.mate.screensaver idle-activation-enabled true"),
    ("org.mate.session idle-delay", None, "gsettings set org.mate.session idle-delay 5"),
)  # fmt: skip
XFCE_SAFE = tuple(
    (key, True, f"xfconf-query -c xfce4-screensaver -p {key} -n -t bool -s true")
    for key in ("/lock/enabled", "/saver/enabled", "/saver/idle-activation/enabled",
                "/lock/saver-activation/enabled", "/lock/sleep-activation")
)  # fmt: skip
KDE_WRITE = "kwriteconfig6 --file kscreenlockerrc --group Daemon --key {key} {value}"
KDE_SAFE = tuple(
    (f"[Daemon] {key}", safe, KDE_WRITE.format(key=key, value=value))
    for key, safe, value in (
        ("Autolock", True, "true"), ("Timeout", None, "5"), ("RequirePassword", True, "true"),
        ("Lock", True, "true"), ("LockOnResume", True, "true"),
    )
)  # fmt: skip
SAFE = {"gnome": GNOME_SAFE, "kde": KDE_SAFE, "cinnamon": CINNAMON_SAFE, "mate": MATE_SAFE,
        "xfce": XFCE_SAFE}  # fmt: skip
SETTINGS_APP = {
    "gnome": "Settings > Privacy > Screen Lock", "kde": "System Settings > Screen Locking",
    "cinnamon": "System Settings > Screensaver",
    "mate": "Screensaver preferences (`mate-screensaver-preferences`)",
    "xfce": "Xfce Screensaver preferences (`xfce4-screensaver-preferences`)",
}  # fmt: skip
SYSTEM_FIX = "an administrator sets it in {source}: change it there{after}"
MAX_SAVER_MINUTES = 480  # mate-screensaver and xfce4-screensaver clamp their delays to this


@check(
    id="shared-host.screen-lock",
    category=Category.SHARED_HOST,
    title="The screen locks itself when idle and when the machine sleeps",
    severity=Severity.MEDIUM,
    control="LCK-01",
    threats=("device-theft",),
    remediation="Turn on the automatic screen lock with a delay of a few minutes.",
)
def screen_lock(self: Check, context: Context) -> Iterator[Finding]:
    """Disk encryption protects conversations only while the machine is off or locked. A
    laptop left open in a café, an office or a train, or stolen while asleep, shows every
    chat window and lets anyone open the stores, unless the desktop locks itself after a
    few idle minutes and whenever the machine suspends. GNOME, KDE Plasma, Cinnamon, MATE
    and Xfce's xfce4-screensaver lock when idle by default; the setting is often switched
    off for convenience and then forgotten."""
    if not context.instances:
        return
    desktops = context.facts.desktops
    if desktops.error:
        yield self.unknown(None, "graphical sessions", f"cannot list them: {desktops.error}")
    if not desktops.sessions and not desktops.locks and not desktops.error:
        reason = (
            "no graphical desktop: no session files in /usr/share/xsessions or "
            "/usr/share/wayland-sessions and nobody has lock settings of a desktop it reads"
        )
        yield self.not_applicable(None, "screen lock", reason)
        return
    for name in desktops.sessions:
        if name not in SUPPORTED:
            reason = f"localproof does not read the screen lock settings of {name} sessions"
            yield self.unknown(None, f"{name} sessions", reason)
    for name, reason in desktops.unread:
        yield self.unknown(None, f"{name} sessions", reason)
    for lock in desktops.locks:
        yield _lock_finding(self, lock)


def _lock_finding(self: Check, lock: ScreenLock) -> Finding:
    desktop = NAMES[lock.desktop]
    # GNOME, Cinnamon and MATE share one dconf database: name the desktop beside it
    resource = lock.config if lock.desktop in ("gnome", "kde", "xfce") else (
        f"{lock.config} ({desktop})"
    )  # fmt: skip
    if lock.error:
        return self.unknown(None, resource, f"{desktop} lock settings: {lock.error}")
    broken = [
        (setting, command)
        for name, wanted, command in SAFE[lock.desktop]
        if (setting := lock.setting(name)) is not None and not _holds(setting, wanted)
    ]
    evidence = [
        Evidence(lock.config, f"{desktop}, user {lock.user}: {_summary(lock)}"),
        Evidence(lock.config, "; ".join(_shown(s) for s in lock.settings)),
    ]
    evidence += [Evidence(s.source, s.note) for s in lock.settings if s.note]
    if not broken:
        return self.passed(None, resource, *evidence)
    return self.failed(None, resource, *evidence, remediation=_fix(lock, broken))


def _summary(lock: ScreenLock) -> str:
    summaries = {"gnome": _gnome_summary, "kde": _kde_summary, "cinnamon": _cinnamon_summary,
                 "mate": _mate_summary, "xfce": _xfce_summary}  # fmt: skip
    return summaries[lock.desktop](lock)


def _holds(setting: LockSetting, wanted: bool | None) -> bool:
    if wanted is None:  # a delay: anything above zero locks eventually
        return setting.value > 0
    return setting.value is wanted


def _gnome_summary(lock: ScreenLock) -> str:
    if _value(lock, "org.gnome.desktop.lockdown disable-lock-screen"):
        return "never locks (the lock screen is disabled)"
    if not _value(lock, "org.gnome.desktop.screensaver lock-enabled"):
        return "blanks the screen but never locks it, not even on suspend"
    idle = _value(lock, "org.gnome.desktop.session idle-delay")
    if idle <= 0:
        return "never locks when left alone (the session never turns idle); locks on suspend"
    delay = _value(lock, "org.gnome.desktop.screensaver lock-delay")
    return f"locks after {_duration(idle + delay)} of inactivity and on suspend"


def _cinnamon_summary(lock: ScreenLock) -> str:
    if not _value(lock, "org.cinnamon.desktop.screensaver lock-enabled"):
        return "starts the screensaver when idle but never locks the screen then"
    idle = _value(lock, "org.cinnamon.desktop.session idle-delay")
    if idle <= 0:
        return "never locks when left alone (the session never turns idle)"
    delay = _value(lock, "org.cinnamon.desktop.screensaver lock-delay")
    return f"locks after {_duration(idle + delay)} of inactivity"


def _mate_summary(lock: ScreenLock) -> str:
    if _value(lock, "org.mate.lockdown disable-lock-screen"):
        return "never locks (the lock screen is disabled)"
    if not _value(lock, "org.mate.screensaver lock-enabled"):
        return "starts the screensaver when idle but never locks the screen then"
    if not _value(lock, "org.mate.screensaver idle-activation-enabled"):
        return "never locks when left alone (the screensaver does not start when idle)"
    idle = _value(lock, "org.mate.session idle-delay")
    if idle <= 0:
        return "never locks when left alone (the session never turns idle)"
    delay = min(max(_value(lock, "org.mate.screensaver lock-delay"), 0), MAX_SAVER_MINUTES)
    return f"locks after {_duration((idle + delay) * 60)} of inactivity"


def _xfce_summary(lock: ScreenLock) -> str:
    if not _value(lock, "/lock/enabled"):
        return "never locks (locking is switched off), not even when the machine sleeps"
    switches = ("/saver/enabled", "/saver/idle-activation/enabled",
                "/lock/saver-activation/enabled")  # fmt: skip
    set_idle = _value(lock, "/saver/idle-activation/delay")
    idle = 10 if set_idle < 1 else min(set_idle, MAX_SAVER_MINUTES)
    delay = min(max(_value(lock, "/lock/saver-activation/delay"), 0), MAX_SAVER_MINUTES)
    if not all(_value(lock, name) for name in switches):
        when_idle = "never locks when left alone"
    else:
        counted = " (an idle delay below 1 minute counts as 10)" if set_idle < 1 else ""
        when_idle = f"locks after {_duration((idle + delay) * 60)} of inactivity{counted}"
    sleep = "locks" if _value(lock, "/lock/sleep-activation") else "does not lock"
    return f"{when_idle}; {sleep} when the machine sleeps"


def _kde_summary(lock: ScreenLock) -> str:
    password = _value(lock, "[Daemon] RequirePassword") and _value(lock, "[Daemon] Lock")
    timeout = _value(lock, "[Daemon] Timeout") * 60
    if not (_value(lock, "[Daemon] Autolock") and timeout > 0):
        idle = "never locks when left alone"
    elif password:
        grace = _value(lock, "[Daemon] LockGrace")
        later = f" (the password is asked for {_duration(grace)} later)" if grace > 0 else ""
        idle = f"locks after {_duration(timeout)} of inactivity{later}"
    else:
        idle = f"blanks the screen after {_duration(timeout)} without asking for a password"
    resume = "locks" if _value(lock, "[Daemon] LockOnResume") else "does not lock"
    return f"{idle}; {resume} when waking from sleep"


def _value(lock: ScreenLock, name: str) -> float:
    setting = lock.setting(name)
    return float(setting.value) if setting is not None else 0.0


def _shown(setting: LockSetting) -> str:
    value = str(setting.value).lower() if isinstance(setting.value, bool) else f"{setting.value:g}"
    where = {"default": "default", "user": "set by the user"}.get(setting.origin)
    if where is None:
        kind = "enforced" if setting.origin == "enforced" else "system default"
        where = f"{kind}, {setting.source}"
    return f"{setting.name} {value} ({where})"


def _duration(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def _fix(lock: ScreenLock, broken: list[tuple[LockSetting, str]]) -> str:
    commands = [f"`{command}`" for s, command in broken if s.origin in ("default", "user")]
    parts = [f"As {lock.user}, run {' and '.join(commands)}" if commands else ""]
    if commands and lock.desktop == "kde":
        parts[0] += " (kwriteconfig5 on Plasma 5)"
    after = "; then run `dconf update`" if lock.desktop in DCONF else ""
    parts += [
        f"{s.name}: " + SYSTEM_FIX.format(source=s.source, after=after)
        for s, _ in broken
        if s.origin in ("system", "enforced")
    ]
    settings = SETTINGS_APP[lock.desktop]
    return "; ".join(part for part in parts if part) + f". In the desktop: {settings}."


CHECKS = (screen_lock,)
