"""encryption.store-at-rest: the filesystem under each conversation store, through the
device-mapper chain in sys/block, eCryptfs, fscrypt metadata, memory filesystems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from localproof.checks.base import Context
from localproof.checks.encryption import store_at_rest
from localproof.collect.commands import RecordedCommands
from localproof.collect.disk import read_volume_encryption
from localproof.collect.fsroot import AuditRoot
from localproof.discover import discover
from localproof.facts import Facts, FileFact, FileKind, Mount, StoreFile
from localproof.facts.disk import DiskFacts, StoreLocation, VolumeEncryption
from localproof.kb import load_kb
from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.conftest import audit_report, findings_of, statuses

CHECK = "encryption.store-at-rest"
STORE = "/home/alice/.ollama/history"
LVM_ROOT = "LVM-" + "a" * 32 + "b" * 32  # lvm2: "LVM-<vg uuid><lv uuid>" without dashes


def alice_with_history(host: HostBuilder) -> None:
    home = host.user("alice", 1000)
    write_repl_history(home / ".ollama" / "history", ["tell me about my diagnosis"])
    host.chown_tree("/home/alice", 1000, 1000)


def luks_root(host: HostBuilder) -> None:
    host.crypt_device("dm-0", name="luks-root")
    host.mount("/dev/mapper/luks-root", "/", "ext4")


def lvm_on_luks(host: HostBuilder) -> None:
    host.crypt_device("dm-0", name="luks-pv", slaves=("nvme0n1p3",))
    host.crypt_device("dm-1", name="vg0-root", uuid=LVM_ROOT, slaves=("dm-0",))
    host.mount("/dev/mapper/vg0-root", "/", "ext4")


def luks_on_lvm(host: HostBuilder) -> None:
    host.crypt_device("dm-0", name="vg0-home", uuid=LVM_ROOT, slaves=("sda2",))
    host.crypt_device("dm-1", name="home", slaves=("dm-0",))
    host.mount("/dev/sda1", "/", "ext4")
    host.mount("/dev/dm-1", "/home", "ext4")


def plain_partition(host: HostBuilder) -> None:
    host.mount("/dev/sda2", "/", "ext4")


def plain_lvm(host: HostBuilder) -> None:
    host.crypt_device("dm-0", name="vg0-root", uuid=LVM_ROOT, slaves=("sda2",))
    host.mount("/dev/mapper/vg0-root", "/", "xfs")


def verity_only(host: HostBuilder) -> None:
    # dm-verity checks integrity and encrypts nothing (cryptsetup: lib/libcryptsetup.h)
    host.crypt_device("dm-0", name="root", uuid="CRYPT-VERITY-" + "c" * 32 + "-root")
    host.mount("/dev/mapper/root", "/", "ext4")


def plain_home_on_encrypted_root(host: HostBuilder) -> None:
    luks_root(host)
    host.mount("/dev/sdb1", "/home", "ext4")


def encrypted_home_on_plain_root(host: HostBuilder) -> None:
    host.mount("/dev/sda1", "/", "ext4")
    host.crypt_device("dm-0", name="luks-home")
    host.mount("/dev/mapper/luks-home", "/home", "btrfs", "rw,relatime,subvol=/home")


def ecryptfs_home(host: HostBuilder) -> None:
    # ecryptfs-utils mounts ~/.Private on the home directory at login
    plain_partition(host)
    host.mount("/home/alice/.Private", "/home/alice", "ecryptfs", "rw,ecryptfs_sig=0123")


def tmpfs_home(host: HostBuilder) -> None:
    plain_partition(host)
    host.mount("tmpfs", "/home/alice/.ollama", "tmpfs", "rw,nosuid,nodev,mode=700")


def zfs_root(host: HostBuilder) -> None:
    host.mount("rpool/ROOT/ubuntu", "/", "zfs", "rw,relatime,xattr,posixacl")


def nfs_home(host: HostBuilder) -> None:
    plain_partition(host)
    host.mount("filer:/export/home", "/home", "nfs4", "rw,relatime,vers=4.2")


def mapper_without_sysfs(host: HostBuilder) -> None:
    host.mount("/dev/mapper/cryptroot", "/", "ext4")


def no_mounts(host: HostBuilder) -> None:
    host.directory("/proc")


@pytest.mark.parametrize(
    ("layout", "status"),
    [
        (luks_root, "pass"),
        (lvm_on_luks, "pass"),
        (luks_on_lvm, "pass"),
        (encrypted_home_on_plain_root, "pass"),
        (ecryptfs_home, "pass"),
        (tmpfs_home, "pass"),
        (plain_partition, "fail"),
        (plain_lvm, "fail"),
        (verity_only, "fail"),
        (plain_home_on_encrypted_root, "fail"),
        (zfs_root, "unknown"),
        (nfs_home, "unknown"),
        (mapper_without_sysfs, "unknown"),
        (no_mounts, "unknown"),
    ],
)
def test_store_encryption(
    host: HostBuilder, layout: Callable[[HostBuilder], None], status: str
) -> None:
    alice_with_history(host)
    layout(host)
    report = audit_report(host.root)
    assert statuses(report, CHECK) == {("ollama", STORE, status)}


def test_evidence_names_the_layer_and_fips_separately(host: HostBuilder) -> None:
    alice_with_history(host)
    lvm_on_luks(host)
    host.file("/proc/sys/crypto/fips_enabled", "1\n", mode=0o444)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    details = " ".join(e["detail"] for e in finding["evidence"])
    assert "dm-crypt LUKS2 on dm-0" in details
    assert "FIPS mode on" in details
    assert "CMVP" in details  # states what is not verified instead of claiming compliance


def test_fips_status_unknown_is_said(host: HostBuilder) -> None:
    alice_with_history(host)
    luks_root(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert any("FIPS status unknown" in e["detail"] for e in finding["evidence"])


def test_fscrypt_set_up_but_store_outside_an_encrypted_directory(host: HostBuilder) -> None:
    # google/fscrypt README: `fscrypt setup /mnt` creates /mnt/.fscrypt/{policies,protectors};
    # this fixture's files live on a filesystem that reports no FS_ENCRYPT_FL
    alice_with_history(host)
    plain_partition(host)
    host.directory("/.fscrypt/policies")
    host.directory("/.fscrypt/protectors")
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert finding["status"] == "fail"
    assert "fscrypt encrypt" in finding["remediation"]


def test_unencrypted_fix_names_the_store(host: HostBuilder) -> None:
    alice_with_history(host)
    plain_partition(host)
    finding = findings_of(audit_report(host.root), CHECK)[0]
    assert STORE in finding["remediation"]
    assert "/dev/sda2" in " ".join(e["detail"] for e in finding["evidence"])


def test_no_ai_tool_no_finding(host: HostBuilder) -> None:
    host.user("alice", 1000)
    plain_partition(host)
    assert findings_of(audit_report(host.root), CHECK) == []


DATA = Path(__file__).parent / "data" / "commands"


@pytest.mark.parametrize(
    ("system", "recordings", "expected"),
    [
        ("Darwin", {"fdesetup status": "fdesetup-status-on.txt"}, ("FileVault", True)),
        ("Darwin", {"fdesetup status": "fdesetup-status-off.txt"}, ("FileVault", False)),
        ("Darwin", {}, ("FileVault", None)),
        ("Windows", {"manage-bde -status C:": "manage-bde-status-on.txt"}, ("BitLocker", True)),
    ],
)
def test_volume_encryption_from_recorded_outputs(
    system: str, recordings: dict[str, str], expected: tuple[str, bool | None]
) -> None:
    runner = RecordedCommands({cmd: DATA / name for cmd, name in recordings.items()})
    volume = read_volume_encryption(AuditRoot(Path("/")), runner, system)
    assert volume is not None
    assert (volume.method, volume.enabled) == expected


def test_volume_encryption_is_only_asked_of_the_live_host(tmp_path: Path) -> None:
    runner = RecordedCommands({"fdesetup status": DATA / "fdesetup-status-on.txt"})
    assert read_volume_encryption(AuditRoot(tmp_path), runner, "Darwin") is None
    assert read_volume_encryption(AuditRoot(Path("/")), runner, "Linux") is None


def _facts(path: str, disk: DiskFacts, mounts: tuple[Mount, ...] = ()) -> Facts:
    """Facts as the collectors would report them, for what no fixture file can show: a live
    Mac's FileVault answer, or the FS_ENCRYPT_FL of a file on an fscrypt filesystem."""
    store = StoreFile(
        tool="ollama",
        kind="history",
        format="text",
        file=FileFact(path=path, kind=FileKind.FILE, mode=0o100600, uid=1000, gid=1000),
        owner="alice",
    )
    return Facts(
        root="/",
        live=True,
        hostname="box",
        os="test",
        kernel="6.8",
        running_as_root=False,
        users=(),
        groups=(),
        processes=(),
        sockets=(),
        mounts=mounts,
        device_mappers=(),
        swaps=(),
        core_pattern=None,
        units=(),
        containers=(),
        stores=(store,),
        disk=disk,
    )


def _run(facts: Facts) -> list[str]:
    tools = load_kb()
    context = Context(facts=facts, tools=tools, instances=discover(facts, tools))
    return [f.status.value for f in store_at_rest.run(context)]


@pytest.mark.parametrize(
    ("enabled", "status"), [(True, "pass"), (False, "fail"), (None, "unknown")]
)
def test_filevault_decides_on_a_live_mac(enabled: bool | None, status: str) -> None:
    path = "/Users/alice/Library/Application Support/Ollama/db.sqlite"
    disk = DiskFacts(volume_encryption=VolumeEncryption("FileVault", enabled))
    assert _run(_facts(path, disk)) == [status]


@pytest.mark.parametrize(("flag", "status"), [(True, "pass"), (False, "fail"), (None, "unknown")])
def test_fscrypt_flag_decides_on_a_plain_device(flag: bool | None, status: str) -> None:
    location = StoreLocation(STORE, parents=None, fscrypt_flag=flag, fscrypt_metadata="/.fscrypt")
    mounts = (Mount("/dev/sda2", "/", "ext4", ("rw",)),)
    assert _run(_facts(STORE, DiskFacts(locations=(location,)), mounts)) == [status]
