"""Answer every outbound attempt locally: DNS over UDP and TCP, and TCP on any port.

Threads inside the sandbox's network namespace. TCP connections are accepted, their first
bytes read (TLS ClientHello -> SNI, HTTP -> method/Host/path, port 53 -> DNS over TCP),
then closed: client libraries treat the close as a connection error, so the program takes
its offline path instead of proceeding on a fake success.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable

from localproof.witness.dns import NameMap, Question, answer, preload
from localproof.witness.peek import (
    looks_like_http,
    looks_like_tls,
    parse_client_hello,
    parse_http_request,
)
from localproof.witness.recorder import Recorder

IP_PKTINFO = 8  # missing from Python 3.11's socket module; value from <linux/in.h>
READ_DEADLINE = 1.0  # seconds a client gets to say what it wants
MAX_FIRST_BYTES = 65_536


def plain_address(address: str) -> str:
    """`::ffff:a.b.c.d` (a dual-stack socket's view of IPv4) as `a.b.c.d`."""
    parsed = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(parsed)


def family_of(address: str) -> int:
    return ipaddress.ip_address(address).version


class Waker:
    """A pipe that ends every sink loop at once (no polling delay at teardown)."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()

    def ready(self, sock: socket.socket) -> bool:
        """Block until `sock` is readable (True) or `wake()` was called (False)."""
        readable, _, _ = select.select([sock.fileno(), self._read], [], [])
        return self._read not in readable

    def wake(self) -> None:
        os.write(self._write, b"x")

    def close(self) -> None:
        os.close(self._read)
        os.close(self._write)


class Sinks:
    """All listeners of one run; `start_*()` before the program, `stop()` after it."""

    def __init__(self, recorder: Recorder, names: NameMap) -> None:
        self.recorder = recorder
        self.names = names
        self.waker = Waker()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def start_dns(self) -> None:
        """UDP port 53 on every address: the resolver in resolv.conf and hard-coded ones."""
        udp4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp4.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        udp4.bind(("0.0.0.0", 53))  # noqa: S104 - the namespace has no real network
        udp6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        udp6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        udp6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
        udp6.bind(("::", 53))
        self._spawn(preload)
        for sock in (udp4, udp6):
            sock.setblocking(False)
            self._sockets.append(sock)
            self._spawn(self._serve_udp_dns, sock)

    def tcp_listener(self, port: int) -> socket.socket:
        """A dual-stack TCP listener on `port` (0: any free port), served by a thread."""
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::", port))
        sock.listen(512)
        sock.setblocking(False)
        self._sockets.append(sock)
        self._spawn(self._accept_loop, sock)
        return sock

    def stop(self) -> None:
        """Wake every loop (the packet capture's too) and join the sink threads."""
        self.waker.wake()
        for thread in self._threads:
            thread.join(timeout=READ_DEADLINE + 1)
        for sock in self._sockets:
            sock.close()

    def _record_questions(self, questions: list[Question], server: str, protocol: str) -> None:
        for question in questions:
            self.recorder.record(
                "dns",
                protocol,
                family_of(server),
                name=question.name,
                dns_type=question.qtype,
                dns_server=server,
                address=server,
                port=53,
            )

    def _serve_udp_dns(self, sock: socket.socket) -> None:
        while self.waker.ready(sock):
            try:
                data, ancillary, _flags, client = sock.recvmsg(4096, 256)
            except BlockingIOError:
                continue
            except OSError:
                return
            server, pktinfo = _destination(sock.family, ancillary)
            reply, questions = answer(self.names, data)
            self._record_questions(questions, server, "dns")
            if reply is not None:
                cmsg = [(pktinfo[0], pktinfo[1], pktinfo[2])] if pktinfo else []
                with contextlib.suppress(OSError):
                    sock.sendmsg([reply], cmsg, 0, client)

    def _accept_loop(self, listener: socket.socket) -> None:
        while self.waker.ready(listener):
            try:
                conn, _peer = listener.accept()
            except BlockingIOError:
                continue
            except OSError:
                return
            conn.setblocking(True)
            self._spawn(self._handle_tcp, conn)

    def _handle_tcp(self, conn: socket.socket) -> None:
        with conn:
            local = conn.getsockname()
            address, port = plain_address(local[0]), int(local[1])
            if port == 53:
                self._serve_tcp_dns(conn, address)
                return
            data = _read_first_bytes(conn, _wants_more)
            self._record_tcp(address, port, data)

    def _record_tcp(self, address: str, port: int, data: bytes) -> None:
        details: dict[str, object] = {"size": len(data)}
        protocol = "unknown"
        if looks_like_tls(data):
            protocol = "tls"
            hello = parse_client_hello(data)
            if hello is not None:
                details.update(sni=hello.sni, alpn=hello.alpn)
        elif looks_like_http(data):
            request = parse_http_request(data)
            if request is not None:
                protocol = "http"
                details.update(
                    http_method=request.method, http_host=request.host, http_path=request.path
                )
        self.recorder.record(
            "tcp",
            protocol,
            family_of(address),
            address=address,
            port=port,
            name=self.names.name_for(address),
            **details,
        )

    def _serve_tcp_dns(self, conn: socket.socket, server: str) -> None:
        """DNS over TCP (truncated answers, `options use-vc`, hard-coded servers)."""
        while True:
            data = _read_first_bytes(conn, _dns_tcp_incomplete)
            if len(data) < 2:
                return
            message = data[2 : 2 + struct.unpack("!H", data[:2])[0]]
            reply, questions = answer(self.names, message)
            self._record_questions(questions, server, "dns-tcp")
            if reply is None:
                return
            with contextlib.suppress(OSError):
                conn.sendall(struct.pack("!H", len(reply)) + reply)


def _wants_more(data: bytes) -> bool:
    if not data:
        return True
    if looks_like_tls(data):
        return parse_client_hello(data) is None
    if looks_like_http(data):
        return parse_http_request(data) is None
    return False


def _dns_tcp_incomplete(data: bytes) -> bool:
    return len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]


def _read_first_bytes(conn: socket.socket, wants_more: Callable[[bytes], bool]) -> bytes:
    """Read until `wants_more` is satisfied, the peer closes, or the deadline passes."""
    deadline = time.monotonic() + READ_DEADLINE
    data = b""
    while wants_more(data) and len(data) < MAX_FIRST_BYTES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        conn.settimeout(remaining)
        try:
            chunk = conn.recv(16_384)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def _destination(
    family: int, ancillary: list[tuple[int, int, bytes]]
) -> tuple[str, tuple[int, int, bytes] | None]:
    """The address a datagram was sent to, and the PKTINFO to reply from that address."""
    for level, kind, payload in ancillary:
        if family == socket.AF_INET and kind == IP_PKTINFO:
            destination = socket.inet_ntop(socket.AF_INET, payload[8:12])
            reply = struct.pack("!i4s4s", 0, payload[8:12], b"\0" * 4)
            return destination, (level, kind, reply)
        if family == socket.AF_INET6 and kind == socket.IPV6_PKTINFO:
            destination = socket.inet_ntop(socket.AF_INET6, payload[:16])
            reply = payload[:16] + b"\0" * 4
            return destination, (level, kind, reply)
    return ("0.0.0.0" if family == socket.AF_INET else "::"), None  # noqa: S104
