"""A shared Linux Mint computer with all three editions' desktops installed (Cinnamon, MATE
and Xfce with xfce4-screensaver) and Ollama in ana's home. The administrator's xfconf file
in /etc/xdg sets a 10-minute idle delay as the default and enforces the Xfce lock for the
`staff` group. ana set Cinnamon's idle delay to "never" and Xfce to 15 + 5 minutes; bo
(in `staff`) turned MATE's idle activation off and Xfce's lock off, which the
administrator's lock overrides; cy's dconf database and xfconf file are damaged; dee's
`dconf write … uint32 0` for MATE's idle delay has a type MATE ignores, and dee turned off
Xfce's lock on sleep."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktop import (
    gnome_settings,
    session,
    xfce4_screensaver,
    xfce_settings,
    xfce_system_settings,
)
from tests.builders.desktopbackup import DCONF_DATA
from tests.builders.ollama import write_repl_history

SITE_XFCE = """  <property name="saver" type="empty">
    <property name="idle-activation" type="empty">
      <property name="delay" type="int" value="10"/>
    </property>
  </property>
  <property name="lock" type="empty">
    <property name="enabled" type="bool" value="true" locked="@staff"/>
  </property>
"""


def build(host: HostBuilder) -> None:
    for desktop in ("Cinnamon", "MATE", "XFCE"):
        session(host, desktop)
    xfce4_screensaver(host)
    xfce_system_settings(host, SITE_XFCE)
    ana = host.user("ana", 1000, home_mode=0o700)
    for number, name in enumerate(("bo", "cy", "dee"), start=1001):
        host.user(name, number, home_mode=0o700)
    host.group("staff", 50, members=("bo",))
    write_repl_history(ana / ".ollama" / "history", ["draft the tenancy letter"])
    gnome_settings(host, "/home/ana", "cinnamon-never", uid=1000)
    xfce_settings(host, "/home/ana", "twenty-minutes", uid=1000)
    gnome_settings(host, "/home/bo", "mate-no-idle", uid=1001)
    xfce_settings(host, "/home/bo", "lock-off", uid=1001)
    truncated = (DCONF_DATA / "mate-ten-minutes.dconf").read_bytes()[:120]
    host.file("/home/cy/.config/dconf/user", truncated, uid=1002)
    xfce_settings(host, "/home/cy", b'<channel name="xfce4-screensaver" version="1.0">', uid=1002)
    gnome_settings(host, "/home/dee", "mate-untyped", uid=1003)
    xfce_settings(host, "/home/dee", "no-sleep-lock", uid=1003)
