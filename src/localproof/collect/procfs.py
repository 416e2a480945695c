"""Live Linux state from proc/ under the audit root.

Formats: proc(5) for /proc/<pid>/{cmdline,comm,status,environ,exe,fd}; the kernel's
Documentation/networking/proc_net_tcp.rst for /proc/net/{tcp,tcp6,udp,udp6} (addresses
in hex, each 32-bit word in host byte order, i.e. little-endian on x86 and arm64).
"""

from __future__ import annotations

import ipaddress
import sys

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import Problem, Process, Socket

MAX_PROCESSES = 20_000
MAX_FDS_PER_PROCESS = 8_192
MAX_ARG_BYTES = 128 * 1024
# include/net/tcp_states.h; TIME_WAIT rows have no socket inode, so they are left out
TCP_STATES = {
    "0A": "listen",
    "01": "established",
    "02": "connecting",
    "04": "closing",  # FIN_WAIT1
    "05": "closing",  # FIN_WAIT2
    "08": "closing",  # CLOSE_WAIT
    "09": "closing",  # LAST_ACK
    "0B": "closing",  # CLOSING
}
UDP_UNCONNECTED = "07"


def read_processes(root: AuditRoot) -> tuple[tuple[Process, ...], list[Problem]]:
    try:
        names = [n for n in root.listdir("/proc") if n.isdigit()]
    except OSError as error:
        return (), [Problem("/proc", describe_error(error))]
    processes: list[Process] = []
    for name in sorted(names, key=int)[:MAX_PROCESSES]:
        process = _read_process(root, int(name))
        if process is not None:
            processes.append(process)
    hidden = sum(1 for p in processes if p.environ is None)
    problems = []
    if hidden:
        problems.append(
            Problem("/proc/*/environ", f"environment of {hidden} processes not readable")
        )
    return tuple(processes), problems


def read_process(root: AuditRoot, pid: int) -> Process | None:
    """One process, or None when it is gone, hidden or a kernel thread."""
    return _read_process(root, pid)


def process_ids(root: AuditRoot) -> set[int]:
    """The pids listed in /proc right now (empty when /proc cannot be listed)."""
    try:
        return {int(name) for name in root.listdir("/proc") if name.isdigit()}
    except OSError:
        return set()


def _read_process(root: AuditRoot, pid: int) -> Process | None:
    base = f"/proc/{pid}"
    try:
        raw_cmdline = root.read_bytes(f"{base}/cmdline", MAX_ARG_BYTES)
        comm = root.read_text(f"{base}/comm", 256).strip()
        status = root.read_text(f"{base}/status", 16_384)
    except OSError:
        return None  # the process ended while we looked, or is hidden (hidepid)
    cmdline = tuple(_split_nul(raw_cmdline))
    if not cmdline:
        return None  # kernel threads have no command line and no environment
    environ: dict[str, str] | None
    try:
        environ = _parse_environ(root.read_bytes(f"{base}/environ", MAX_ARG_BYTES))
    except OSError:
        environ = None
    try:
        exe: str | None = root.readlink(f"{base}/exe")
    except OSError:
        exe = None
    return Process(
        pid=pid,
        comm=comm,
        cmdline=cmdline,
        uid=_status_field(status, "Uid:"),
        exe=exe,
        ppid=max(_status_field(status, "PPid:"), 0),
        environ=environ,
    )


def _split_nul(raw: bytes) -> list[str]:
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def _parse_environ(raw: bytes) -> dict[str, str]:
    environ: dict[str, str] = {}
    for entry in _split_nul(raw):
        key, sep, value = entry.partition("=")
        if sep:
            environ[key] = value
    return environ


def _status_field(status: str, name: str) -> int:
    """The first number of a /proc/<pid>/status line such as `Uid:` or `PPid:`."""
    for line in status.splitlines():
        if line.startswith(name):
            fields = line.split()
            if len(fields) > 1 and fields[1].isdigit():
                return int(fields[1])
    return -1


def socket_owners(root: AuditRoot, pids: list[int]) -> tuple[dict[int, list[int]], list[Problem]]:
    """Map socket inode -> pids through the `socket:[inode]` links in /proc/<pid>/fd."""
    owners: dict[int, list[int]] = {}
    denied = 0
    for pid in pids:
        try:
            fds = root.listdir(f"/proc/{pid}/fd")[:MAX_FDS_PER_PROCESS]
        except OSError:
            denied += 1
            continue
        for fd in fds:
            try:
                target = root.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target.endswith("]"):
                inode = int(target[8:-1])
                owners.setdefault(inode, []).append(pid)
    problems = []
    if denied:
        problems.append(
            Problem("/proc/*/fd", f"open files of {denied} processes not readable (run as root)")
        )
    return owners, problems


def read_sockets(
    root: AuditRoot, owners: dict[int, list[int]]
) -> tuple[tuple[Socket, ...], list[Problem]]:
    """Listening sockets and connections (TCP established or connecting, connected UDP)."""
    sockets: list[Socket] = []
    problems: list[Problem] = []
    missing = 0
    for table in ("tcp", "tcp6", "udp", "udp6"):
        path = f"/proc/net/{table}"
        try:
            text = root.read_text(path, 64 << 20)
        except FileNotFoundError:
            missing += 1  # e.g. no tcp6 when IPv6 is disabled
            continue
        except OSError as error:
            problems.append(Problem(path, describe_error(error)))
            continue
        for line in text.splitlines()[1:]:
            parsed = _parse_socket_line(table, line, owners)
            if parsed is None:
                problems.append(Problem(path, "a malformed row was skipped"))
            elif parsed.state != "other":
                sockets.append(parsed)
    if missing == 4:
        problems.append(Problem("/proc/net", "no socket tables (proc/net/tcp and others)"))
    return tuple(sockets), problems


def _parse_socket_line(table: str, line: str, owners: dict[int, list[int]]) -> Socket | None:
    fields = line.split()
    if len(fields) < 10:
        return None
    try:
        address, port = decode_address(fields[1])
        remote_address, remote_port = decode_address(fields[2])
        uid, inode = int(fields[7]), int(fields[9])
    except ValueError:
        return None
    proto = table.rstrip("6")
    if proto == "tcp":
        state = TCP_STATES.get(fields[3], "other")
    elif remote_port == 0:
        state = "listen" if fields[3] == UDP_UNCONNECTED else "other"
    else:
        state = "connected"  # a UDP socket after connect()
    return Socket(
        proto=proto,
        family=6 if table.endswith("6") else 4,
        address=address,
        port=port,
        state=state,
        inode=inode,
        uid=uid,
        pids=tuple(owners.get(inode, ())),
        remote_address=remote_address,
        remote_port=remote_port,
    )


def decode_address(text: str) -> tuple[str, int]:
    """`0100007F:2CAA` -> ('127.0.0.1', 11434); IPv6 rows hold four 32-bit words."""
    host_hex, _, port_hex = text.partition(":")
    raw = bytes.fromhex(host_hex)
    if len(raw) not in (4, 16):
        raise ValueError("bad address length")
    words = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    if sys.byteorder == "little":
        words = [word[::-1] for word in words]
    packed = b"".join(words)
    address = ipaddress.ip_address(packed)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address), int(port_hex, 16)
