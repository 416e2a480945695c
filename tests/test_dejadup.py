"""Déjà Dup's job from the dconf databases the real dconf wrote (tests/data/dconf): folder
keywords as Déjà Dup expands them, schema defaults, and damaged or missing databases."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from localproof.collect import dejadup
from localproof.collect.fsroot import AuditRoot
from localproof.facts.residue import BackupJob
from tests.builders import HostBuilder
from tests.builders.desktopbackup import dconf_database, deja_dup_has_run
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report

HOME = "/home/alice"
USER_DIRS = (
    "# This file is written by xdg-user-dirs-update\n"
    'XDG_DESKTOP_DIR="$HOME/Schreibtisch"\n'
    'XDG_DOCUMENTS_DIR="$HOME/Dokumente/"\n'
    'XDG_DOWNLOAD_DIR="$HOME/Downloads"\n'
    'XDG_VIDEOS_DIR="/media/videos"\n'
)


def _job(host: HostBuilder) -> BackupJob:
    (job,) = dejadup.read_jobs(AuditRoot(host.root), "alice", HOME)
    return job


def test_keywords_user_dirs_relative_entries_and_uris(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.file(f"{HOME}/.config/user-dirs.dirs", USER_DIRS)
    dconf_database(host, HOME, "keywords")
    job = _job(host)
    rules = list(job.excludes)
    assert job.sources == ("/",)
    assert rules[-1] == "**"
    for include in ("/home/alice/Dokumente/notes", "/home/alice/Projects", "/srv/alice"):
        assert f"+ {include}" in rules
    assert "+ /data/shared files" in rules  # file:// URI, percent-decoded
    assert not any("$" in rule or "sftp" in rule or "nas.example" in rule for rule in rules)
    # $MUSIC is not set in user-dirs.dirs: Déjà Dup drops the entry
    assert not any("Music" in rule for rule in rules)
    for exclude in ("/home/alice/Dokumente/notes/private", "/media/videos", "/home/alice/.cache"):
        assert exclude in rules
    # the most specific folder first: the private notes before the notes they sit in
    notes = rules.index("+ /home/alice/Dokumente/notes")
    assert rules.index("/home/alice/Dokumente/notes/private") < notes
    assert rules.index("/home/alice/Projects/build") < rules.index("+ /home/alice/Projects")
    assert "automatic backups off" in job.encryption_basis
    assert "folders as set in dconf" in job.encryption_basis


def test_values_of_the_wrong_type_leave_the_schema_defaults(host: HostBuilder) -> None:
    host.user("alice", 1000)
    dconf_database(host, HOME, "wrong-types")
    deja_dup_has_run(host, HOME)
    job = _job(host)
    assert "+ /home/alice" in job.excludes
    assert "/home/alice/.local/share/Trash" in job.excludes
    assert not any("Downloads" in rule for rule in job.excludes)  # no user-dirs.dirs
    assert (
        "Déjà Dup (host install, duplicity) copies to a location not chosen yet"
        in job.encryption_basis
    )
    assert "schema defaults apply to include-list and exclude-list" in job.encryption_basis
    assert job.encrypted is None


def test_local_destination_is_excluded_and_kept_for_the_volume_check(host: HostBuilder) -> None:
    host.user("alice", 1000)
    dconf_database(host, HOME, "documents-local")
    job = _job(host)
    assert job.destination == "/mnt/backup/deja-dup"
    assert "/mnt/backup/deja-dup" in job.excludes
    assert "/mnt/backup/deja-dup" not in job.encryption_basis


def test_nothing_when_deja_dup_never_ran_nor_was_scheduled(host: HostBuilder) -> None:
    host.user("alice", 1000)
    assert dejadup.read_jobs(AuditRoot(host.root), "alice", HOME) == []
    dconf_database(host, HOME, "unrelated")
    assert dejadup.read_jobs(AuditRoot(host.root), "alice", HOME) == []


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[:100], "dconf database: the root table lies outside the file"),
        (lambda data: b"\x00" + data[1:], "dconf database: not a GVDB file"),
        (lambda data: b"", "dconf database: too short"),
    ],
    ids=["truncated", "invalidated", "empty"],
)
def test_damaged_database_is_an_error_with_its_reason(
    host: HostBuilder, damage: Callable[[bytes], bytes], reason: str
) -> None:
    host.user("alice", 1000)
    path = dconf_database(host, HOME, "documents-local")
    path.write_bytes(damage(path.read_bytes()))
    job = _job(host)
    assert job.error is not None
    assert job.error.startswith(reason)


def test_oversized_database_is_not_read(host: HostBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    host.user("alice", 1000)
    dconf_database(host, HOME, "documents-local")
    monkeypatch.setattr(dejadup, "MAX_DATABASE", 100)
    error = _job(host).error
    assert error is not None
    assert error.startswith("dconf database: larger than")


def test_database_that_is_not_a_file(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.directory(f"{HOME}/.config/dconf/user")
    assert _job(host).error == "not a regular file"


def test_damaged_database_is_reported_and_the_audit_goes_on(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])
    dconf_database(host, HOME, "documents-local").write_bytes(b"GVariant" + bytes(8))
    findings = audit_report(host.root)["findings"]
    backup = {f["resource"]: f for f in findings if f["check"] == "backup.store-copies-encrypted"}
    assert backup[f"{HOME}/.config/dconf/user"]["status"] == "unknown"
    assert "too short" in backup[f"{HOME}/.config/dconf/user"]["reason"]


def test_no_dconf_value_reaches_the_report(host: HostBuilder) -> None:
    """The fixture holds a canary under another application's path, and folder and server
    values under Déjà Dup's: none of them may appear in the report."""
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])
    dconf_database(host, HOME, "documents-local")
    dconf_database(host, "/home/bob", "ollama-excluded-remote")
    report = json.dumps(audit_report(host.root))
    for value in ("CANARY-dconf-value-5e1f", "backup.example.org", "/mnt/backup", "Conference"):
        assert value not in report
