"""The Flathub Déjà Dup: its settings from the GSettings keyfiles the real GLib wrote
(tests/data/gsettings-keyfile), or from the host's dconf when it is given dconf access;
schema defaults, damaged keyfiles, and both installs side by side."""

from __future__ import annotations

import json

import pytest

from localproof.collect import dejadup
from localproof.collect.fsroot import AuditRoot
from localproof.facts.residue import BackupJob
from tests.builders import HostBuilder
from tests.builders.desktopbackup import (
    DCONF_ACCESS,
    DEJA_DUP_FLATPAK,
    dconf_database,
    deja_dup_has_run,
    duplicity_volumes,
    flatpak_deja_dup,
)
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report, findings_of

HOME = "/home/alice"
KEYFILE = f"{HOME}/.var/app/{DEJA_DUP_FLATPAK}/config/glib-2.0/settings/keyfile"
USER_DIRS = 'XDG_DOCUMENTS_DIR="$HOME/Dokumente/"\n'


def _jobs(host: HostBuilder) -> list[BackupJob]:
    return dejadup.read_jobs(AuditRoot(host.root), "alice", HOME)


def test_keyfile_keywords_expand_as_on_the_host(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.file(f"{HOME}/.config/user-dirs.dirs", USER_DIRS)  # bound into the sandbox
    flatpak_deja_dup(host, HOME, "keywords")
    (job,) = _jobs(host)
    assert job.config == KEYFILE
    rules = list(job.excludes)
    for include in ("/home/alice/Dokumente/notes", "/home/alice/Projects", "/srv/alice"):
        assert f"+ {include}" in rules
    assert "+ /data/shared files" in rules
    assert not any("$" in rule or "nas.example" in rule for rule in rules)
    notes = rules.index("+ /home/alice/Dokumente/notes")
    assert rules.index("/home/alice/Dokumente/notes/private") < notes
    assert rules[-1] == "**"
    assert job.encrypted is True  # restic
    assert "Déjà Dup (Flatpak, restic) copies to a location not chosen yet" in job.encryption_basis
    assert "folders as set in the keyfile" in job.encryption_basis


def test_home_to_a_local_folder_with_the_default_excludes(host: HostBuilder) -> None:
    host.user("alice", 1000)
    host.file("/etc/hostname", "desk\n")
    flatpak_deja_dup(host, HOME, "home-local", has_run=False)  # scheduled, not yet run
    duplicity_volumes(host, "/mnt/backup/deja-dup", encrypted=False)
    (job,) = _jobs(host)
    assert job.destination == "/mnt/backup/deja-dup"
    assert "+ /home/alice" in job.excludes
    assert "/home/alice/.local/share/Trash" in job.excludes
    assert job.encrypted is False
    assert "the schema default applies to exclude-list (not set in the keyfile)" in (
        job.encryption_basis
    )
    assert "automatic backups on" in job.encryption_basis


def test_both_installs_give_a_job_each(host: HostBuilder) -> None:
    host.user("alice", 1000)
    dconf_database(host, HOME, "documents-local")
    flatpak_deja_dup(host, HOME, "keywords")
    host_job, flatpak_job = _jobs(host)
    assert host_job.config == f"{HOME}/.config/dconf/user"
    assert "Déjà Dup (host install, duplicity)" in host_job.encryption_basis
    assert flatpak_job.config == KEYFILE
    assert "Déjà Dup (Flatpak, restic)" in flatpak_job.encryption_basis


def test_with_dconf_access_the_flatpak_uses_the_host_database(host: HostBuilder) -> None:
    """`flatpak override --talk-name=ca.desrt.dconf`: the keyfile is no longer read, and
    the Flatpak's cache folder counts as Déjà Dup having run."""
    host.user("alice", 1000)
    dconf_database(host, HOME, "wrong-types")  # neither scheduled nor run on the host
    flatpak_deja_dup(host, HOME, "keywords", override=DCONF_ACCESS)
    (job,) = _jobs(host)
    assert job.config == f"{HOME}/.config/dconf/user"
    assert "host install or Flatpak with dconf access" in job.encryption_basis


@pytest.mark.parametrize("policy", ["own", "none"], ids=["own-is-not-talk", "access-taken-back"])
def test_dconf_access_needs_the_talk_policy_last(host: HostBuilder, policy: str) -> None:
    """GLib wants exactly `talk` (gio/gportalsupport.c); a later override wins."""
    host.user("alice", 1000)
    flatpak_deja_dup(host, HOME, "keywords", system=True, override=DCONF_ACCESS)
    host.file(
        f"/var/lib/flatpak/overrides/{DEJA_DUP_FLATPAK}",
        "[Session Bus Policy]\nca.desrt.dconf=talk\n",
    )
    host.file(
        f"{HOME}/.local/share/flatpak/overrides/{DEJA_DUP_FLATPAK}",
        f"[Session Bus Policy]\nca.desrt.dconf={policy}\n",
    )
    (job,) = _jobs(host)
    assert job.config == KEYFILE


def test_missing_keyfile_after_a_run_means_the_schema_defaults(host: HostBuilder) -> None:
    host.user("alice", 1000)
    flatpak_deja_dup(host, HOME, None)
    (job,) = _jobs(host)
    assert job.config == KEYFILE
    assert "+ /home/alice" in job.excludes
    assert "Déjà Dup (Flatpak, duplicity) copies to a location not chosen yet" in (
        job.encryption_basis
    )
    assert "not set in the keyfile, which does not exist" in job.encryption_basis
    assert job.encrypted is None


def test_nothing_when_the_flatpak_never_ran_nor_was_scheduled(host: HostBuilder) -> None:
    host.user("alice", 1000)
    flatpak_deja_dup(host, HOME, None, has_run=False)
    assert _jobs(host) == []


def test_values_glib_ignores_or_reads_unquoted(host: HostBuilder) -> None:
    """A value of another type leaves the default; a string key takes unquoted text; a
    migrated keyfile carries type annotations (`@as []`)."""
    host.user("alice", 1000)
    path = flatpak_deja_dup(host, HOME, None)
    host.file(
        path,
        "[org/gnome/deja-dup]\ninclude-list='$HOME/Documents'\nexclude-list=@as []\n"
        "tool=restic\nbackend=42\nperiodic=yes\nlast-backup=['unterminated'\n",
    )
    (job,) = _jobs(host)
    assert "+ /home/alice" in job.excludes
    assert "/home/alice/.local/share/Trash" not in job.excludes  # exclude-list is empty
    assert "Déjà Dup (Flatpak, restic) copies to a location not chosen yet" in (
        job.encryption_basis
    )
    assert "automatic backups off" in job.encryption_basis


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[org/gnome/deja-dup]\ninclude-list\n", "GSettings keyfile: line 2 is not a group"),
        (b"include-list=['$HOME']\n", "GSettings keyfile: line 1: a key before the first group"),
        (b"[org/gnome/deja-dup\nperiodic=true\n", "GSettings keyfile: line 1 is not a group"),
        (b"[org/gnome/deja-dup]\nbackend='\xff'\n", "GSettings keyfile: not UTF-8"),
        (b"\x00\x01GVariant", "GSettings keyfile: binary data"),
    ],
    ids=["no-equals", "no-group", "unclosed-group", "not-utf8", "binary"],
)
def test_damaged_keyfile_is_an_error_with_its_reason(
    host: HostBuilder, content: bytes, reason: str
) -> None:
    host.user("alice", 1000)
    host.file(flatpak_deja_dup(host, HOME, None), content)
    (job,) = _jobs(host)
    assert job.config == KEYFILE
    assert job.error is not None
    assert job.error.startswith(reason)


