"""Pure parts of the witness: first-bytes parsing, DNS answers, attribution, verdicts,
renderers and options. Real inputs: ClientHellos come from Python's own ssl module."""

from __future__ import annotations

import argparse
import json
import ssl
from pathlib import Path

import jsonschema
import pytest
from dnslib import QTYPE, DNSRecord

from localproof.witness import (
    EXIT_EGRESS,
    Attempt,
    SandboxInfo,
    WitnessResult,
    add_arguments,
    command_of,
    exit_status,
    render_json,
    render_markdown,
    render_terminal,
    verdict,
)
from localproof.witness.attribution import attribute
from localproof.witness.dns import NameMap, answer
from localproof.witness.peek import parse_client_hello, parse_http_request

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "witness-v1.schema.json").read_text())


def client_hello(server_name: str) -> bytes:
    """A real ClientHello, produced by Python's ssl module into memory."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    connection = context.wrap_bio(incoming, outgoing, server_hostname=server_name)
    with pytest.raises(ssl.SSLWantReadError):
        connection.do_handshake()
    return outgoing.read()


def test_client_hello_sni_and_alpn() -> None:
    hello = parse_client_hello(client_hello("huggingface.co"))
    assert hello is not None
    assert (hello.sni, hello.alpn) == ("huggingface.co", ("h2", "http/1.1"))


def test_client_hello_incomplete_then_split_across_records() -> None:
    data = client_hello("api.example.org")
    assert parse_client_hello(data[:100]) is None
    body = data[5:]
    half = len(body) // 2
    header = data[:3]
    split = (
        header
        + half.to_bytes(2, "big")
        + body[:half]
        + header
        + (len(body) - half).to_bytes(2, "big")
        + body[half:]
    )
    hello = parse_client_hello(split)
    assert hello is not None
    assert hello.sni == "api.example.org"


def test_http_request_keeps_method_host_path_only() -> None:
    request = parse_http_request(
        b"GET http://proxy.example/a/b?token=x#frag HTTP/1.1\r\nHost: h.example\r\n"
        b"Cookie: secret\r\n\r\n"
    )
    assert request is not None
    assert (request.method, request.host, request.path) == ("GET", "h.example", "/a/b")
    assert parse_http_request(b"GET /x HTTP/1.1\r\nHost: a") is None


def test_dns_unique_addresses_and_reverse() -> None:
    names = NameMap()
    replies = {}
    for name in ("a.example", "b.example", "a.example"):
        for qtype in ("A", "AAAA"):
            reply, questions = answer(names, DNSRecord.question(name, qtype).pack())
            assert reply is not None
            assert questions[0].name == name
            replies[(name, qtype)] = str(DNSRecord.parse(reply).a.rdata)
    assert replies[("a.example", "A")] == "198.18.0.1"
    assert replies[("b.example", "A")] == "198.18.0.2"
    assert replies[("b.example", "AAAA")] == "2001:2::2"
    assert names.name_for("2001:2::1") == "a.example"
    ptr, _ = answer(names, DNSRecord.question("2.0.18.198.in-addr.arpa", "PTR").pack())
    assert ptr is not None
    assert str(DNSRecord.parse(ptr).a.rdata) == "b.example."


def test_dns_https_records_get_nodata_and_garbage_is_ignored() -> None:
    reply, questions = answer(NameMap(), DNSRecord.question("x.example", "HTTPS").pack())
    assert reply is not None
    assert DNSRecord.parse(reply).rr == []
    assert questions[0].qtype == QTYPE[65]
    assert answer(NameMap(), b"\x00\x01garbage") == (None, [])


def test_attribution_kb_subdomain_and_resolvers() -> None:
    labels = {a.label for a in attribute(["cdn-lfs.huggingface.co"], "198.18.0.9", 443)}
    assert "vllm:model-download" in labels
    assert {a.label for a in attribute(["ollama.com"], None, 443)} >= {
        "ollama:model-recommendations"
    }
    [dot] = attribute([], "2001:4860:4860::8888", 853)
    assert (dot.label, "DNS-over-TLS" in dot.purpose) == ("Google Public DNS", True)
    assert attribute(["example.org"], "203.0.113.1", 443) == ()


def result_with(*attempts: Attempt, exit_code: int = 0, stopped: bool = False) -> WitnessResult:
    return WitnessResult(
        command=("prog",),
        exit_code=exit_code,
        stopped_by_duration=stopped,
        started_at="2026-11-29T21:00:00.000+00:00",
        elapsed=1.0,
        sandbox=SandboxInfo("root", True, (), True, (), ()),
        attempts=attempts,
    )


HTTP = Attempt(
    t=0.5,
    kind="tcp",
    protocol="http",
    family=4,
    address="198.18.0.1",
    port=80,
    name="telemetry.example",
    http_method="POST",
    http_host="telemetry.example",
    http_path="/v1/e",
)


def test_verdicts_and_exit_status() -> None:
    assert verdict(result_with()) == "offline"
    assert exit_status(result_with(exit_code=5)) == 5
    assert exit_status(result_with(exit_code=143, stopped=True)) == 0
    egress = result_with(HTTP, exit_code=1)
    assert verdict(egress) == "egress"
    assert exit_status(egress) == EXIT_EGRESS
    assert exit_status(egress, ["*.example"]) == 1
    assert exit_status(egress, ["198.18.0.*"]) == 1
    assert exit_status(egress, ["other.example"]) == EXIT_EGRESS


def test_renderers_show_destination_and_validate() -> None:
    result = result_with(HTTP, HTTP)
    document = json.loads(render_json(result))
    jsonschema.validate(document, SCHEMA)
    assert document["destinations"][0]["count"] == 2
    assert "POST telemetry.example/v1/e" in render_terminal(result)
    assert "| **unexpected** | tcp telemetry.example:80 |" in render_markdown(result)
    offline = json.loads(render_json(result_with()))
    jsonschema.validate(offline, SCHEMA)
    assert offline["verdict"] == {"status": "offline", "attempts": 0, "unexpected": []}


def test_cli_arguments() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        [
            "--allow",
            "a.example",
            "*.b",
            "--duration",
            "5",
            "--fresh-home",
            "--json",
            "o.json",
            "--",
            "prog",
            "--allow",
            "x",
        ]
    )
    assert args.allow == ["a.example", "*.b"]
    assert (args.duration, args.fresh_home, args.json) == (5.0, True, "o.json")
    assert command_of(args) == ["prog", "--allow", "x"]
    with pytest.raises(SystemExit):
        parser.parse_args(["--duration", "-1", "--", "prog"])
