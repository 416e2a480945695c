"""shared-host.screen-lock: GNOME's, Cinnamon's and MATE's keys from dconf databases the
real dconf wrote (tests/data/dconf) and system keyfiles, xfce4-screensaver's xfconf channel
files the real xfconf wrote (tests/data/xfconf) and system files, Plasma's kscreenlockerrc,
session files; damaged settings are `unknown`, a host without a desktop is
`not_applicable`."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.builders import HostBuilder
from tests.builders.desktop import (
    daemon_settings,
    dconf_system_db,
    gnome_settings,
    kde_settings,
    session,
    xfce4_screensaver,
    xfce_settings,
    xfce_system_settings,
)
from tests.builders.desktopbackup import DCONF_DATA
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report, findings_of

CHECK = "shared-host.screen-lock"
GNOME_DB = "/home/ana/.config/dconf/user"
KDE_RC = "/home/ana/.config/kscreenlockerrc"
CINNAMON_DB = f"{GNOME_DB} (Cinnamon)"
MATE_DB = f"{GNOME_DB} (MATE)"
XFCE_XML = "/home/ana/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml"
TRUNCATED = (DCONF_DATA / "lock-ten-minutes.dconf").read_bytes()[:200]


def _ana_with_ollama(host: HostBuilder) -> None:
    home = host.user("ana", 1000, home_mode=0o700)
    write_repl_history(home / ".ollama" / "history", ["hello"])


def _gnome(fixture: str | bytes | None) -> Callable[[HostBuilder], None]:
    def build(host: HostBuilder) -> None:
        session(host, "GNOME")
        if isinstance(fixture, str):
            gnome_settings(host, "/home/ana", fixture, uid=1000)
        elif fixture is not None:
            host.file(GNOME_DB, fixture, uid=1000)

    return build


def _dconf_desktop(desktop: str, fixture: str | bytes | None) -> Callable[[HostBuilder], None]:
    def build(host: HostBuilder) -> None:
        session(host, desktop)
        if isinstance(fixture, str):
            gnome_settings(host, "/home/ana", fixture, uid=1000)
        elif fixture is not None:
            host.file(GNOME_DB, fixture, uid=1000)

    return build


def _xfce(fixture: str | bytes | None) -> Callable[[HostBuilder], None]:
    def build(host: HostBuilder) -> None:
        session(host, "XFCE")
        xfce4_screensaver(host)
        if fixture is not None:
            xfce_settings(host, "/home/ana", fixture, uid=1000)

    return build


def _kde(text: str | bytes | None) -> Callable[[HostBuilder], None]:
    def build(host: HostBuilder) -> None:
        session(host, "KDE")
        if text is not None:
            kde_settings(host, "/home/ana", text, uid=1000)

    return build


CASES = [
    ("gnome-defaults", _gnome(None), GNOME_DB, "pass", "locks after 5 min of inactivity"),
    ("gnome-10-min", _gnome("lock-ten-minutes"), GNOME_DB, "pass", "locks after 10 min 30 s"),
    ("gnome-untyped", _gnome("lock-untyped"), GNOME_DB, "pass", "GNOME ignores it"),
    ("gnome-unrelated", _gnome("unrelated"), GNOME_DB, "pass", "idle-delay 300 (default)"),
    ("gnome-never", _gnome("lock-never"), GNOME_DB, "fail", "the session never turns idle"),
    ("gnome-off", _gnome("lock-off"), GNOME_DB, "fail", "never locks it, not even on suspend"),
    ("gnome-disabled", _gnome("lock-disabled"), GNOME_DB, "fail", "lock screen is disabled"),
    ("kde-defaults", _kde(None), KDE_RC, "pass", "locks after 5 min of inactivity"),
    ("kde-15", _kde(daemon_settings(Timeout="15", LockGrace="0")), KDE_RC, "pass", "15 min"),
    ("kde-never", _kde(daemon_settings(Autolock="false")), KDE_RC, "fail", "never locks"),
    ("kde-timeout-0", _kde(daemon_settings(Timeout="0")), KDE_RC, "fail", "never locks"),
    ("kde-no-resume", _kde(daemon_settings(LockOnResume="Off")), KDE_RC, "fail", "does not lock"),
    ("kde-no-password", _kde(daemon_settings(Lock="no")), KDE_RC, "fail", "without asking"),
    ("kde-bad-number", _kde(daemon_settings(Timeout="soon")), KDE_RC, "pass", "not a number"),
    ("cinnamon-defaults", _dconf_desktop("Cinnamon", None), CINNAMON_DB, "pass", "15 min"),
    (
        "cinnamon-5-min",
        _dconf_desktop("Cinnamon", "cinnamon-five-minutes"),
        CINNAMON_DB,
        "pass",
        "locks after 5 min 30 s",
    ),
    (
        "cinnamon-never",
        _dconf_desktop("Cinnamon", "cinnamon-never"),
        CINNAMON_DB,
        "fail",
        "the session never turns idle",
    ),
    (
        "cinnamon-off",
        _dconf_desktop("Cinnamon", "cinnamon-lock-off"),
        CINNAMON_DB,
        "fail",
        "gsettings set org.cinnamon.desktop.screensaver lock-enabled true",
    ),
    ("mate-defaults", _dconf_desktop("MATE", None), MATE_DB, "pass", "locks after 5 min"),
    ("mate-12-min", _dconf_desktop("MATE", "mate-ten-minutes"), MATE_DB, "pass", "12 min"),
    ("mate-untyped", _dconf_desktop("MATE", "mate-untyped"), MATE_DB, "pass", "MATE ignores it"),
    (
        "mate-never",
        _dconf_desktop("MATE", "mate-never"),
        MATE_DB,
        "fail",
        "gsettings set org.mate.session idle-delay 5",
    ),
    (
        "mate-no-idle",
        _dconf_desktop("MATE", "mate-no-idle"),
        MATE_DB,
        "fail",
        "does not start when idle",
    ),
    (
        "mate-disabled",
        _dconf_desktop("MATE", "mate-disabled"),
        MATE_DB,
        "fail",
        "lock screen is disabled",
    ),
    ("xfce-defaults", _xfce(None), XFCE_XML, "pass", "locks after 5 min of inactivity"),
    ("xfce-20-min", _xfce("twenty-minutes"), XFCE_XML, "pass", "locks after 20 min"),
    ("xfce-delay-0", _xfce("delay-zero"), XFCE_XML, "pass", "counts as 10"),
    ("xfce-wrong-type", _xfce("wrong-type"), XFCE_XML, "pass", "it ignores it"),
    (
        "xfce-lock-off",
        _xfce("lock-off"),
        XFCE_XML,
        "fail",
        "xfconf-query -c xfce4-screensaver -p /lock/enabled -n -t bool -s true",
    ),
    ("xfce-saver-off", _xfce("saver-off"), XFCE_XML, "fail", "never locks when left alone"),
    ("xfce-no-idle", _xfce("no-idle-lock"), XFCE_XML, "fail", "never locks when left alone"),
    ("xfce-no-sleep", _xfce("no-sleep-lock"), XFCE_XML, "fail", "does not lock when"),
    ("gnome-damaged", _gnome(TRUNCATED), GNOME_DB, "unknown", "damaged dconf"),
    ("mate-damaged", _dconf_desktop("MATE", TRUNCATED), MATE_DB, "unknown", "damaged dconf"),
    (
        "xfce-truncated",
        _xfce(b'<?xml version="1.0"?>\n<channel name="x'),
        XFCE_XML,
        "unknown",
        "damaged XML",
    ),
    ("xfce-binary", _xfce(b"\x89PNG\r\n\x1a\n\x00"), XFCE_XML, "unknown", "not UTF-8"),
    (
        "xfce-bad-bool",
        _xfce(
            b'<channel name="xfce4-screensaver" version="1.0"><property '
            b'name="lock" type="empty"><property name="enabled" type="bool" value="no"/>'
            b"</property></channel>"
        ),
        XFCE_XML,
        "unknown",
        "not a valid bool",
    ),
    (
        "xfce-entities",
        _xfce(b'<!DOCTYPE c [<!ENTITY a "aaaa">]><channel name="c" version="1.0"/>'),
        XFCE_XML,
        "unknown",
        "DOCTYPE",
    ),
    (
        "xfce-user-lock",
        _xfce(
            b'<channel name="xfce4-screensaver" version="1.0"><property '
            b'name="lock" type="empty" locked="ana"/></channel>'
        ),
        XFCE_XML,
        "unknown",
        "only in system files",
    ),
    ("kde-damaged", _kde("[Daemon]\nAutolock\n"), KDE_RC, "unknown", "missing '='"),
    ("kde-binary", _kde(b"\x00\xff\xfe"), KDE_RC, "unknown", "binary data"),
]


@pytest.mark.parametrize(
    ("build", "resource", "status", "said"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_screen_lock_cases(
    host: HostBuilder, build: Callable[[HostBuilder], None], resource: str, status: str, said: str
) -> None:
    _ana_with_ollama(host)
    build(host)
    (finding,) = findings_of(audit_report(host.root), CHECK)
    assert (finding["resource"], finding["status"]) == (resource, status)
    assert said in json.dumps(finding)


def test_a_server_without_a_desktop_is_not_applicable(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    (finding,) = findings_of(audit_report(host.root), CHECK)
    assert finding["status"] == "not_applicable"
    assert "no graphical desktop" in finding["reason"]


def test_nothing_to_protect_means_no_finding(host: HostBuilder) -> None:
    host.user("ana", 1000)
    session(host, "GNOME")
    assert findings_of(audit_report(host.root), CHECK) == []


def test_each_person_and_each_desktop_and_unknown_lockers(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    host.user("bo", 1001)
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false")
    host.directory("/usr/share/ollama")
    for desktop in ("GNOME", "KDE", "XFCE"):
        session(host, desktop)
    found = {(f["resource"], f["status"]) for f in findings_of(audit_report(host.root), CHECK)}
    assert found == {
        ("/home/ana/.config/dconf/user", "pass"),
        ("/home/ana/.config/kscreenlockerrc", "pass"),
        ("/home/bo/.config/dconf/user", "pass"),
        ("/home/bo/.config/kscreenlockerrc", "pass"),
        ("XFCE sessions", "unknown"),
    }


def test_user_settings_without_a_session_file_still_count(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    gnome_settings(host, "/home/ana", "lock-never", uid=1000)
    kde_settings(host, "/home/ana", daemon_settings(Autolock="false"), uid=1000)
    found = {(f["resource"], f["status"]) for f in findings_of(audit_report(host.root), CHECK)}
    assert found == {(GNOME_DB, "fail"), (KDE_RC, "fail")}


def test_fixes_name_the_setting_and_who_must_change_it(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    session(host, "GNOME")
    gnome_settings(host, "/home/ana", "lock-never", uid=1000)
    dconf_system_db(
        host,
        "site",
        {"00-lock": "[org/gnome/desktop/screensaver]\nlock-enabled=false\n"},
        locks={"lock": "/org/gnome/desktop/screensaver/lock-enabled\n"},
    )
    report = audit_report(host.root)
    (finding,) = findings_of(report, CHECK)
    fix = finding["remediation"]
    assert "As ana, run `gsettings set org.gnome.desktop.session idle-delay 300`" in fix
    assert "an administrator sets it in /etc/dconf/db/site.d/00-lock" in fix
    assert "dconf update" in fix
    assert "CANARY-dconf-lock" not in json.dumps(report)  # another key's value in the db


def test_kde_fix_uses_kwriteconfig_or_the_system_file(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    session(host, "KDE")
    host.file("/etc/xdg/kscreenlockerrc", "[Daemon]\nLockOnResume[$i]=false\n")
    kde_settings(host, "/home/ana", daemon_settings(Autolock="false"), uid=1000)
    (finding,) = findings_of(audit_report(host.root), CHECK)
    fix = finding["remediation"]
    assert "kwriteconfig6 --file kscreenlockerrc --group Daemon --key Autolock true" in fix
    assert "[Daemon] LockOnResume: an administrator sets it in /etc/xdg/kscreenlockerrc" in fix


def test_xfce_administrator_lock_and_system_default(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    _xfce("lock-off")(host)
    xfce_system_settings(
        host,
        '  <property name="lock" type="empty">\n'
        '    <property name="enabled" type="bool" value="true" locked="@staff"/>\n'
        '    <property name="sleep-activation" type="bool" value="false"/>\n'
        "  </property>\n",
    )
    host.group("staff", 50, members=("ana",))
    (finding,) = findings_of(audit_report(host.root), CHECK)
    text = json.dumps(finding)
    assert finding["status"] == "fail"
    assert "/lock/enabled true (enforced, /etc/xdg/xfce4/xfconf/" in text
    assert "/lock/sleep-activation: an administrator sets it in /etc/xdg/xfce4/" in text
    assert "does not lock when the machine sleeps" in text
    assert "dconf update" not in finding["remediation"]


def test_xfce_without_xfce4_screensaver_is_unknown(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    session(host, "XFCE")
    host.file("/usr/bin/light-locker", b"\x7fELF", mode=0o755)
    xfce_settings(host, "/home/ana", "lock-off", uid=1000)
    (finding,) = findings_of(audit_report(host.root), CHECK)
    assert (finding["resource"], finding["status"]) == ("XFCE sessions", "unknown")
    assert "light-locker" in finding["reason"]


def test_linux_mint_editions_one_host(host: HostBuilder) -> None:
    _ana_with_ollama(host)
    for desktop in ("Cinnamon", "MATE", "XFCE"):
        session(host, desktop)
    xfce4_screensaver(host)
    gnome_settings(host, "/home/ana", "mate-never", uid=1000)
    found = {(f["resource"], f["status"]) for f in findings_of(audit_report(host.root), CHECK)}
    assert found == {(CINNAMON_DB, "pass"), (MATE_DB, "fail"), (XFCE_XML, "pass")}
