"""Fixtures for the witness tests: a subject environment and a listener in a separate
network namespace reachable over a veth pair (root only), torn down in finalizers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUBJECTS = Path(__file__).parent / "subjects"
# a subnet per test run, so that runs on one machine never share a route
PEER_NET = f"10.213.{os.getpid() % 250 + 1}"


@pytest.fixture(scope="session", autouse=True)
def host_netns() -> Iterator[None]:
    """Subjects refuse to send unless they run in a namespace other than ours."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LPW_HOST_NETNS", str(Path("/proc/self/ns/net").stat().st_ino))
        yield


@dataclass(frozen=True)
class Peer:
    address: str
    log: Path

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture(scope="session")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer | None]:
    """A TCP/UDP listener in its own namespace; the host reaches it over a veth pair.

    None when not root (a named namespace and a veth pair need it); tests using it skip.
    """
    if os.geteuid() != 0:
        yield None
        return
    tag = f"lpw{os.getpid() % 100000}"
    namespace, host_end, peer_end = f"{tag}-peer", f"{tag}a", f"{tag}b"
    log = tmp_path_factory.mktemp("peer") / "peer.log"
    log.touch()
    listener = None
    try:
        _ip("netns", "add", namespace)
        _ip("link", "add", host_end, "type", "veth", "peer", "name", peer_end)
        _ip("link", "set", peer_end, "netns", namespace)
        _ip("addr", "add", f"{PEER_NET}.1/24", "dev", host_end)
        _ip("link", "set", host_end, "up")
        for command in (
            ["addr", "add", f"{PEER_NET}.2/24", "dev", peer_end],
            ["link", "set", peer_end, "up"],
            ["link", "set", "lo", "up"],
        ):
            _ip("netns", "exec", namespace, "ip", *command)
        listener = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                namespace,
                sys.executable,
                str(SUBJECTS / "peer_listener.py"),
                str(log),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert listener.stdout is not None
        assert listener.stdout.readline().strip() == "ready"
        _sanity(f"{PEER_NET}.2", log)
        yield Peer(f"{PEER_NET}.2", log)
    finally:
        if listener is not None:
            listener.kill()
            listener.wait()
            if listener.stdout is not None:
                listener.stdout.close()
        subprocess.run(["ip", "netns", "del", namespace], check=False, capture_output=True)
        subprocess.run(["ip", "link", "del", host_end], check=False, capture_output=True)


def _sanity(address: str, log: Path) -> None:
    """Prove the listener is reachable from the host before proving the witness is not."""
    with socket.create_connection((address, 8080), timeout=5) as conn:
        conn.sendall(b"SANITY")
    deadline = time.monotonic() + 5
    while "armed" not in log.read_text():
        assert time.monotonic() < deadline, "peer listener never saw the sanity connection"
        time.sleep(0.02)
