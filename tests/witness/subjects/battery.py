"""Subject program for the containment battery: one attempt of every kind, then exit 0.

Runs *inside* the witness. It refuses to send anything unless its network namespace
differs from the one the test runs in (LPW_HOST_NETNS), so a broken sandbox cannot leak.
"""

import os
import socket
import ssl
import sys
from pathlib import Path

from dnslib import DNSRecord

if Path("/proc/self/ns/net").stat().st_ino == int(os.environ["LPW_HOST_NETNS"]):
    sys.exit("battery: not in a separate network namespace; refusing to send")

PEER = os.environ.get("LPW_PEER")  # an address in the test's separate namespace


def attempt(label, action):
    try:
        action()
        print(f"{label}: done")
    except OSError as error:
        print(f"{label}: {type(error).__name__}")


def http_v4():
    address = socket.getaddrinfo("tcp4.example.test", 8443, socket.AF_INET)[0][4]
    with socket.create_connection(address, timeout=3) as conn:
        conn.sendall(
            b"POST /v1/upload?token=QUERYCANARY HTTP/1.1\r\nHost: tcp4.example.test:8443\r\n"
            b"Authorization: Bearer HEADERCANARY\r\nContent-Length: 10\r\n\r\nBODYCANARY"
        )
        conn.recv(100)


def tls_v6():
    address = socket.getaddrinfo("tcp6.example.test", 443, socket.AF_INET6)[0][4]
    with socket.create_connection(address[:2], timeout=3) as conn:
        ssl.create_default_context().wrap_socket(conn, server_hostname="tcp6.example.test")


def udp_v4():
    address = socket.getaddrinfo("udp4.example.test", 9999, socket.AF_INET)[0][4]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"x" * 33, address)


def udp_v6():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"y" * 21, ("2001:db8::99", 7777))


def mdns_multicast():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"m" * 12, ("ff02::fb", 5353))


def hardcoded_dns():
    query = DNSRecord.question("hardcoded.example.test", "A")
    reply = DNSRecord.parse(query.send("8.8.8.8", 53, timeout=3))
    print("hardcoded answer:", reply.a.rdata)


def tcp_dns():
    query = DNSRecord.question("tcpdns.example.test", "AAAA")
    reply = DNSRecord.parse(query.send("9.9.9.9", 53, tcp=True, timeout=3))
    print("tcp dns answer:", reply.a.rdata)


def quic():
    address = socket.getaddrinfo("quic.example.test", 443, socket.AF_INET)[0][4]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"\xc0" + b"q" * 1199, address)


def doh():
    with socket.create_connection(("1.1.1.1", 443), timeout=3) as conn:
        ssl.create_default_context().wrap_socket(conn, server_hostname="cloudflare-dns.com")


def bare_ip():
    with socket.create_connection(("203.0.113.7", 5432), timeout=3) as conn:
        conn.sendall(b"\x00\x00\x00\x08\x04\xd2\x16\x2f")


def ping(family, proto, address, kind):
    def send():
        with socket.socket(family, socket.SOCK_DGRAM, proto) as sock:
            sock.sendto(bytes([kind, 0, 0, 0, 0, 0, 0, 1]) + b"ping", (address, 0))

    return send


def peer_tcp():
    if PEER:
        with socket.create_connection((PEER, 8080), timeout=3) as conn:
            conn.sendall(b"PEERCANARY")


def peer_udp():
    if PEER:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"PEERCANARY", (PEER, 8080))


attempt("http-v4", http_v4)
attempt("tls-v6", tls_v6)
attempt("udp-v4", udp_v4)
attempt("udp-v6", udp_v6)
attempt("mdns", mdns_multicast)
attempt("hardcoded-dns", hardcoded_dns)
attempt("tcp-dns", tcp_dns)
attempt("quic", quic)
attempt("doh", doh)
attempt("bare-ip", bare_ip)
attempt("ping-v4", ping(socket.AF_INET, socket.IPPROTO_ICMP, "203.0.113.9", 8))
attempt("ping-v6", ping(socket.AF_INET6, socket.IPPROTO_ICMPV6, "2001:db8::9", 128))
attempt("peer-tcp", peer_tcp)
attempt("peer-udp", peer_udp)
print("battery finished")
