"""`audit --probe`: confirms exposure on this host's own addresses, and only there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from localproof.collect.fsroot import AuditRoot
from localproof.collect.probe import NotOwnAddressError, own_addresses, request_status
from tests.builders import HostBuilder

SUBJECT = Path(__file__).parent / "probe_subjects" / "netns_probe.py"
FIB_TRIE = """Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
           |-- 127.0.0.1
              /32 host LOCAL
     +-- 192.0.2.0/24 2 0 2
           |-- 192.0.2.0
              /24 link UNICAST
           |-- 192.0.2.2
              /32 host LOCAL
        |-- 192.0.2.255
           /32 link BROADCAST
"""
IF_INET6 = (
    "fd000000000000000000000000000002 04 40 00 82     eth0\n"
    "00000000000000000000000000000001 01 80 10 80       lo\n"
    "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
)


def test_own_addresses_exclude_loopback_link_local_and_broadcast(host: HostBuilder) -> None:
    # formats as the kernel prints them (proc(5): /proc/net/fib_trie, /proc/net/if_inet6)
    host.file("/proc/net/fib_trie", FIB_TRIE)
    host.file("/proc/net/if_inet6", IF_INET6)
    assert own_addresses(AuditRoot(host.root)) == {"192.0.2.2", "fd00::2"}


@pytest.mark.parametrize("address", ["198.51.100.7", "127.0.0.1", "8.8.8.8", "::1"])
def test_the_probe_refuses_any_address_that_is_not_our_own(address: str) -> None:
    with pytest.raises(NotOwnAddressError):
        request_status(address, 11434, "/api/version", {"192.0.2.10"})


def test_probe_needs_the_live_host() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "localproof", "audit", "--probe", "--root", "/tmp"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "live host only" in done.stderr


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_probe_confirms_exposure_inside_a_network_namespace() -> None:
    done = subprocess.run(
        ["unshare", "-rn", sys.executable, str(SUBJECT)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")},
    )
    result = json.loads(done.stdout)
    assert result["returncode"] == 0, result["stderr"]
    finding = next(
        f
        for f in result["report"]["findings"]
        if f["check"] == "exposure.api-beyond-loopback" and f["tool"] == "ollama"
    )
    assert finding["status"] == "fail"
    details = [e["detail"] for e in finding["evidence"] if e["source"] == "probe"]
    assert details == ["GET /api/version on 192.0.2.10:11434 answered HTTP 200"]
    # every unicast packet during the audit went to this namespace's own addresses
    unicast = {d for d in result["destinations"] if not d.startswith("ff")}
    assert unicast <= {"127.0.0.1", "192.0.2.10", "::1"}
