"""DNS sink: every name gets its own synthetic address, so a later connection maps back to it.

IPv4 addresses come from 198.18.0.0/15 and IPv6 from 2001:2::/48: both are IANA
special-purpose blocks reserved for benchmarking (RFC 2544 / RFC 5180), "not globally
reachable", and never assigned to a real host, so an address from them in a report is
unambiguously synthetic. We do not use fd00::/8: unique-local addresses are in real use on
home, VPN and Docker networks and could be mistaken for a real destination. Name number k
gets 198.18.0.0 + k and 2001:2::k, never reused within a run.

HTTPS/SVCB queries (types 65/64) get NODATA, which also keeps clients from ECH and HTTP/3
upgrades (so the TLS SNI stays visible); other types get NODATA too. Wire format is
dnslib's; no hand-written parsing.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

IPV4_POOL = ipaddress.IPv4Network("198.18.0.0/15")
IPV6_POOL = ipaddress.IPv6Network("2001:2::/48")
TTL = 5


@cache
def dnslib() -> Any:  # noqa: ANN401 - dnslib ships no type information
    """dnslib, imported on first use: it costs ~25 ms that the sandbox start should not pay.

    `preload()` runs it in a thread while the program starts.
    """
    return import_module("dnslib")


def preload() -> None:
    dnslib()


class NameMap:
    """Name <-> synthetic address, thread-safe, stable for the whole run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: dict[str, int] = {}
        self._names: list[str] = []

    def addresses(self, name: str) -> tuple[str, str]:
        """The (IPv4, IPv6) pair handed out for `name`, allocating one on first sight."""
        with self._lock:
            index = self._index.get(name)
            if index is None:
                self._names.append(name)
                index = len(self._names)
                self._index[name] = index
        if index >= IPV4_POOL.num_addresses - 1:
            raise OverflowError("synthetic address pool exhausted")
        return str(IPV4_POOL[index]), str(IPV6_POOL[index])

    def name_for(self, address: str) -> str | None:
        """The name a synthetic address was handed out for, if it was."""
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return None
        pool = IPV4_POOL if parsed.version == 4 else IPV6_POOL
        if parsed not in pool:
            return None
        index = int(parsed) - int(pool.network_address)
        with self._lock:
            if 1 <= index <= len(self._names):
                return self._names[index - 1]
        return None


@dataclass(frozen=True)
class Question:
    """What one DNS message asked: the name (lower case, no trailing dot) and its type."""

    name: str
    qtype: str


def _ptr_address(name: str) -> str | None:
    """The address a reverse (PTR) name stands for, e.g. 7.0.18.198.in-addr.arpa."""
    if name.endswith(".in-addr.arpa"):
        parts = name.removesuffix(".in-addr.arpa").split(".")
        return ".".join(reversed(parts)) if len(parts) == 4 else None
    if name.endswith(".ip6.arpa"):
        nibbles = name.removesuffix(".ip6.arpa").split(".")
        if len(nibbles) != 32:
            return None
        digits = "".join(reversed(nibbles))
        try:
            return str(ipaddress.IPv6Address(int(digits, 16)))
        except ValueError:
            return None
    return None


def _answer_records(names: NameMap, question: Question, qname: object) -> list[object]:
    lib = dnslib()
    if question.qtype in {"A", "AAAA"}:
        ipv4, ipv6 = names.addresses(question.name)
        if question.qtype == "A":
            return [lib.RR(qname, lib.QTYPE.A, rdata=lib.A(ipv4), ttl=TTL)]
        return [lib.RR(qname, lib.QTYPE.AAAA, rdata=lib.AAAA(ipv6), ttl=TTL)]
    if question.qtype == "PTR":
        address = _ptr_address(question.name)
        target = names.name_for(address) if address else None
        if target:
            return [lib.RR(qname, lib.QTYPE.PTR, rdata=lib.PTR(target + "."), ttl=TTL)]
    return []


def answer(names: NameMap, message: bytes) -> tuple[bytes | None, list[Question]]:
    """Reply to one DNS query message; `None` when it is not a parseable query."""
    lib = dnslib()
    try:
        query = lib.DNSRecord.parse(message)
    except (lib.DNSError, ValueError, IndexError):
        return None, []
    questions: list[Question] = []
    reply = query.reply()
    for item in query.questions:
        qtype = str(lib.QTYPE.get(item.qtype, "?"))
        question = Question(str(item.qname).rstrip(".").lower(), qtype)
        questions.append(question)
        for record in _answer_records(names, question, item.qname):
            reply.add_answer(record)
    if not questions:
        return None, []
    return bytes(reply.pack()), questions
