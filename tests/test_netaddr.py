from __future__ import annotations

import pytest

from localproof.checks.netaddr import bind_host, is_loopback, scope


@pytest.mark.parametrize(
    ("value", "syntax", "expected"),
    [
        ("0.0.0.0", "host-port", "0.0.0.0"),
        ("0.0.0.0:11434", "host-port", "0.0.0.0"),
        ("127.0.0.1:11434", "host-port", "127.0.0.1"),
        ("http://0.0.0.0:11434", "host-port", "0.0.0.0"),
        ("[::]:11434", "host-port", "::"),
        (":11434", "host-port", "127.0.0.1"),
        ("", "host", "127.0.0.1"),
        ("192.168.1.20", "host", "192.168.1.20"),
        ("https://example.internal:8443", "url", "example.internal"),
        ("8080", "port", None),
    ],
)
def test_bind_host(value: str, syntax: str, expected: str | None) -> None:
    assert bind_host(value, syntax, "127.0.0.1") == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.1", "loopback"),
        ("::1", "loopback"),
        ("[::1]", "loopback"),
        ("localhost", "loopback"),
        ("0.0.0.0", "all interfaces"),
        ("::", "all interfaces"),
        ("", "all interfaces"),
        ("192.168.1.20", "network address"),
        ("fe80::1", "network address"),
    ],
)
def test_scope(host: str, expected: str) -> None:
    assert scope(host) == expected


def test_hostname_is_not_loopback_unless_localhost() -> None:
    assert not is_loopback("myhost")
