"""Listener in the test's separate namespace (reached over a veth pair): logs what arrives.

Usage: peer_listener.py LOG. Logs TCP connections and UDP datagrams on port 8080, and,
after the sanity connection from the host, every TCP SYN, UDP datagram and ICMP packet
that reaches its veth, except the sanity connection's own SYNs (the capture thread may
read them late, after arming, on a busy machine). Prints "ready" once listening.
"""

import socket
import sys
import threading
from pathlib import Path

log = Path(sys.argv[1]).open("a", buffering=1)  # noqa: SIM115
armed = threading.Event()
sanity: list[int] = []  # source port of the sanity connection


def tcp():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", 8080))
    server.listen()
    while True:
        conn, peer = server.accept()
        data = conn.recv(100)
        log.write(f"tcp {peer[0]} {data!r}\n")
        conn.close()
        if data == b"SANITY":
            sanity.append(peer[1])
            armed.set()
            log.write("armed\n")


def udp():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 8080))
    while True:
        data, peer = sock.recvfrom(2048)
        log.write(f"udp {peer[0]} {data!r}\n")


def packets():
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    while True:
        data = sniff.recv(65536)
        if not armed.is_set() or len(data) < 20:
            continue
        proto = data[9]
        header = (data[0] & 0x0F) * 4
        syn = proto == 6 and data[header + 13] & 0x12 == 0x02
        if syn and int.from_bytes(data[header : header + 2], "big") in sanity:
            continue
        if syn or proto in (1, 17):
            log.write(f"packet proto={proto} src={socket.inet_ntoa(data[12:16])}\n")


for target in (tcp, udp, packets):
    threading.Thread(target=target, daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