def test_unreadable_permissions_are_an_error_and_the_host_job_stays(host: HostBuilder) -> None:
    host.user("alice", 1000)
    dconf_database(host, HOME, "documents-local")
    flatpak_deja_dup(host, HOME, "keywords")
    host.file(f"{HOME}/.local/share/flatpak/overrides/{DEJA_DUP_FLATPAK}", "ca.desrt.dconf\n")
    error, host_job = _jobs(host)
    assert (
        error.config
        == f"{HOME}/.local/share/flatpak/app/{DEJA_DUP_FLATPAK}/current/active/metadata"
    )
    assert error.error is not None
    assert error.error.startswith("Flatpak permissions: ")
    assert host_job.config == f"{HOME}/.config/dconf/user"


def test_flatpak_job_fails_the_backup_check_with_the_keyfile_as_evidence(
    host: HostBuilder,
) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])
    host.file("/etc/hostname", "desk\n")
    flatpak_deja_dup(host, HOME, "home-local")
    duplicity_volumes(host, "/mnt/backup/deja-dup", encrypted=False)
    report = audit_report(host.root)
    (finding,) = findings_of(report, "backup.store-copies-encrypted")
    assert finding["status"] == "fail"
    sources = [item["source"] for item in finding["evidence"]]
    assert KEYFILE in sources
    details = " ".join(item["detail"] for item in finding["evidence"])
    assert "Déjà Dup (Flatpak, duplicity)" in details
    assert "/mnt/backup" not in json.dumps(report)


def test_no_keyfile_value_reaches_the_report(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])
    flatpak_deja_dup(host, HOME, "ollama-excluded-remote")
    deja_dup_has_run(host, HOME)
    report = json.dumps(audit_report(host.root))
    for value in ("backup.example.org", "Conference", "Dana's notes", "Dana\\u0027s"):
        assert value not in report
