"""Facts about data at rest and prompt residue: where a store physically lives, how the
device under it is encrypted, and what the host does with core dumps.

Sources, each read by `localproof.collect.disk`:

- /proc/sys/crypto/fips_enabled: the kernel's FIPS mode (linux crypto/fips.c, set by the
  `fips=1` boot parameter); `1` means the kernel crypto API restricts itself to
  FIPS-approved algorithms, which says nothing about whether a CMVP certificate covers
  this build.
- POSIX access ACLs of the store and its parents (`system.posix_acl_access`, linux
  include/uapi/linux/posix_acl_xattr.h): named users and groups that may read or search.
- the store's ancestors (`stat` of every directory from `/` down) and its fscrypt flag:
  FS_IOC_GETFLAGS reports FS_ENCRYPT_FL (0x800) on files of an fscrypt-encrypted tree
  (linux: Documentation/filesystems/fscrypt.rst, "if you only need to know whether a file
  is encrypted ... use the FS_IOC_GETFLAGS ioctl and check for FS_ENCRYPT_FL");
  `fscrypt setup` keeps its metadata in `<mountpoint>/.fscrypt/{policies,protectors}`
  (google/fscrypt: README.md, filesystem/filesystem.go).
- systemd-coredump's configuration (coredump.conf(5), systemd/systemd:
  man/coredump.conf.xml): `[Coredump] Storage=` is `none`, `external` (the default,
  /var/lib/systemd/coredump/) or `journal`.
- `LimitCORE=` of service units (systemd.exec(5)); systemd-coredump drops a dump whose
  RLIMIT_CORE is below a page (systemd/systemd: src/coredump/coredump.c, "Resource limits
  disable core dumping"), and the kernel writes no core file at limit 0 (core(5)); the
  limit of a running process is the `Max core file size` row of /proc/<pid>/limits.
- units linked into `*.wants/` directories, as `systemctl enable` leaves them.

The pure helpers at the end map a path to its mount and a device to its device-mapper
chain; checks for encryption and swap share them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

# Device-mapper uuids that cryptsetup gives an encrypting mapping: "CRYPT-<type>-..."
# (cryptsetup: lib/libdevmapper.c dm_prepare_uuid, "CRYPT-<devicetype>-[<uuid>-]<name>";
# types from lib/libcryptsetup.h). VERITY and INTEGRITY mappings verify, they do not encrypt.
ENCRYPTING_CRYPT_TYPES = ("PLAIN", "LUKS1", "LUKS2", "LOOPAES", "TCRYPT", "BITLK", "FVAULT2")
MEMORY_FILESYSTEMS = ("tmpfs", "ramfs")
NETWORK_FILESYSTEMS = (
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "fuse.sshfs",
    "9p",
    "ceph",
    "glusterfs",
    "fuse.rclone",
)
PLAIN_DEVICE_PREFIXES = (
    "/dev/sd",
    "/dev/nvme",
    "/dev/vd",
    "/dev/xvd",
    "/dev/hd",
    "/dev/mmcblk",
    "/dev/md",
)


@dataclass(frozen=True)
class AclGrant:
    """A named user or group that a POSIX access ACL lets through, after the mask
    (`system.posix_acl_access`, linux include/uapi/linux/posix_acl_xattr.h)."""

    kind: str  # user | group
    id: int


@dataclass(frozen=True)
class PathNode:
    """`stat` of one directory on the way to a store (owner, group, permission bits), and
    the named users and groups its ACL lets search it."""

    path: str
    mode: int
    uid: int
    gid: int
    acl_search: tuple[AclGrant, ...] = ()


@dataclass(frozen=True)
class StoreLocation:
    """Where a store physically lives.

    `parents` runs from `/` to the store's own directory (None when a parent could not be
    inspected). `fscrypt_flag` is FS_ENCRYPT_FL of the store (None: the filesystem could not
    be asked); `fscrypt_metadata` is the `.fscrypt` directory at its mount's root, if any.
    """

    path: str
    parents: tuple[PathNode, ...] | None
    fscrypt_flag: bool | None
    fscrypt_metadata: str | None
    acl_read: tuple[AclGrant, ...] = ()  # named users and groups its ACL lets read it


@dataclass(frozen=True)
class CoredumpConfig:
    """The effective `Storage=` of systemd-coredump and the file that set it.

    `storage` is None when no file sets it (the compiled-in default, `external`, applies).
    """

    storage: str | None = None
    source: str | None = None
    files: tuple[str, ...] = ()

    @property
    def effective_storage(self) -> str:
        return (self.storage or "external").lower()


@dataclass(frozen=True)
class UnitCoreLimit:
    """`LimitCORE=` of a service unit, as written (`0`, `infinity`, `0:0`, ...)."""

    unit: str
    limit: str
    source: str

    @property
    def disables_dumps(self) -> bool:
        soft = self.limit.split(":", 1)[0].strip().lower()
        return soft in ("0", "0b", "0k", "0m", "0g")


@dataclass(frozen=True)
class ProcessCoreLimit:
    """The soft `Max core file size` of a running process (/proc/<pid>/limits, written by
    linux fs/proc/base.c proc_pid_limits(): "unlimited" or a number of bytes)."""

    pid: int
    soft: str

    @property
    def disables_dumps(self) -> bool:
        return self.soft == "0"


@dataclass(frozen=True)
class VolumeEncryption:
    """macOS FileVault or Windows BitLocker from their status commands (live audits only)."""

    method: str
    enabled: bool | None


@dataclass(frozen=True)
class DiskFacts:
    """Everything the at-rest and residue checks read besides mounts, swaps and accounts."""

    fips_enabled: bool | None = None
    locations: tuple[StoreLocation, ...] = ()
    coredump: CoredumpConfig = field(default_factory=CoredumpConfig)
    unit_core_limits: tuple[UnitCoreLimit, ...] = ()
    process_core_limits: tuple[ProcessCoreLimit, ...] = ()
    enabled_units: tuple[str, ...] = ()
    volume_encryption: VolumeEncryption | None = None

    def location(self, path: str) -> StoreLocation | None:
        return next((item for item in self.locations if item.path == path), None)


# -- pure helpers shared by the collector and the checks ---------------------------------------


class MountLike(Protocol):
    """The part of `facts.Mount` the helpers need."""

    @property
    def device(self) -> str: ...
    @property
    def mountpoint(self) -> str: ...
    @property
    def fstype(self) -> str: ...


class DeviceMapperLike(Protocol):
    """The part of `facts.DeviceMapper` the helpers need."""

    @property
    def device(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def uuid(self) -> str: ...
    @property
    def slaves(self) -> tuple[str, ...]: ...


M = TypeVar("M", bound=MountLike)


@dataclass(frozen=True)
class DeviceVerdict:
    """Whether a block device encrypts what is written to it.

    `state` is `encrypted`, `plain`, `memory` or `unknown`; `how` names the layer
    (`dm-crypt LUKS2 on dm-0`), `reason` why it could not be told.
    """

    state: str
    how: str = ""
    reason: str = ""


def mount_for(path: str, mounts: Iterable[M]) -> M | None:
    """The mount holding `path`: the longest mountpoint that is a prefix of it (the last
    one listed wins, as a later mount hides an earlier one on the same point)."""
    best: M | None = None
    for mount in mounts:
        point = mount.mountpoint.rstrip("/") or "/"
        inside = point in ("/", path) or path.startswith(point + "/")
        if inside and (best is None or len(point) >= len(best.mountpoint.rstrip("/") or "/")):
            best = mount
    return best


def crypt_type(uuid: str) -> str | None:
    """`LUKS2` for "CRYPT-LUKS2-<hex>-<name>"; None for anything that is not dm-crypt."""
    if not uuid.startswith("CRYPT-"):
        return None
    kind = uuid[len("CRYPT-") :].split("-", 1)[0]
    return kind if kind in ENCRYPTING_CRYPT_TYPES else None


def classify_device(device: str, mappers: Iterable[DeviceMapperLike]) -> DeviceVerdict:
    """Follow `/dev/mapper/<name>` or `/dev/dm-N` down its slaves (LVM on LUKS, LUKS on
    LVM, ...) looking for a dm-crypt layer."""
    if device.startswith("/dev/zram"):
        return DeviceVerdict("memory", how=f"{device} (compressed RAM)")
    table = list(mappers)
    start = _mapper_for(device, table)
    if start is None:
        if device.startswith(("/dev/mapper/", "/dev/dm-")):
            return DeviceVerdict("unknown", reason=f"no device-mapper details for {device}")
        if device.startswith(PLAIN_DEVICE_PREFIXES):
            return DeviceVerdict("plain", how=f"{device} (no encryption layer)")
        return DeviceVerdict("unknown", reason=f"cannot tell what backs {device}")
    return _walk_chain(device, start, {m.device: m for m in table})


def _walk_chain(
    device: str, start: DeviceMapperLike, by_device: dict[str, DeviceMapperLike]
) -> DeviceVerdict:
    pending, seen, names = [start], set(), []
    while pending:
        mapper = pending.pop(0)
        if mapper.device in seen:
            continue
        seen.add(mapper.device)
        names.append(f"{mapper.device} ({mapper.name})")
        kind = crypt_type(mapper.uuid)
        if kind is not None:
            return DeviceVerdict("encrypted", how=f"dm-crypt {kind} on {mapper.device}")
        pending += [by_device[s] for s in mapper.slaves if s in by_device]
    chain = " -> ".join(names)
    return DeviceVerdict("plain", how=f"{device}: {chain}, no dm-crypt layer")


def _mapper_for(device: str, table: list[DeviceMapperLike]) -> DeviceMapperLike | None:
    if device.startswith("/dev/mapper/"):
        name = device[len("/dev/mapper/") :]
        return next((m for m in table if m.name == name), None)
    if device.startswith("/dev/dm-"):
        node = device[len("/dev/") :]
        return next((m for m in table if m.device == node), None)
    return None


def classify_mount(mount: MountLike, mappers: Iterable[DeviceMapperLike]) -> DeviceVerdict:
    """Encryption of a mounted filesystem as far as files under /proc and /sys can tell."""
    where = f"{mount.mountpoint} ({mount.fstype} on {mount.device})"
    if mount.fstype in MEMORY_FILESYSTEMS:
        return DeviceVerdict("memory", how=f"{where}: held in memory")
    if mount.fstype == "ecryptfs":
        return DeviceVerdict("encrypted", how=f"{where}: eCryptfs")
    if mount.fstype == "zfs":
        return DeviceVerdict(
            "unknown",
            reason=f"{where}: ZFS native encryption is a dataset property that no file "
            f"shows; run `zfs get encryption {mount.device}`",
        )
    if mount.fstype in NETWORK_FILESYSTEMS:
        return DeviceVerdict(
            "unknown", reason=f"{where}: a network filesystem, encrypted or not on its server"
        )
    verdict = classify_device(mount.device, mappers)
    if verdict.state == "unknown":
        return DeviceVerdict("unknown", reason=f"{where}: {verdict.reason}")
    return DeviceVerdict(verdict.state, how=f"{where}: {verdict.how}")
