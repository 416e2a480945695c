"""Packet log on the namespace's loopback: the backstop for what no listener answers.

An AF_PACKET socket bound to `lo` sees every packet in the namespace (all traffic is on
`lo`, since every address is local). It records UDP to ports other than 53, ICMP echo
(ping), other IP protocols, and - when TCP is not answered on every port - SYNs to ports
without a listener (the program gets a reset; the attempt is still on record).

Each packet crosses `lo` twice (out and in); only the outgoing copy is read.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading
from dataclasses import dataclass

from localproof.witness.dns import NameMap
from localproof.witness.recorder import Recorder
from localproof.witness.sink import Waker

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
TCP_SYN, TCP_ACK = 0x02, 0x10
ECHO_REQUEST = {ICMP: 8, ICMPV6: 128}
IPV6_FRAGMENT = 44
IPV6_EXTENSIONS = frozenset({0, 43, IPV6_FRAGMENT, 60})


@dataclass(frozen=True)
class Packet:
    """The parts of an IP packet the witness records; never the payload."""

    family: int
    protocol: int
    source: str
    destination: str
    payload: bytes  # transport header and beyond, for port and flag parsing only


def parse_ip(data: bytes, ethertype: int) -> Packet | None:
    if ethertype == ETH_P_IP and len(data) >= 20:
        header = (data[0] & 0x0F) * 4
        return Packet(4, data[9], _ntop(data[12:16]), _ntop(data[16:20]), data[header:])
    if ethertype == ETH_P_IPV6 and len(data) >= 40:
        protocol, offset = _upper_layer(data, data[6], 40)
        return Packet(6, protocol, _ntop(data[8:24]), _ntop(data[24:40]), data[offset:])
    return None


def _upper_layer(data: bytes, header: int, offset: int) -> tuple[int, int]:
    """Skip IPv6 extension headers (hop-by-hop, routing, fragment, destination options)."""
    while header in IPV6_EXTENSIONS and offset + 8 <= len(data):
        following = data[offset]
        offset += 8 if header == IPV6_FRAGMENT else (data[offset + 1] + 1) * 8
        header = following
    return header, offset


def _ntop(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


def is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback


class Capture:
    """Reads `lo` in a thread and records attempts that other sinks cannot see."""

    def __init__(
        self, recorder: Recorder, names: NameMap, tcp_ports: frozenset[int], waker: Waker
    ) -> None:
        self.recorder = recorder
        self.names = names
        self.tcp_ports = tcp_ports  # answered by a listener; empty = no TCP from capture
        self.record_tcp = True
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
        self._sock.bind(("lo", 0))
        self._sock.setblocking(False)
        self._waker = waker
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Join after the waker fired; the loop drains what is queued before it returns.

        Loopback delivery happens in the sender's system call, so every packet the program
        sent is queued on our socket by the time the program has exited.
        """
        self._thread.join(timeout=2)
        self._sock.close()

    def _loop(self) -> None:
        while self._waker.ready(self._sock):
            self._drain()
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                data, address = self._sock.recvfrom(65_536)
            except OSError:  # BlockingIOError: queue empty
                return
            if address[2] == PACKET_OUTGOING:
                packet = parse_ip(data, address[1])
                if packet is not None and not is_loopback(packet.destination):
                    self._consider(packet)

    def _consider(self, packet: Packet) -> None:
        payload = packet.payload
        name = self.names.name_for(packet.destination)
        common = {"address": packet.destination, "name": name}
        if packet.protocol == TCP and len(payload) >= 14:
            port = struct.unpack_from("!H", payload, 2)[0]
            flags = payload[13]
            wanted = self.record_tcp and port not in self.tcp_ports
            if wanted and flags & TCP_SYN and not flags & TCP_ACK:
                self.recorder.record("tcp", "refused", packet.family, port=port, **common)
        elif packet.protocol == UDP and len(payload) >= 8:
            source_port, port, length = struct.unpack_from("!HHH", payload, 0)
            if 53 not in (source_port, port):
                protocol = "quic" if port == 443 else "unknown"
                self.recorder.record(
                    "udp", protocol, packet.family, port=port, size=length - 8, **common
                )
        elif packet.protocol in ECHO_REQUEST:
            if payload[:1] == bytes([ECHO_REQUEST[packet.protocol]]):
                self.recorder.record("icmp", "ping", packet.family, **common)
        elif packet.protocol not in (TCP, UDP, ICMP, ICMPV6):
            self.recorder.record("other", f"ip-proto-{packet.protocol}", packet.family, **common)
