"""shared-host.screen-lock: GNOME's keys from dconf databases the real dconf wrote
(tests/data/dconf) and system keyfiles, Plasma's kscreenlockerrc, session files; damaged
settings are `unknown`, a host without a desktop is `not_applicable`."""

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
)
from tests.builders.desktopbackup import DCONF_DATA
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report, findings_of

CHECK = "shared-host.screen-lock"
GNOME_DB = "/home/ana/.config/dconf/user"
KDE_RC = "/home/ana/.config/kscreenlockerrc"
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
    ("gnome-damaged", _gnome(TRUNCATED), GNOME_DB, "unknown", "damaged dconf"),
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
