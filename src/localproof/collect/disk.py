"""Data at rest and prompt residue: FIPS mode, where each store physically lives (its
parents' modes, its fscrypt flag), systemd-coredump's storage, units' `LimitCORE=`,
enabled units, and FileVault/BitLocker on live macOS/Windows.

Formats and sources are documented on the facts in `localproof.facts.disk`. Everything is
read through the `AuditRoot`; the one ioctl (FS_IOC_GETFLAGS) only reads inode flags.
"""

from __future__ import annotations

import os
import platform
import struct
import sys
from collections.abc import Iterable

from localproof.collect import commands
from localproof.collect.fsroot import AuditRoot
from localproof.facts import FileKind, Mount, Process, StoreFile, SystemdUnit
from localproof.facts.disk import (
    AclGrant,
    CoredumpConfig,
    DiskFacts,
    PathNode,
    ProcessCoreLimit,
    StoreLocation,
    UnitCoreLimit,
    VolumeEncryption,
    mount_for,
)

FS_IOC_GETFLAGS = 0x80086601  # _IOR('f', 1, long) on 64-bit Linux (include/uapi/linux/fs.h)
FS_ENCRYPT_FL = 0x00000800
FSCRYPT_FILESYSTEMS = ("ext4", "f2fs", "ubifs")
ACL_XATTR = "system.posix_acl_access"
ACL_VERSION, ACL_USER, ACL_GROUP, ACL_MASK = 0x0002, 0x02, 0x08, 0x10
ACL_READ, ACL_EXECUTE = 0x04, 0x01
# coredump.conf(5): the main file is read first, then drop-ins from every directory sorted
# by file name (a name in /etc hides the same name further down).
COREDUMP_MAIN = (
    "/etc/systemd/coredump.conf",
    "/run/systemd/coredump.conf",
    "/usr/local/lib/systemd/coredump.conf",
    "/usr/lib/systemd/coredump.conf",
)
COREDUMP_DROPIN_DIRS = (
    "/etc/systemd/coredump.conf.d",
    "/run/systemd/coredump.conf.d",
    "/usr/local/lib/systemd/coredump.conf.d",
    "/usr/lib/systemd/coredump.conf.d",
)
UNIT_DIRS = ("/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system")
MAX_CONFIG = 256 << 10


def read_disk(
    root: AuditRoot,
    stores: Iterable[StoreFile],
    mounts: tuple[Mount, ...],
    units: tuple[SystemdUnit, ...],
    processes: tuple[Process, ...] = (),
) -> DiskFacts:
    return DiskFacts(
        fips_enabled=read_fips(root),
        locations=tuple(store_location(root, store, mounts) for store in stores),
        coredump=read_coredump_config(root),
        unit_core_limits=read_unit_core_limits(units),
        process_core_limits=read_process_core_limits(root, processes),
        enabled_units=read_enabled_units(root),
        volume_encryption=read_volume_encryption(root),
    )


def read_fips(root: AuditRoot) -> bool | None:
    try:
        value = root.read_text("/proc/sys/crypto/fips_enabled", 64).strip()
    except OSError:
        return None
    return {"1": True, "0": False}.get(value)


def store_location(root: AuditRoot, store: StoreFile, mounts: tuple[Mount, ...]) -> StoreLocation:
    path = store.file.resolved or store.file.path
    mount = mount_for(path, mounts)
    metadata = flag = None
    # only filesystems with fscrypt support are asked: never a network or FUSE mount, where
    # even an open() can block (linux Documentation/filesystems/fscrypt.rst: ext4, F2FS, UBIFS)
    if mount is not None and mount.fstype in FSCRYPT_FILESYSTEMS:
        candidate = f"{mount.mountpoint.rstrip('/')}/.fscrypt"
        metadata = candidate if root.stat(candidate).kind is FileKind.DIRECTORY else None
        flag = _fscrypt_flag(root, path) if store.file.exists else None
    return StoreLocation(
        path=store.file.path,
        parents=_parents(root, path),
        fscrypt_flag=flag,
        fscrypt_metadata=metadata,
        acl_read=acl_grants(_access_acl(root, path), ACL_READ),
    )


def _parents(root: AuditRoot, path: str) -> tuple[PathNode, ...] | None:
    parts = [p for p in path.split("/") if p][:-1]
    nodes = []
    for depth in range(len(parts) + 1):
        directory = "/" + "/".join(parts[:depth])
        fact = root.stat(directory, follow=False)
        if fact.kind is not FileKind.DIRECTORY:
            return None
        search = acl_grants(_access_acl(root, directory), ACL_EXECUTE)
        nodes.append(PathNode(directory, fact.permission_bits, fact.uid, fact.gid, search))
    return tuple(nodes)


def _access_acl(root: AuditRoot, path: str) -> bytes:
    """The raw `system.posix_acl_access` attribute (empty when there is none or no way to
    ask): reading an xattr changes nothing on disk."""
    if not hasattr(os, "getxattr"):
        return b""
    try:
        host = root.host_path(root.resolve(path))
        return os.getxattr(host, ACL_XATTR, follow_symlinks=False)
    except (OSError, ValueError):
        return b""


