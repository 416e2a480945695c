"""Containment battery: every kind of attempt is recorded, and nothing leaves.

One subject program (subjects/battery.py) makes each attempt once; it runs under the witness
both as root (plain namespaces, every TCP port answered through BPF sk_lookup) and in the
rootless user-namespace mode (fixed TCP ports + packet log). A listener in a separate
namespace, reachable from the host over a veth pair, must receive nothing from either run.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from localproof.witness import (
    Attempt,
    WitnessResult,
    destinations,
    exit_status,
    render_json,
    render_markdown,
    render_terminal,
    run_witness,
)

from .conftest import PEER_NET, SUBJECTS, Peer

SCHEMA = Path(__file__).parents[2] / "schemas" / "witness-v1.schema.json"
CANARIES = ("QUERYCANARY", "HEADERCANARY", "BODYCANARY", "PEERCANARY")


@dataclass(frozen=True)
class Battery:
    mode: str
    result: WitnessResult
    output: str


@pytest.fixture(scope="module", params=["root", "user-namespace"])
def battery(
    request: pytest.FixtureRequest, peer: Peer | None, tmp_path_factory: pytest.TempPathFactory
) -> Battery:
    if request.param == "root" and os.geteuid() != 0:
        pytest.skip("plain namespaces need root; the user-namespace run covers this user")
    out = tmp_path_factory.mktemp("battery") / "out.txt"
    with pytest.MonkeyPatch.context() as patch:
        if peer is not None:
            patch.setenv("LPW_PEER", peer.address)
        # the subject's stdout is ours; a shell redirect keeps it for the assertions
        result = run_witness(
            ["sh", "-c", f'exec "$0" "$1" > {out}', sys.executable, str(SUBJECTS / "battery.py")],
            duration=30,
            user_namespace=request.param == "user-namespace",
        )
    return Battery(request.param, result, out.read_text())


def _find(result: WitnessResult, **want: object) -> list[Attempt]:
    return [a for a in result.attempts if all(getattr(a, k) == v for k, v in want.items())]


def test_sandbox_mode(battery: Battery) -> None:
    assert battery.result.sandbox.mode == battery.mode
    assert battery.result.sandbox.tcp_any_port is (battery.mode == "root")
    assert "battery finished" in battery.output
    assert battery.result.exit_code == 0


def test_dns_names_get_unique_synthetic_addresses(battery: Battery) -> None:
    names = {a.name for a in _find(battery.result, kind="dns", dns_server="127.0.0.53")}
    assert {"tcp4.example.test", "tcp6.example.test", "udp4.example.test"} <= names


def test_tcp_ipv4_http_recorded_without_query_or_headers(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="tcp", name="tcp4.example.test")
    assert attempt.address == "198.18.0.1"
    assert attempt.port == 8443
    if battery.result.sandbox.tcp_any_port:
        assert (attempt.http_method, attempt.http_path) == ("POST", "/v1/upload")
        assert attempt.http_host == "tcp4.example.test:8443"
    else:  # rootless: port 8443 has no listener; the SYN is in the packet log
        assert attempt.protocol == "refused"


def test_tcp_ipv6_tls_sni(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="tcp", name="tcp6.example.test")
    assert attempt.family == 6
    assert attempt.address is not None
    assert attempt.address.startswith("2001:2::")
    assert (attempt.protocol, attempt.sni, attempt.port) == ("tls", "tcp6.example.test", 443)


def test_udp_ipv4_and_ipv6(battery: Battery) -> None:
    [udp4] = _find(battery.result, kind="udp", name="udp4.example.test")
    assert (udp4.port, udp4.size, udp4.family) == (9999, 33, 4)
    [udp6] = _find(battery.result, kind="udp", address="2001:db8::99")
    assert (udp6.port, udp6.size, udp6.family, udp6.name) == (7777, 21, 6, None)


def test_multicast_mdns_recorded(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="udp", address="ff02::fb")
    assert (attempt.port, attempt.size) == (5353, 12)


def test_hardcoded_dns_server_answered_and_attributed(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="dns", dns_server="8.8.8.8")
    assert attempt.name == "hardcoded.example.test"
    assert "hardcoded answer: 198.18." in battery.output
    [item] = [d for d in destinations(battery.result) if d.name == "hardcoded.example.test"]
    assert [a.label for a in item.attribution] == ["Google Public DNS"]


def test_dns_over_tcp_to_hardcoded_server(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="dns", dns_server="9.9.9.9")
    assert (attempt.name, attempt.protocol, attempt.dns_type) == (
        "tcpdns.example.test",
        "dns-tcp",
        "AAAA",
    )
    assert "tcp dns answer: 2001:2::" in battery.output


def test_udp_443_noted_as_quic(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="udp", name="quic.example.test")
    assert (attempt.port, attempt.protocol, attempt.size) == (443, "quic", 1200)


def test_doh_to_resolver_ip_with_client_hello(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="tcp", address="1.1.1.1")
    assert (attempt.port, attempt.protocol, attempt.sni) == (443, "tls", "cloudflare-dns.com")
    assert attempt.name is None  # no DNS: the program used the address directly
    [item] = [d for d in destinations(battery.result) if d.address == "1.1.1.1"]
    assert "DNS-over-HTTPS" in item.attribution[0].purpose


def test_address_without_dns(battery: Battery) -> None:
    [attempt] = _find(battery.result, kind="tcp", address="203.0.113.7")
    assert (attempt.port, attempt.name) == (5432, None)


def test_pings_noted(battery: Battery) -> None:
    pings = {a.address for a in _find(battery.result, kind="icmp", protocol="ping")}
    assert pings == {"203.0.113.9", "2001:db8::9"}


def test_peer_namespace_received_nothing(battery: Battery, peer: Peer | None) -> None:
    if peer is None:
        pytest.skip("the veth peer needs root")
    [attempt] = _find(battery.result, kind="tcp", address=peer.address)
    assert attempt.port == 8080
    assert _find(battery.result, kind="udp", address=peer.address)
    time.sleep(0.2)  # anything in flight would have arrived by now
    after = peer.lines()[peer.lines().index("armed") + 1 :]
    assert after == []


def test_no_canary_in_any_output(battery: Battery) -> None:
    for text in (
        render_json(battery.result),
        render_terminal(battery.result),
        render_markdown(battery.result),
    ):
        for canary in CANARIES:
            assert canary not in text


def test_json_report_matches_schema(battery: Battery) -> None:
    document = json.loads(render_json(battery.result))
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document["verdict"]["status"] == "egress"
    assert document["exit_status"] == exit_status(battery.result) == 1


def test_allow_covers_everything(battery: Battery) -> None:
    patterns = [
        "*.example.test",
        "1.1.1.1",
        "203.0.113.*",
        "2001:db8::*",
        f"{PEER_NET}.*",
        "ff02::*",
    ]
    assert exit_status(battery.result, patterns) == 0
    document = json.loads(render_json(battery.result, patterns))
    assert document["verdict"]["status"] == "allowed"
