"""The active probe: confirm an exposure by asking the listener for something harmless.

It only ever connects to this host's own non-loopback addresses, read from
/proc/net/fib_trie (IPv4 `host LOCAL` entries) and /proc/net/if_inet6 (proc(5)), with
short timeouts, one HTTP/1.0 GET of a read-only path from the knowledge base (a version
or health endpoint), and reads only the status line. Any other address is refused
before a socket is opened.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Iterator

from localproof.collect.fsroot import AuditRoot
from localproof.facts import Facts, Socket
from localproof.facts.probe import ProbeResult
from localproof.kb import Tool

TIMEOUT_SECONDS = 1.5
MAX_PROBES = 64
MAX_ANSWER = 16_384
WILDCARDS = ("0.0.0.0", "::")  # noqa: S104 - recognising wildcard binds, not binding


class NotOwnAddressError(ValueError):
    """The probe was asked to contact an address that is not this host's own."""


def _fib_trie_locals(text: str) -> set[str]:
    found: set[str] = set()
    candidate = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|-- "):
            candidate = stripped[4:]
        elif candidate and stripped.startswith("/32 host LOCAL"):
            found.add(candidate)
    return found


def _if_inet6(text: str) -> set[str]:
    found: set[str] = set()
    for line in text.splitlines():
        fields = line.split()
        if fields and len(fields[0]) == 32:
            found.add(str(ipaddress.IPv6Address(bytes.fromhex(fields[0]))))
    return found


def own_addresses(root: AuditRoot) -> set[str]:
    """This host's own addresses that others could reach: no loopback, no link-local."""
    addresses: set[str] = set()
    for path, parse in (
        ("/proc/net/fib_trie", _fib_trie_locals),
        ("/proc/net/if_inet6", _if_inet6),
    ):
        try:
            addresses |= parse(root.read_text(path, 4 << 20))
        except (OSError, ValueError):
            continue
    usable = set()
    for text in addresses:
        address = ipaddress.ip_address(text)
        if not (address.is_loopback or address.is_link_local or address.is_unspecified):
            usable.add(str(address))
    return usable


def request_status(address: str, port: int, path: str, own: set[str]) -> ProbeResult:
    """GET `path` from address:port and return the HTTP status; refuses foreign addresses."""
    if address not in own:
        raise NotOwnAddressError(f"{address} is not one of this host's own addresses")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    host = f"[{address}]" if family == socket.AF_INET6 else address
    request = f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
    try:
        with socket.socket(family, socket.SOCK_STREAM) as connection:
            connection.settimeout(TIMEOUT_SECONDS)
            connection.connect((address, port))
            connection.sendall(request.encode("ascii"))
            head = _read_head(connection)
    except OSError as error:
        return ProbeResult("", address, port, path, None, error.strerror or type(error).__name__)
    parts = head.split(b" ", 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return ProbeResult("", address, port, path, int(parts[1]))
    return ProbeResult("", address, port, path, None, "answered, but not with HTTP")


def _read_head(connection: socket.socket) -> bytes:
    """The status line; the rest of a short answer is drained (not kept) so the server
    sees an orderly close."""
    head = b""
    received = 0
    while received < MAX_ANSWER:
        chunk = connection.recv(4096)
        if not chunk:
            break
        if not head:
            head = chunk[:64]
        received += len(chunk)
    return head


def _targets(sockets: Iterable[Socket], own: set[str]) -> Iterator[tuple[str, int]]:
    for listening in sockets:
        if listening.address in WILDCARDS:
            same_family = (a for a in own if (":" in a) == (listening.family == 6))
            # a wildcard IPv6 socket usually accepts IPv4 too; IPv4 own addresses suffice
            candidates = sorted(same_family) or sorted(own)
            yield from ((address, listening.port) for address in candidates)
        elif listening.address in own:
            yield listening.address, listening.port


def run_probes(facts: Facts, tools: dict[str, Tool], root: AuditRoot) -> tuple[ProbeResult, ...]:
    own = own_addresses(root)
    results: list[ProbeResult] = []
    for tool in tools.values():
        paths = {probe.port: probe.path for probe in tool.probes}
        pids = {p.pid for p in facts.processes if tool.runs_as(p.cmdline, p.comm)}
        sockets = [
            s
            for s in facts.sockets
            if s.state == "listen"
            and s.proto == "tcp"
            and pids.intersection(s.pids)
            and s.port in paths
        ]
        for address, port in _targets(sockets, own):
            if len(results) >= MAX_PROBES:
                return tuple(results)
            result = request_status(address, port, paths[port], own)
            results.append(
                ProbeResult(tool.slug, address, port, paths[port], result.status, result.error)
            )
    return tuple(results)