def acl_grants(raw: bytes, permission: int) -> tuple[AclGrant, ...]:
    """Named ACL_USER/ACL_GROUP entries whose permissions, masked, include `permission`.

    Layout (linux include/uapi/linux/posix_acl_xattr.h): little-endian u32 version 2, then
    entries of u16 e_tag, u16 e_perm, u32 e_id.
    """
    if len(raw) < 4 or struct.unpack_from("<I", raw)[0] != ACL_VERSION:
        return ()
    entries = [struct.unpack_from("<HHI", raw, offset) for offset in range(4, len(raw) - 7, 8)]
    mask = next((perm for tag, perm, _ in entries if tag == ACL_MASK), 0o7)
    kinds = {ACL_USER: "user", ACL_GROUP: "group"}
    return tuple(
        AclGrant(kinds[tag], ident)
        for tag, perm, ident in entries
        if tag in kinds and perm & mask & permission
    )


def _fscrypt_flag(root: AuditRoot, path: str) -> bool | None:
    """FS_ENCRYPT_FL of the store's inode; None where the filesystem cannot say."""
    if sys.platform != "linux":
        return None
    import fcntl  # noqa: PLC0415 - POSIX only, and FileVault/BitLocker run where it is absent

    try:
        host = root.host_path(root.resolve(path))
        fd = os.open(host, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except (OSError, ValueError):
        return None
    try:
        # the kernel writes an int despite the `long` in the macro (fs/ioctl.c)
        raw = fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 8)
    except OSError:
        return None
    finally:
        os.close(fd)
    return bool(struct.unpack("=I", raw[:4])[0] & FS_ENCRYPT_FL)


def read_coredump_config(root: AuditRoot) -> CoredumpConfig:
    files = [path for path in COREDUMP_MAIN if root.stat(path).kind is FileKind.FILE][:1]
    dropins: dict[str, str] = {}
    for directory in COREDUMP_DROPIN_DIRS:
        try:
            names = root.listdir(directory)
        except OSError:
            continue
        for name in names:
            if name.endswith(".conf"):
                dropins.setdefault(name, f"{directory}/{name}")
    files += [dropins[name] for name in sorted(dropins)]
    storage = source = None
    for path in files:
        value = _coredump_storage(root, path)
        if value is not None:
            storage, source = value, path
    return CoredumpConfig(storage=storage, source=source, files=tuple(files))


def _coredump_storage(root: AuditRoot, path: str) -> str | None:
    try:
        text = root.read_text(path, MAX_CONFIG)
    except OSError:
        return None
    section, value = "", None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "Coredump" and line.startswith("Storage="):
            value = line.split("=", 1)[1].strip().lower()
    return value


def read_unit_core_limits(units: tuple[SystemdUnit, ...]) -> tuple[UnitCoreLimit, ...]:
    """The last `LimitCORE=` of each unit, as the systemd collector merged it."""
    return tuple(
        UnitCoreLimit(unit=unit.name, limit=unit.limit_core[0], source=unit.limit_core[1])
        for unit in units
        if unit.limit_core is not None
    )


def read_process_core_limits(
    root: AuditRoot, processes: tuple[Process, ...]
) -> tuple[ProcessCoreLimit, ...]:
    """`Max core file size` rows of /proc/<pid>/limits (fs/proc/base.c proc_pid_limits)."""
    limits = []
    for process in processes:
        try:
            text = root.read_text(f"/proc/{process.pid}/limits", 8192)
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Max core file size"):
                fields = line[len("Max core file size") :].split()
                if fields:
                    limits.append(ProcessCoreLimit(process.pid, fields[0]))
    return tuple(limits)


def read_enabled_units(root: AuditRoot) -> tuple[str, ...]:
    """Units linked into a `*.wants/` directory, as `systemctl enable` leaves them."""
    enabled: set[str] = set()
    for directory in UNIT_DIRS:
        try:
            names = root.listdir(directory)
        except OSError:
            continue
        for name in names:
            if not name.endswith(".wants"):
                continue
            try:
                enabled.update(root.listdir(f"{directory}/{name}"))
            except OSError:
                continue
    return tuple(sorted(enabled))


def read_volume_encryption(
    root: AuditRoot,
    runner: commands.CommandRunner | None = None,
    system: str | None = None,
) -> VolumeEncryption | None:
    """FileVault / BitLocker, only when auditing this very macOS or Windows host."""
    if not root.live:
        return None
    system = system or platform.system()
    runner = runner or commands.LiveCommands()
    if system == "Darwin":
        return VolumeEncryption("FileVault", commands.filevault_enabled(runner))
    if system == "Windows":
        drive = os.environ.get("SYSTEMDRIVE", "C:")
        return VolumeEncryption("BitLocker", commands.bitlocker_enabled(runner, drive))
    return None
