"""The dconf value a user sees: the user's database written by the real dconf
(tests/data/dconf), system keyfiles and locks named by the profile, and GVariant text as
`dconf update` reads it. Every defect is a DconfError with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from localproof.collect.dconfdb import DconfError, Found, keyfile_values, parse_value, read_keys
from localproof.collect.fsroot import AuditRoot
from tests.builders import HostBuilder
from tests.builders.desktop import dconf_system_db, gnome_settings

HOME = "/home/ana"
IDLE = "/org/gnome/desktop/session/idle-delay"
LOCK = "/org/gnome/desktop/screensaver/lock-enabled"
KEYS = (IDLE, LOCK)
SITE = "[org/gnome/desktop/session]\nidle-delay=uint32 900\n"


def _read(host: HostBuilder) -> dict[str, Found]:
    return read_keys(AuditRoot(host.root), HOME, KEYS)


# (GVariant text, what `dconf compile` 0.40 stored for it, read back with the GVDB reader;
# None where it refused the keyfile)
VALUES = [
    ("uint32 010", ("u", 8)),
    ("@u 600", ("u", 600)),
    ("  uint32   5  ", ("u", 5)),
    ("uint32 +5", ("u", 5)),
    ("600", ("i", 600)),
    ("-5", ("i", -5)),
    ("0X1F", ("i", 31)),
    ("600.0", ("d", 600.0)),
    ("1e3", ("d", 1000.0)),
    ("double 5", ("d", 5.0)),
    ("int64 5", ("x", 5)),
    ("true ", ("b", True)),
    ("boolean true", ("b", True)),
    ("@b false", ("b", False)),
    ("uint32 -1", None),
    ("uint32 4294967296", None),
    ("True", None),
    ("08", None),
    ("uint32 5 6", None),
    ("", None),
    ("uint32", None),
    ("5 # comment", None),
    ("uint325", None),
    ("@u5", None),
    ("uint32 5.0", None),
]


@pytest.mark.parametrize(("text", "stored"), VALUES)
def test_values_are_typed_as_dconf_compile_stores_them(
    text: str, stored: tuple[str, object] | None
) -> None:
    if stored is None:
        with pytest.raises(DconfError, match="idle-delay"):
            parse_value(text, "00-site: idle-delay")
    else:
        assert parse_value(text, "00-site: idle-delay") == stored


def test_strings_and_other_types_are_not_guessed() -> None:
    for text in ("'300'", "<uint32 5>", "[1]", "@i true"):
        with pytest.raises(DconfError):
            parse_value(text, "k")


def test_without_a_profile_only_the_user_database_counts(host: HostBuilder) -> None:
    host.user("ana", 1000)
    gnome_settings(host, HOME, "lock-ten-minutes", uid=1000)
    dconf_system_db(host, "site", {"00-site": SITE}, profile=False)
    found = _read(host)
    assert found == {IDLE: Found("u", 600, f"{HOME}/.config/dconf/user", False, False)}


def test_the_user_value_beats_a_system_default(host: HostBuilder) -> None:
    host.user("ana", 1000)
    gnome_settings(host, HOME, "lock-never", uid=1000)
    dconf_system_db(host, "site", {"00-site": SITE + "\n[org/gnome/desktop/screensaver]\n"
                                   "lock-enabled=false\n"})  # fmt: skip
    found = _read(host)
    assert found[IDLE] == Found("u", 0, f"{HOME}/.config/dconf/user", False, False)
    source = "/etc/dconf/db/site.d/00-site"
    assert found[LOCK] == Found("b", False, source, True, False)


def test_a_lock_makes_the_system_value_win(host: HostBuilder) -> None:
    host.user("ana", 1000)
    gnome_settings(host, HOME, "lock-never", uid=1000)
    dconf_system_db(host, "site", {"00-site": SITE}, locks={"idle": f"{IDLE}\n# comment\n"})
    assert _read(host)[IDLE] == Found("u", 900, "/etc/dconf/db/site.d/00-site", True, True)


def test_a_lock_without_a_value_below_it_leaves_the_schema_default(host: HostBuilder) -> None:
    """dconf_engine_read only looks at the locking database and those after it."""
    host.user("ana", 1000)
    gnome_settings(host, HOME, "lock-never", uid=1000)
    dconf_system_db(host, "site", {}, locks={"idle": f"{IDLE}\n"})
    assert IDLE not in _read(host)


def test_locks_are_taken_as_written(host: HostBuilder) -> None:
    host.user("ana", 1000)
    gnome_settings(host, HOME, "lock-never", uid=1000)
    dconf_system_db(host, "site", {"00-site": SITE}, locks={"idle": f" {IDLE}\n{IDLE} \n"})
    assert _read(host)[IDLE].value == 0


def test_the_lexicographically_last_keyfile_wins_and_hidden_files_are_skipped(
    host: HostBuilder,
) -> None:
    host.user("ana", 1000)
    later = "[org/gnome/desktop/session]\nidle-delay=uint32 120\n"
    hidden = "[org/gnome/desktop/session]\nidle-delay=uint32 1\n"
    dconf_system_db(host, "site", {"00-site": SITE, "10-later": later, ".z.swp": hidden})
    found = _read(host)[IDLE]
    assert (found.value, found.source) == (120, "/etc/dconf/db/site.d/10-later")


def test_profile_from_usr_share_and_ignored_lines(host: HostBuilder) -> None:
    host.user("ana", 1000)
    dconf_system_db(host, "site", {"00-site": SITE}, profile=False)
    host.file("/usr/share/dconf/profile/user", "# GNOME\nuser-db:user\nbogus-db:x\n"
              "system-db:site   # the site defaults\n")  # fmt: skip
    assert _read(host)[IDLE].value == 900


@pytest.mark.parametrize(
    ("keyfile", "reason"),
    [
        ("idle-delay=uint32 5\n", "before the first group"),
        ("[org/gnome/desktop/session]\njust words\n", "not a group, a key or a comment"),
        ("[org/gnome/desktop/session]\n=5\n", "not a group, a key or a comment"),
        ("[org/gnome/desktop/session]]\nidle-delay=5\n", "invalid group header"),
        ("[org/gnome//session]\nidle-delay=5\n", "not a dconf key"),
        ("[org/gnome/desktop/session]\nidle-delay=uint32 -1\n", "out of range"),
        ("[org/gnome/desktop/session]\nidle-delay='five'\n", "not a boolean or a number"),
    ],
)
def test_keyfiles_dconf_update_would_reject(keyfile: str, reason: str) -> None:
    with pytest.raises(DconfError, match=reason):
        _compile(keyfile)


def _compile(keyfile: str) -> None:
    for key, text in keyfile_values(keyfile, "00-site").items():
        parse_value(text, key)


def test_keyfile_groups_comments_and_the_root_group() -> None:
    text = "  # site\n[/]\ntop=1\n[org/gnome/desktop/session]\n  idle-delay =  uint32 60\r\n"
    assert keyfile_values(text, "f") == {
        "/top": "1",
        "/org/gnome/desktop/session/idle-delay": "uint32 60\r",
    }


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda h: h.file(f"{HOME}/.config/dconf/user", b"GVariant" + bytes(8)), "damaged"),
        (lambda h: h.file("/etc/dconf/db/site.d/00-site", b"\x00\x01binary"), "binary data"),
        (lambda h: h.file("/etc/dconf/db/site.d/00-site", b"[a/b]\nk=\xff\n"), "not UTF-8"),
        (lambda h: h.file("/etc/dconf/db/site", b"GVariant" + bytes(16)), "has no keyfiles"),
        (lambda h: h.file("/etc/dconf/profile/user", "service-db:keyfile/user\n"), "service-db"),
        (lambda h: h.symlink(f"{HOME}/.config/dconf/user", "user"), "symlink loop"),
    ],
)
def test_damaged_or_unreadable_sources(
    host: HostBuilder, setup: Callable[[HostBuilder], object], reason: str
) -> None:
    host.user("ana", 1000)
    host.file("/etc/dconf/profile/user", "user-db:user\nsystem-db:site\n")
    setup(host)
    with pytest.raises(DconfError, match=reason):
        _read(host)
