"""Time Machine on a macOS disk audited with --root: the whole disk minus the excluded paths
goes to each destination, encrypted as macOS last saw it."""

from __future__ import annotations

import plistlib
from collections.abc import Callable

import pytest

from localproof.collect import timemachine
from localproof.collect.fsroot import AuditRoot
from tests.builders import HostBuilder
from tests.builders.desktopbackup import TIME_MACHINE_PLIST, time_machine_plist
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report, findings_of, statuses

CHECK = "backup.store-copies-encrypted"
HOME = "/Users/alice"
STORE = f"{HOME}/.ollama/history"


def _mac_disk(host: HostBuilder) -> None:
    """A macOS disk: no passwd entry for the user, a home under /Users."""
    host.directory(HOME, mode=0o750)
    write_repl_history(host.path(STORE), ["summarise the board minutes"])


CASES: list[tuple[str, Callable[[HostBuilder], None], str]] = [
    ("no Time Machine settings", lambda host: None, "pass"),
    ("no destination chosen", lambda host: time_machine_plist(host, encryption_states=[]), "pass"),
    ("plain destination (binary plist)", time_machine_plist, "fail"),
    ("plain destination (XML plist)", lambda host: time_machine_plist(host, binary=False), "fail"),
    (
        "automatic backups off, earlier copies remain",
        lambda host: time_machine_plist(host, auto_backup=False),
        "fail",
    ),
    (
        "encrypted destination",
        lambda host: time_machine_plist(host, encryption_states=["Encrypted"]),
        "pass",
    ),
    (
        "one encrypted and one plain destination",
        lambda host: time_machine_plist(host, encryption_states=["Encrypted", "NotEncrypted"]),
        "fail",
    ),
    (
        "encryption state not recorded",
        lambda host: time_machine_plist(host, encryption_states=[None]),
        "unknown",
    ),
    (
        "store excluded in the options (SkipPaths)",
        lambda host: time_machine_plist(host, skip_paths=[f"{HOME}/.ollama"]),
        "pass",
    ),
    (
        "store excluded with tmutil addexclusion -p (ExcludeByPath)",
        lambda host: time_machine_plist(host, exclude_by_path=[f"{HOME}/.ollama"], binary=False),
        "pass",
    ),
    (
        "another folder excluded",
        lambda host: time_machine_plist(host, skip_paths=[f"{HOME}/Downloads", "~/.ollama"]),
        "fail",
    ),
]


@pytest.mark.parametrize(("setup", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_store_backup_status(
    host: HostBuilder, setup: Callable[[HostBuilder], None], status: str
) -> None:
    _mac_disk(host)
    setup(host)
    assert statuses(audit_report(host.root), CHECK) == {("ollama", STORE, status)}


def test_job_per_destination_with_the_exclusions(host: HostBuilder) -> None:
    _mac_disk(host)
    time_machine_plist(
        host,
        encryption_states=["Encrypted", "NotEncrypted"],
        skip_paths=[f"{HOME}/Movies", "relative/ignored"],
        exclude_by_path=[f"{HOME}/.ollama"],
    )
    jobs = list(timemachine.read_jobs(AuditRoot(host.root)))
    assert [job.encrypted for job in jobs] == [True, False]
    assert {job.excludes for job in jobs} == {(f"{HOME}/.ollama", f"{HOME}/Movies")}
    assert all(job.sources == ("/",) for job in jobs)
    assert "except 2 excluded path(s) to backup destination 2 of 2" in jobs[1].encryption_basis


@pytest.mark.parametrize(
    "content",
    [
        b"bplist00\xd1\x01\x02",  # a truncated binary property list
        b'<?xml version="1.0"?><plist version="1.0"><dict><key>AutoBackup</key>',
        b"\x00\xff" * 64,
    ],
    ids=["truncated binary", "truncated XML", "garbage"],
)
def test_corrupt_preferences_are_unknown_with_the_reason(host: HostBuilder, content: bytes) -> None:
    _mac_disk(host)
    host.file(TIME_MACHINE_PLIST, content)
    found = {f["resource"]: f for f in findings_of(audit_report(host.root), CHECK)}
    assert found[TIME_MACHINE_PLIST]["status"] == "unknown"
    assert "not a valid property list" in found[TIME_MACHINE_PLIST]["reason"]
    assert found[STORE]["status"] == "unknown"  # Time Machine may be copying it
    assert "time-machine" in found[STORE]["reason"]


def test_preferences_that_are_not_a_dictionary(host: HostBuilder) -> None:
    host.file(TIME_MACHINE_PLIST, plistlib.dumps(["/Users"], fmt=plistlib.FMT_BINARY))
    jobs = list(timemachine.read_jobs(AuditRoot(host.root)))
    reason = "the property list does not hold a dictionary of settings"
    assert [job.error for job in jobs] == [reason]


def test_damaged_entries_are_ignored_not_fatal(host: HostBuilder) -> None:
    settings = {
        "AutoBackup": "yes",
        "SkipPaths": [{"not": "a path"}, 7, f"{HOME}/.ollama"],
        "Destinations": ["not a dictionary"],
    }
    host.file(TIME_MACHINE_PLIST, plistlib.dumps(settings, fmt=plistlib.FMT_XML))
    (job,) = timemachine.read_jobs(AuditRoot(host.root))
    assert job.excludes == (f"{HOME}/.ollama",)
    assert job.encrypted is None
    assert "automatic backups not recorded" in job.encryption_basis
