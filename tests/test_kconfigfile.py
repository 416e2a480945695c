"""One group of a KConfig file, cascaded from /etc/xdg to the user's file with KConfig's
immutability markers; lines KConfig would warn about make the file unreadable here."""

from __future__ import annotations

import pytest

from localproof.collect.fsroot import AuditRoot
from localproof.collect.kconfigfile import Entry, KConfigError, parse_group, read_group
from tests.builders import HostBuilder

SYSTEM = "/etc/xdg/kscreenlockerrc"
USER = "/home/eve/.config/kscreenlockerrc"


def _values(host: HostBuilder) -> dict[str, tuple[str, str, bool]]:
    entries = read_group(AuditRoot(host.root), (SYSTEM, USER), "Daemon")
    return {key: (e.value, e.source, e.immutable) for key, e in entries.items()}


def test_the_user_file_overrides_system_defaults(host: HostBuilder) -> None:
    host.file(SYSTEM, "[Daemon]\nTimeout=10\nAutolock=true\n")
    host.file(USER, "# comment\n[Greeter]\nTimeout=99\n\n[Daemon]\n  Timeout = 3 \n")
    assert _values(host) == {
        "Timeout": ("3", USER, False),
        "Autolock": ("true", SYSTEM, False),
    }


def test_immutable_key_group_and_file(host: HostBuilder) -> None:
    host.file(SYSTEM, "[Daemon]\nTimeout[$i]=10\nAutolock=true\n")
    host.file(USER, "[Daemon]\nTimeout=0\nAutolock=false\n")
    assert _values(host)["Timeout"] == ("10", SYSTEM, True)
    assert _values(host)["Autolock"] == ("false", USER, False)
    host.file(SYSTEM, "[Daemon][$i]\nTimeout=10\n")
    assert _values(host) == {"Timeout": ("10", SYSTEM, True)}
    host.file(SYSTEM, "[$i]\n[Greeter]\nWallpaperPlugin=org.kde.image\n")
    assert _values(host) == {}


def test_deleted_and_localised_entries(host: HostBuilder) -> None:
    host.file(SYSTEM, "[Daemon]\nTimeout=10\n")
    host.file(USER, "[Daemon]\nTimeout[$d]\nAutolock[de]=false\nLockGrace=30\n")
    assert _values(host) == {"LockGrace": ("30", USER, False)}


def test_missing_files_are_skipped(host: HostBuilder) -> None:
    host.directory("/etc")
    assert _values(host) == {}


def test_nested_groups_are_not_the_group() -> None:
    parsed = parse_group("[Daemon][Sub]\nTimeout=1\n[Daemon]\nAutolock=false\n", "f", "Daemon")
    assert parsed.entries == {"Autolock": Entry("false", "f", False)}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[Daemon\nTimeout=1\n", "invalid group header"),
        ("[Daemon]x\nTimeout=1\n", "invalid group header"),
        ("[Daemon]\nTimeout\n", "missing '='"),
        ("[Daemon]\nTimeout]=1\n", "missing '\\['"),
        ("[Daemon]\nTime[out=1\n", "missing '\\]'"),
        ("[Daemon]\n=1\n", "empty key"),
    ],
)
def test_lines_kconfig_warns_about_are_errors(text: str, reason: str) -> None:
    with pytest.raises(KConfigError, match=reason):
        parse_group(text, "kscreenlockerrc", "Daemon")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (b"[Daemon]\nTimeout=\xff\n", "not UTF-8"),
        (b"[Daemon]\n" + b"#" * (1 << 20), "larger than 1 MiB"),
    ],
)
def test_garbage_files(host: HostBuilder, data: bytes, reason: str) -> None:
    host.file(USER, data)
    with pytest.raises(KConfigError, match=reason):
        _values(host)


def test_a_directory_in_place_of_the_file(host: HostBuilder) -> None:
    host.directory(USER)
    with pytest.raises(KConfigError, match="not a regular file"):
        _values(host)
