"""The program's resolver configuration points into the sandbox; host name-lookup daemons'
Unix sockets are hidden; the host's own files are untouched."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from localproof.witness import run_witness

NSCD = Path("/run/nscd")
CHECK = """
import os, pathlib
assert pathlib.Path('/etc/resolv.conf').read_text() == 'nameserver 127.0.0.53\\noptions edns0\\n'
hosts = [l for l in pathlib.Path('/etc/nsswitch.conf').read_text().splitlines()
         if l.startswith('hosts:')]
assert hosts == ['hosts: files dns'], hosts
assert 'localhost' in pathlib.Path('/etc/hosts').read_text()
assert os.listdir('/run/nscd') == [], os.listdir('/run/nscd')
"""


@pytest.fixture
def nscd_socket() -> Iterator[Path]:
    """A real Unix socket where glibc looks for nscd (created only if none is there)."""
    if os.geteuid() != 0:
        pytest.skip("creating /run/nscd needs root")
    if NSCD.exists():
        pytest.skip("a real /run/nscd exists on this host")
    NSCD.mkdir()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(NSCD / "socket"))
        server.listen()
        yield NSCD / "socket"
    finally:
        server.close()
        shutil.rmtree(NSCD, ignore_errors=True)


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.parametrize("user_namespace", [False, True], ids=["root", "user-namespace"])
def test_resolver_files_and_hidden_daemon_sockets(nscd_socket: Path, user_namespace: bool) -> None:
    files = ("/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/hosts")
    before = {path: _digest(path) for path in files}
    result = run_witness([sys.executable, "-c", CHECK], user_namespace=user_namespace)
    assert result.exit_code == 0
    assert str(NSCD) in result.sandbox.hidden_paths
    assert {path: _digest(path) for path in files} == before
    assert nscd_socket.exists()
