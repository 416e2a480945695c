"""Steer TCP to every non-loopback address and port into one listener (BPF `sk_lookup`).

Why BPF: the kernel looks up a listener by destination port, so without help a connect to
a port nobody listens on is refused before any byte is sent. nftables `redirect` or TPROXY
would fix that but need the `nft`/`iptables` binaries, which are not on every machine, and
IP_TRANSPARENT alone only lets a socket bind foreign addresses - it does not widen the
port lookup. An `sk_lookup` program (Linux >= 5.9) attached to the namespace picks our
listener for any TCP connection to a non-loopback address; the accepted socket's
`getsockname()` is the original destination. Loading it needs CAP_BPF in the initial user
namespace (root); in a rootless sandbox this fails and the witness falls back to fixed
ports plus the packet log. Loopback traffic (the program talking to itself) is untouched.

The program is twenty-odd instructions assembled here, so no compiler or object file is
needed. Little-endian (x86-64, arm64) only; elsewhere `attach` reports why it cannot.
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
import sys

SYSCALL_BPF = {"x86_64": 321, "aarch64": 280}
BPF_MAP_CREATE, BPF_MAP_UPDATE_ELEM, BPF_PROG_LOAD, BPF_LINK_CREATE = 0, 2, 5, 28
BPF_MAP_TYPE_SOCKMAP = 15
BPF_PROG_TYPE_SK_LOOKUP = 30
BPF_SK_LOOKUP = 36
PSEUDO_MAP_FD = 1
HELPER_MAP_LOOKUP, HELPER_SK_RELEASE, HELPER_SK_ASSIGN = 1, 86, 124
ATTR_SIZE = 128
# struct bpf_sk_lookup field offsets (include/uapi/linux/bpf.h)
CTX_FAMILY, CTX_PROTOCOL, CTX_LOCAL_IP4, CTX_LOCAL_IP6 = 8, 12, 40, 44
SK_PASS = 1


class BpfUnavailableError(OSError):
    """The kernel refused the sk_lookup program (no privilege or no support)."""


def _insn(code: int, dst: int = 0, src: int = 0, off: int = 0, imm: int = 0) -> bytes:
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def _mov(dst: int, src: int) -> bytes:
    return _insn(0xBF, dst, src)


def _load32(dst: int, offset: int) -> bytes:
    return _insn(0x61, dst, 6, offset)  # r6 holds the context


Step = bytes | tuple[str, int, int, str] | str  # instruction, (cond, reg, imm, label), label


def _assemble(steps: list[Step]) -> bytes:
    """Resolve labelled jumps to relative offsets (a 16-byte ld_imm64 counts as two slots)."""
    labels: dict[str, int] = {}
    slot = 0
    for step in steps:
        if isinstance(step, str):
            labels[step] = slot
        else:
            slot += len(step) // 8 if isinstance(step, bytes) else 1
    out: list[bytes] = []
    slot = 0
    for step in steps:
        if isinstance(step, str):
            continue
        if isinstance(step, tuple):
            cond, reg, imm, label = step
            code = {"eq": 0x15, "ne": 0x55, "always": 0x05}[cond]
            encoded = _insn(code, reg, 0, labels[label] - slot - 1, imm)
        else:
            encoded = step
        out.append(encoded)
        slot += len(encoded) // 8
    return b"".join(out)


def program(map_fd: int) -> bytes:
    """The sk_lookup program: TCP to a non-loopback address -> the socket in map slot 0."""
    loopback6_last = struct.unpack("<I", socket.inet_aton("0.0.0.1"))[0]
    return _assemble(
        [
            _mov(6, 1),  # r6 = ctx
            _load32(2, CTX_PROTOCOL),
            ("ne", 2, socket.IPPROTO_TCP, "pass"),
            _load32(2, CTX_FAMILY),
            ("ne", 2, socket.AF_INET, "ipv6"),
            _load32(2, CTX_LOCAL_IP4),
            _insn(0x57, 2, imm=0xFF),  # first octet (network byte order, little-endian load)
            ("eq", 2, 127, "pass"),
            ("always", 0, 0, "assign"),
            "ipv6",
            _load32(2, CTX_LOCAL_IP6),
            ("ne", 2, 0, "assign"),
            _load32(2, CTX_LOCAL_IP6 + 4),
            ("ne", 2, 0, "assign"),
            _load32(2, CTX_LOCAL_IP6 + 8),
            ("ne", 2, 0, "assign"),
            _load32(2, CTX_LOCAL_IP6 + 12),
            ("eq", 2, loopback6_last, "pass"),  # ::1
            "assign",
            _insn(0x62, 10, 0, -4, 0),  # *(u32 *)(fp - 4) = 0
            _insn(0x18, 1, PSEUDO_MAP_FD, 0, map_fd) + _insn(0),  # r1 = map (ld_imm64)
            _mov(2, 10),
            _insn(0x07, 2, imm=-4),  # r2 = fp - 4
            _insn(0x85, imm=HELPER_MAP_LOOKUP),
            ("eq", 0, 0, "pass"),  # empty slot
            _mov(7, 0),
            _mov(1, 6),
            _mov(2, 7),
            _insn(0xB7, 3),  # flags = 0
            _insn(0x85, imm=HELPER_SK_ASSIGN),
            _mov(1, 7),
            _insn(0x85, imm=HELPER_SK_RELEASE),  # the lookup took a reference
            "pass",
            _insn(0xB7, 0, imm=SK_PASS),
            _insn(0x95),  # exit
        ]
    )


def _bpf(command: int, attr: bytes) -> int:
    number = SYSCALL_BPF.get(os.uname().machine)
    if number is None or sys.byteorder != "little":
        raise BpfUnavailableError(0, f"sk_lookup not assembled for {os.uname().machine}")
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(attr, ATTR_SIZE)
    result = int(libc.syscall(number, command, buffer, ATTR_SIZE))
    if result < 0:
        errno = ctypes.get_errno()
        raise BpfUnavailableError(errno, f"bpf({command}): {os.strerror(errno)}")
    return result


def attach(listener: socket.socket) -> list[int]:
    """Attach the program to the current network namespace; return fds to keep open."""
    map_fd = _bpf(BPF_MAP_CREATE, struct.pack("<IIII", BPF_MAP_TYPE_SOCKMAP, 4, 8, 1))
    key = ctypes.create_string_buffer(struct.pack("<I", 0))
    value = ctypes.create_string_buffer(struct.pack("<Q", listener.fileno()))
    update = struct.pack("<IIQQQ", map_fd, 0, ctypes.addressof(key), ctypes.addressof(value), 0)
    _bpf(BPF_MAP_UPDATE_ELEM, update)
    instructions = program(map_fd)
    code = ctypes.create_string_buffer(instructions, len(instructions))
    license_text = ctypes.create_string_buffer(b"GPL")
    load = struct.pack(
        "<IIQQIIQII16sII",
        BPF_PROG_TYPE_SK_LOOKUP,
        len(instructions) // 8,
        ctypes.addressof(code),
        ctypes.addressof(license_text),
        0,
        0,
        0,
        0,
        0,
        b"lp_witness",
        0,
        BPF_SK_LOOKUP,
    )
    prog_fd = _bpf(BPF_PROG_LOAD, load)
    netns_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    link_fd = _bpf(BPF_LINK_CREATE, struct.pack("<IIII", prog_fd, netns_fd, BPF_SK_LOOKUP, 0))
    return [map_fd, prog_fd, netns_fd, link_fd]
