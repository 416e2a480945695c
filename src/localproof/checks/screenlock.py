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
"""

from __future__ import annotations

from collections.abc import Iterator

from localproof.checks.base import Check, Context, check
from localproof.facts.screenlock import LockSetting, ScreenLock
from localproof.model import Category, Evidence, Finding, Severity

NAMES = {"gnome": "GNOME", "kde": "KDE Plasma"}
SUPPORTED = ("GNOME", "KDE")
# (setting, the value that keeps the lock working, the command that sets it)
GNOME_SAFE = (
    ("org.gnome.desktop.lockdown disable-lock-screen", False,
     "gsettings set org.gnome.desktop.lockdown disable-lock-screen false"),
    ("org.gnome.desktop.screensaver lock-enabled", True,
     "gsettings set org.gnome.desktop.screensaver lock-enabled true"),
    ("org.gnome.desktop.session idle-delay", None,
     "gsettings set org.gnome.desktop.session idle-delay 300"),
)  # fmt: skip
KDE_WRITE = "kwriteconfig6 --file kscreenlockerrc --group Daemon --key {key} {value}"
KDE_SAFE = tuple(
    (f"[Daemon] {key}", safe, KDE_WRITE.format(key=key, value=value))
    for key, safe, value in (
        ("Autolock", True, "true"), ("Timeout", None, "5"), ("RequirePassword", True, "true"),
        ("Lock", True, "true"), ("LockOnResume", True, "true"),
    )
)  # fmt: skip
SYSTEM_FIX = "an administrator sets it in {source}: change it there{after}"


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
    few idle minutes and whenever the machine suspends. GNOME and KDE Plasma do both by
    default; the setting is often switched off for convenience and then forgotten."""
    if not context.instances:
        return
    desktops = context.facts.desktops
    if desktops.error:
        yield self.unknown(None, "graphical sessions", f"cannot list them: {desktops.error}")
    if not desktops.sessions and not desktops.locks and not desktops.error:
        reason = (
            "no graphical desktop: no session files in /usr/share/xsessions or "
            "/usr/share/wayland-sessions and nobody has GNOME or Plasma lock settings"
        )
        yield self.not_applicable(None, "screen lock", reason)
        return
    for name in desktops.sessions:
        if name not in SUPPORTED:
            reason = f"localproof does not read the screen lock settings of {name} sessions"
            yield self.unknown(None, f"{name} sessions", reason)
    for lock in desktops.locks:
        yield _lock_finding(self, lock)


def _lock_finding(self: Check, lock: ScreenLock) -> Finding:
    desktop = NAMES[lock.desktop]
    if lock.error:
        return self.unknown(None, lock.config, f"{desktop} lock settings: {lock.error}")
    safe = GNOME_SAFE if lock.desktop == "gnome" else KDE_SAFE
    broken = [
        (setting, command)
        for name, wanted, command in safe
        if (setting := lock.setting(name)) is not None and not _holds(setting, wanted)
    ]
    summary = _gnome_summary(lock) if lock.desktop == "gnome" else _kde_summary(lock)
    evidence = [
        Evidence(lock.config, f"{desktop}, user {lock.user}: {summary}"),
        Evidence(lock.config, "; ".join(_shown(s) for s in lock.settings)),
    ]
    evidence += [Evidence(s.source, s.note) for s in lock.settings if s.note]
    if not broken:
        return self.passed(None, lock.config, *evidence)
    return self.failed(None, lock.config, *evidence, remediation=_fix(lock, broken))


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
    after = "; then run `dconf update`" if lock.desktop == "gnome" else ""
    parts += [
        f"{s.name}: " + SYSTEM_FIX.format(source=s.source, after=after)
        for s, _ in broken
        if s.origin in ("system", "enforced")
    ]
    settings = (
        "Settings > Privacy > Screen Lock"
        if lock.desktop == "gnome"
        else ("System Settings > Screen Locking")
    )
    return "; ".join(part for part in parts if part) + f". In the desktop: {settings}."


CHECKS = (screen_lock,)
