"""Host identity, mounts, device-mapper devices, swap and the core-dump pattern.

Sources: proc(5) for /proc/mounts, /proc/swaps and /proc/sys/kernel/{core_pattern,
hostname,osrelease}; the kernel's sysfs block ABI for /sys/block/dm-*/dm/{name,uuid}
and slaves/ (a dm-crypt mapping's uuid starts with `CRYPT-`, as cryptsetup sets it);
os-release(5).
"""

from __future__ import annotations

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import DeviceMapper, Mount, Problem, Swap


def _unescape(field: str) -> str:
    """/proc/mounts escapes space, tab, newline and backslash as octal (`\\040`)."""
    out, index = [], 0
    while index < len(field):
        chunk = field[index : index + 4]
        if chunk.startswith("\\") and len(chunk) == 4 and chunk[1:].isdigit():
            out.append(chr(int(chunk[1:], 8)))
            index += 4
        else:
            out.append(field[index])
            index += 1
    return "".join(out)


def read_mounts(root: AuditRoot) -> tuple[tuple[Mount, ...], list[Problem]]:
    for path in ("/proc/mounts", "/proc/self/mounts"):
        try:
            text = root.read_text(path, 4 << 20)
        except OSError:
            continue
        mounts = []
        for line in text.splitlines():
            fields = line.split()
            if len(fields) >= 4:
                mounts.append(
                    Mount(
                        device=_unescape(fields[0]),
                        mountpoint=_unescape(fields[1]),
                        fstype=fields[2],
                        options=tuple(fields[3].split(",")),
                    )
                )
        return tuple(mounts), []
    return (), [Problem("/proc/mounts", "missing or unreadable")]


def read_device_mappers(root: AuditRoot) -> tuple[DeviceMapper, ...]:
    try:
        names = [n for n in root.listdir("/sys/block") if n.startswith("dm-")]
    except OSError:
        return ()
    devices = []
    for name in names:
        base = f"/sys/block/{name}"
        try:
            uuid = root.read_text(f"{base}/dm/uuid", 4096).strip()
            dm_name = root.read_text(f"{base}/dm/name", 4096).strip()
        except OSError:
            continue
        try:
            slaves = tuple(root.listdir(f"{base}/slaves"))
        except OSError:
            slaves = ()
        devices.append(DeviceMapper(device=name, name=dm_name, uuid=uuid, slaves=slaves))
    return tuple(devices)


def read_swaps(root: AuditRoot) -> tuple[tuple[Swap, ...], list[Problem]]:
    try:
        text = root.read_text("/proc/swaps", 1 << 20)
    except OSError as error:
        return (), [Problem("/proc/swaps", describe_error(error))]
    swaps = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 3 and fields[2].isdigit():
            swaps.append(
                Swap(filename=_unescape(fields[0]), kind=fields[1], size_kb=int(fields[2]))
            )
    return tuple(swaps), []


def read_first_line(root: AuditRoot, *paths: str) -> str | None:
    for path in paths:
        try:
            return root.read_text(path, 4096).strip()
        except OSError:
            continue
    return None


def read_os_name(root: AuditRoot) -> str:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            text = root.read_text(path, 64 << 10)
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    return "unknown"
