"""backup.store-copies-encrypted: unencrypted copies of conversation stores."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from localproof.collect.borgrepo import first_put_type
from localproof.collect.residue import _guarded
from localproof.facts.residue import BackupJob
from tests.builders import HostBuilder
from tests.builders.desktopbackup import (
    dconf_database,
    deja_dup_has_run,
    duplicity_volumes,
    time_machine_plist,
)
from tests.builders.ollama import write_repl_history
from tests.builders.residue import (
    borg_repository,
    borgmatic_yaml,
    rsnapshot_conf,
    timeshift_json,
)
from tests.conftest import audit_report, findings_of, statuses

CHECK = "backup.store-copies-encrypted"
STORE = "/home/alice/.ollama/history"


def _alice(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["why is the sky blue?"])


def _rsnapshot_home(host: HostBuilder) -> None:
    rsnapshot_conf(host, snapshot_root="/mnt/usb/snapshots/", backups=["/home/", "/etc/"])


def _rsnapshot_excluding(host: HostBuilder) -> None:
    rsnapshot_conf(
        host, snapshot_root="/mnt/usb/snapshots/", backups=["/home/"], excludes=[".ollama/"]
    )


def _rsnapshot_spaces(host: HostBuilder) -> None:
    rsnapshot_conf(host, snapshot_root="/mnt/usb/", backups=["/home/"], separator=" ")


def _rsnapshot_to_luks(host: HostBuilder) -> None:
    rsnapshot_conf(host, snapshot_root="/mnt/usb/snapshots/", backups=["/home/"])
    host.crypt_device("dm-3", name="usb-backup", slaves=("sdb1",))
    host.mount("/dev/mapper/usb-backup", "/mnt/usb", "ext4")


def _restic_unit(host: HostBuilder) -> None:
    host.systemd_unit(
        "restic-backup",
        exec_start="/usr/bin/restic backup --exclude-caches /home/alice",
        environment={
            "RESTIC_REPOSITORY": "sftp:backup@nas:/srv/restic",
            "RESTIC_PASSWORD_FILE": "/etc/restic/password",
        },
    )


def _rsync_cron(host: HostBuilder) -> None:
    host.file(
        "/etc/cron.d/home-backup",
        "SHELL=/bin/sh\nPATH=/usr/bin:/bin\n"
        "30 2 * * * root rsync -a --delete /home/ /mnt/nas/home/ >/dev/null 2>&1\n",
    )


def _rsync_user_crontab(host: HostBuilder) -> None:
    host.file(
        "/var/spool/cron/crontabs/alice",
        "# m h  dom mon dow   command\n0 * * * * rsync -a --exclude .ollama ~/ /mnt/nas/alice/\n"
        "15 * * * * rsync -a /home/alice/.ollama /mnt/nas/ollama\n",
        mode=0o600,
    )


def _rsync_user_crontab_tilde(host: HostBuilder) -> None:
    """cron runs the line with /bin/sh in the owner's HOME: `~/` is alice's home."""
    host.file(
        "/var/spool/cron/crontabs/alice",
        'MAILTO=""\n0 * * * * rsync -a ~/ /mnt/nas/alice/\n',
        mode=0o600,
    )


def _rsync_user_crontab_excluding(host: HostBuilder) -> None:
    host.file(
        "/var/spool/cron/crontabs/alice",
        "0 * * * * rsync -a --exclude=.ollama/ $HOME/ /mnt/nas/alice/\n",
        mode=0o600,
    )


def _duplicity_plain(host: HostBuilder) -> None:
    host.file(
        "/etc/crontab",
        "17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n"
        "0 3 * * * root duplicity --no-encryption /home file:///mnt/usb/dup\n",
    )


def _duplicity_gpg(host: HostBuilder) -> None:
    host.file("/etc/crontab", "0 3 * * * root duplicity incr /home sftp://nas//dup\n")


def _borgmatic_repokey(host: HostBuilder) -> None:
    borg_repository(host, "/srv/borg/main", mode="repokey")
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home", "/etc"],
        repositories=[("/srv/borg/main", None)],
    )


def _borgmatic_none(host: HostBuilder) -> None:
    borg_repository(host, "/srv/borg/plain", mode="none")
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home"],
        repositories=[("/srv/borg/plain", None)],
    )


def _borgmatic_authenticated(host: HostBuilder) -> None:
    """`authenticated` keeps a key in the config like repokey, but stores plain objects."""
    borg_repository(host, "/srv/borg/auth", mode="authenticated")
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home"],
        repositories=[("/srv/borg/auth", None)],
    )


def _borgmatic_empty_repokey(host: HostBuilder) -> None:
    borg_repository(host, "/srv/borg/new", mode="repokey", objects=False)
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home"],
        repositories=[("/srv/borg/new", None)],
    )


def _borgmatic_empty_none(host: HostBuilder) -> None:
    borg_repository(host, "/srv/borg/new", mode="none", objects=False)
    borgmatic_yaml(
        host,
        "/etc/borgmatic/config.yaml",
        sources=["/home"],
        repositories=[("/srv/borg/new", None)],
    )


def _borg_keyfile_unit(host: HostBuilder) -> None:
    borg_repository(host, "/srv/borg/kf", mode="keyfile", home="/root")
    host.user("root", 0, home="/root")
    host.systemd_unit(
        "borg-backup",
        exec_start="/usr/bin/borg create --stats /srv/borg/kf::{hostname}-{now} /home",
    )


def _borgmatic_remote_undeclared(host: HostBuilder) -> None:
    borgmatic_yaml(
        host,
        "/home/alice/.config/borgmatic/config.yaml",
        sources=["/home/alice"],
        repositories=[("ssh://u123@u123.your-storagebox.de:23/./borg", None)],
    )


def _borgmatic_remote_declared_none(host: HostBuilder) -> None:
    borgmatic_yaml(
        host,
        "/home/alice/.config/borgmatic/config.yaml",
        sources=["/home/alice"],
        repositories=[("ssh://u123@u123.your-storagebox.de:23/./borg", "none")],
    )


def _timeshift_defaults(host: HostBuilder) -> None:
    timeshift_json(host)


def _timeshift_with_home(host: HostBuilder) -> None:
    timeshift_json(host, exclude=["+ /home/alice/**", "/root/**"])


def _timeshift_old_dotfiles(host: HostBuilder) -> None:
    timeshift_json(host, exclude=["+ /root/.**", "/root/**", "+ /home/*/.**", "/home/*/**"])


def _timeshift_btrfs(host: HostBuilder) -> None:
    timeshift_json(host, btrfs=True)


def _timeshift_btrfs_with_home(host: HostBuilder) -> None:
    timeshift_json(host, btrfs=True, include_btrfs_home=True)


def _timeshift_broken(host: HostBuilder) -> None:
    host.file("/etc/timeshift/timeshift.json", '{\n  "backup_device_uuid" : "6f1e2c55",\n')


def _deja_dup(host: HostBuilder) -> None:
    """Déjà Dup has run, but the dconf database with its folders is missing."""
    deja_dup_has_run(host, "/home/alice")


def _deja_dup_documents_only(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "documents-local")


def _deja_dup_excluding_ollama(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "ollama-excluded-remote")
    deja_dup_has_run(host, "/home/alice")


def _deja_dup_restic(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "restic-google")


def _deja_dup_plain_volumes(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "local-defaults")
    duplicity_volumes(host, "/mnt/backup/deja-dup", encrypted=False)


def _deja_dup_gpg_volumes(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "local-defaults")
    duplicity_volumes(host, "/mnt/backup/deja-dup", encrypted=True)


def _deja_dup_no_volumes_yet(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "local-defaults")


def _deja_dup_run_keys_unset(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "unrelated")
    deja_dup_has_run(host, "/home/alice")


def _dconf_without_deja_dup(host: HostBuilder) -> None:
    dconf_database(host, "/home/alice", "unrelated")


def _deja_dup_never_scheduled(host: HostBuilder) -> None:
    """Keys of the wrong type count as unset: no `periodic`, no `last-backup`, no cache."""
    dconf_database(host, "/home/alice", "wrong-types")


def _time_machine_plain(host: HostBuilder) -> None:
    time_machine_plist(host, encryption_states=["NotEncrypted"])


def _nothing(host: HostBuilder) -> None:
    host.file("/etc/hostname", "box\n")


CASES: list[tuple[str, Callable[[HostBuilder], None], str]] = [
    ("no backup configured", _nothing, "pass"),
    ("rsnapshot of /home", _rsnapshot_home, "fail"),
    ("rsnapshot excluding the store", _rsnapshot_excluding, "pass"),
    ("rsnapshot onto a LUKS volume", _rsnapshot_to_luks, "pass"),
    ("restic from a systemd unit", _restic_unit, "pass"),
    ("rsync in /etc/cron.d", _rsync_cron, "fail"),
    ("rsync in a user crontab", _rsync_user_crontab, "fail"),
    ("rsync of ~/ in a user crontab", _rsync_user_crontab_tilde, "fail"),
    ("rsync of $HOME/ excluding .ollama/", _rsync_user_crontab_excluding, "pass"),
    ("duplicity --no-encryption", _duplicity_plain, "fail"),
    ("duplicity with GnuPG", _duplicity_gpg, "pass"),
    ("borgmatic to a repokey repository", _borgmatic_repokey, "pass"),
    ("borgmatic to an unencrypted repository", _borgmatic_none, "fail"),
    ("borg create to a keyfile repository", _borg_keyfile_unit, "pass"),
    ("borgmatic to an authenticated-only repository", _borgmatic_authenticated, "fail"),
    ("empty repokey repository", _borgmatic_empty_repokey, "pass"),
    ("empty repository without a key", _borgmatic_empty_none, "unknown"),
    ("borgmatic remote, mode not declared", _borgmatic_remote_undeclared, "unknown"),
    ("borgmatic remote, declared none", _borgmatic_remote_declared_none, "fail"),
    ("Timeshift defaults exclude homes", _timeshift_defaults, "pass"),
    ("Timeshift including alice's home", _timeshift_with_home, "fail"),
    ("Timeshift (old) including home dotfiles", _timeshift_old_dotfiles, "fail"),
    ("Timeshift btrfs without @home", _timeshift_btrfs, "pass"),
    ("Timeshift btrfs with @home", _timeshift_btrfs_with_home, "fail"),
    ("Deja Dup run, dconf database missing", _deja_dup, "unknown"),
    ("Deja Dup saving only ~/Documents", _deja_dup_documents_only, "pass"),
    ("Deja Dup excluding ~/.ollama", _deja_dup_excluding_ollama, "pass"),
    ("Deja Dup with restic", _deja_dup_restic, "pass"),
    ("Deja Dup defaults, plain duplicity volumes", _deja_dup_plain_volumes, "fail"),
    ("Deja Dup defaults, GnuPG duplicity volumes", _deja_dup_gpg_volumes, "pass"),
    ("Deja Dup defaults, no volumes to tell", _deja_dup_no_volumes_yet, "unknown"),
    ("Deja Dup run, keys unset: defaults", _deja_dup_run_keys_unset, "unknown"),
    ("dconf without Deja Dup keys", _dconf_without_deja_dup, "pass"),
    ("Deja Dup never scheduled nor run", _deja_dup_never_scheduled, "pass"),
    ("Time Machine to a plain disk", _time_machine_plain, "fail"),
]


@pytest.mark.parametrize(("setup", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_store_backup_status(
    host: HostBuilder, setup: Callable[[HostBuilder], None], status: str
) -> None:
    _alice(host)
    setup(host)
    report = audit_report(host.root)
    assert ("ollama", STORE, status) in statuses(report, CHECK)
    assert {s for _, r, s in statuses(report, CHECK) if r == STORE} == {status}


def test_unreadable_config_is_unknown_with_its_reason(host: HostBuilder) -> None:
    _alice(host)
    _rsnapshot_spaces(host)
    _timeshift_broken(host)
    report = audit_report(host.root)
    found = {f["resource"]: f for f in findings_of(report, CHECK)}
    assert found["/etc/rsnapshot.conf"]["status"] == "unknown"
    assert "tab-separated" in found["/etc/rsnapshot.conf"]["reason"]
    assert found["/etc/timeshift/timeshift.json"]["status"] == "unknown"
    # Those settings may copy the store: it is not known whether they do, not a pass.
    assert found[STORE]["status"] == "unknown"
    assert "could not be read" in found[STORE]["reason"]
    assert "rsnapshot" in found[STORE]["reason"]


def test_failure_names_the_job_and_a_specific_fix(host: HostBuilder) -> None:
    _alice(host)
    _rsnapshot_home(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["evidence"][0]["source"].startswith("/etc/rsnapshot.conf line ")
    assert "exclude" in finding["remediation"]
    assert "/mnt/usb" not in str(finding), "the destination is a configuration value"


def test_store_reached_through_a_symlink_is_judged_by_its_target(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / "data" / "history", ["x"])
    (home / ".ollama").mkdir()
    host.symlink("/home/alice/.ollama/history", "/home/alice/data/history")
    rsnapshot_conf(host, snapshot_root="/mnt/usb/", backups=["/home/alice/data/"])
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", STORE, "fail")}


def test_a_reader_that_fails_leaves_an_entry_with_the_reason() -> None:
    def explode() -> tuple[BackupJob, ...]:
        raise RecursionError("CANARY-never-shown")

    jobs = _guarded(explode, lambda reason: (BackupJob("x", "y", error=reason),))
    assert jobs[0].error is not None
    assert "RecursionError" in jobs[0].error
    assert "CANARY" not in jobs[0].error


@pytest.mark.parametrize(
    ("data", "key_type"),
    [
        (b"", None),
        (b"BORG_SEG", None),
        (b"not a segment at all", None),
        (b"BORG_SEG" + b"\x00\x00\x00\x00\x05\x00\x00\x00\x00", None),  # size < header
        (b"BORG_SEG" + b"\x00" * 4 + (9).to_bytes(4, "little") + b"\x02", None),  # commit only
    ],
)
def test_segment_reader_rejects_garbage(data: bytes, key_type: int | None) -> None:
    assert first_put_type(data) == key_type
