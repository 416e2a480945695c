"""Text formats of Linux /proc files, as the kernel prints them.

Pure functions, no I/O: `HostBuilder` writes what they return. Each function names the
kernel source that prints the format it imitates.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Mapping, Sequence

# include/net/tcp_states.h
TCP_ESTABLISHED = 0x01
TCP_CLOSE = 0x07  # an unconnected UDP socket is shown in this state
TCP_LISTEN = 0x0A

# net/ipv4/tcp_ipv4.c: tcp4_seq_show() pads every line to TMPSZ - 1 = 149 characters.
TCP4_HEADER = (
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
    " inode"
)
TCP4_WIDTH = 149
# net/ipv4/udp.c: udp4_seq_show() pads every line to 127 characters.
UDP4_HEADER = (
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
    " inode ref pointer drops"
)
UDP4_WIDTH = 127
# net/ipv6/tcp_ipv6.c: tcp6_seq_show(); net/ipv6/datagram.c (IPV6_SEQ_DGRAM_HEADER). No padding.
_V6_COLUMNS = (
    "  sl  local_address                         remote_address                        st"
    " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
)
TCP6_HEADER = _V6_COLUMNS
UDP6_HEADER = _V6_COLUMNS + " ref pointer drops"

NET_HEADERS: Mapping[str, str] = {
    "tcp": TCP4_HEADER,
    "tcp6": TCP6_HEADER,
    "udp": UDP4_HEADER,
    "udp6": UDP6_HEADER,
}
_WIDTHS: Mapping[str, int] = {"tcp": TCP4_WIDTH, "udp": UDP4_WIDTH}
_NULL_POINTER = "0" * 16  # %pK prints zeros to readers without CAP_SYSLOG (kptr_restrict)


def hex_address(address: str, port: int, *, ipv6: bool) -> str:
    """An address as /proc/net/{tcp,udp}[6] shows it on a little-endian machine.

    The kernel prints the raw __be32 words with %08X, so each 32-bit word appears
    byte-swapped: 127.0.0.1:11434 -> "0100007F:2CAA"; IPv6 uses four such words.
    """
    ip = ipaddress.ip_address(address)
    if (ip.version == 6) != ipv6:
        raise ValueError(f"{address} is not an IPv{6 if ipv6 else 4} address")
    words = struct.unpack(f"<{len(ip.packed) // 4}I", ip.packed)
    return "".join(f"{word:08X}" for word in words) + f":{port:04X}"


def net_row(
    proto: str,
    slot: int,
    local: tuple[str, int],
    remote: tuple[str, int],
    *,
    state: int,
    uid: int,
    inode: int,
) -> str:
    """One socket line of /proc/net/<proto>, without the newline.

    tcp: net/ipv4/tcp_ipv4.c get_tcp4_sock(); tcp6: net/ipv6/tcp_ipv6.c get_tcp6_sock();
    udp: net/ipv4/udp.c udp4_format_sock(); udp6: net/ipv6/datagram.c __ip6_dgram_sock_seq_show().
    """
    ipv6 = proto.endswith("6")
    addresses = f"{hex_address(*local, ipv6=ipv6)} {hex_address(*remote, ipv6=ipv6)} {state:02X}"
    common = f"00000000:00000000 00:00000000 00000000 {uid:5d} {0:8d} {inode}"
    if proto.startswith("tcp"):
        refcount = 1 if state == TCP_LISTEN else 2
        # rto ato quick|pingpong cwnd ssthresh(LISTEN: fastopen max_qlen, else -1 in slow start)
        timers = "100 0 0 10 0" if state == TCP_LISTEN else "20 4 30 10 -1"
        row = f"{slot:4d}: {addresses} {common} {refcount} {_NULL_POINTER} {timers}"
    else:
        row = f"{slot:5d}: {addresses} {common} 2 {_NULL_POINTER} 0"
    return row.ljust(_WIDTHS.get(proto, 0))


def net_table(proto: str, rows: Sequence[str]) -> str:
    """A whole /proc/net/<proto> file: the header line, then one line per socket."""
    width = _WIDTHS.get(proto, 0)
    lines = [NET_HEADERS[proto].ljust(width), *rows]
    return "".join(f"{line}\n" for line in lines)


def status_text(
    *, name: str, pid: int, ppid: int, uid: int, gid: int, groups: Sequence[int] = ()
) -> str:
    """The leading lines of /proc/<pid>/status (fs/proc/array.c: task_state()).

    Uid/Gid carry real, effective, saved and filesystem ids, tab-separated; Groups lists
    supplementary gids, each followed by a space.
    """
    group_list = "".join(f"{group} " for group in groups)
    lines = [
        f"Name:\t{name}",
        "Umask:\t0022",
        "State:\tS (sleeping)",
        f"Tgid:\t{pid}",
        "Ngid:\t0",
        f"Pid:\t{pid}",
        f"PPid:\t{ppid}",
        "TracerPid:\t0",
        f"Uid:\t{uid}\t{uid}\t{uid}\t{uid}",
        f"Gid:\t{gid}\t{gid}\t{gid}\t{gid}",
        "FDSize:\t64",
        f"Groups:\t{group_list}",
        "Threads:\t1",
    ]
    return "".join(f"{line}\n" for line in lines)


def comm_of(argv0: str) -> str:
    """The task name: basename of argv[0], cut to TASK_COMM_LEN - 1 = 15 bytes (fs/exec.c)."""
    return argv0.rsplit("/", 1)[-1].encode()[:15].decode(errors="ignore")


def mangle(field: str) -> str:
    """Escape a /proc/mounts field like fs/proc_namespace.c mangle(): space, tab, newline,
    backslash and '#' become three-digit octal escapes ("\\040")."""
    return "".join(f"\\{ord(char):03o}" if char in " \t\n\\#" else char for char in field)


def swaps_line(filename: str, kind: str, size_kb: int, used_kb: int, priority: int) -> str:
    """One /proc/swaps line (mm/swapfile.c swap_show()): the path padded to 40 columns,
    "partition" or "file\\t", then size, used and priority with tab stops."""
    kind_column = {"partition": "partition", "file": "file\t"}[kind]
    path = filename.replace("\\", "\\134").replace(" ", "\\040")
    padding = " " * (40 - len(path) if len(path) < 40 else 1)
    size_tab = "\t" if size_kb < 10_000_000 else ""
    used_tab = "\t" if used_kb < 10_000_000 else ""
    return f"{path}{padding}{kind_column}\t{size_kb}\t{size_tab}{used_kb}\t{used_tab}{priority}\n"


SWAPS_HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
