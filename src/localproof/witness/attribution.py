"""Who an attempt belongs to: a knowledge-base outbound endpoint or a public DoH resolver.

Host names match a KB host exactly or as a subdomain (`cdn-lfs.huggingface.co` belongs to
`huggingface.co`). Resolver addresses identify DNS that bypasses the system resolver: on
port 53 a hard-coded DNS server, on 443 DNS-over-HTTPS, on 853 DNS-over-TLS.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from localproof.kb import Tool, load_kb, load_libraries


@dataclass(frozen=True)
class Resolver:
    provider: str
    names: tuple[str, ...]
    addresses: tuple[str, ...]
    source: str


RESOLVERS = (
    Resolver(
        "Cloudflare 1.1.1.1",
        ("cloudflare-dns.com", "mozilla.cloudflare-dns.com", "one.one.one.one"),
        ("1.1.1.1", "1.0.0.1", "2606:4700:4700::1111", "2606:4700:4700::1001"),
        "https://developers.cloudflare.com/1.1.1.1/encrypted-dns/dns-over-https/make-api-requests/",
    ),
    Resolver(
        "Google Public DNS",
        ("dns.google", "dns.google.com", "8888.google"),
        ("8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "2001:4860:4860::8844"),
        "https://developers.google.com/speed/public-dns/docs/secure-transports",
    ),
    Resolver(
        "Quad9",
        ("dns.quad9.net", "dns9.quad9.net", "dns10.quad9.net", "dns11.quad9.net"),
        ("9.9.9.9", "149.112.112.112", "2620:fe::fe", "2620:fe::9"),
        "https://quad9.net/support/set-up-guides/encrypted-dns/",
    ),
    Resolver(
        "OpenDNS",
        ("doh.opendns.com", "dns.opendns.com"),
        ("208.67.222.222", "208.67.220.220", "2620:119:35::35", "2620:119:53::53"),
        "https://support.opendns.com/hc/en-us/articles/360038086532",
    ),
    Resolver(
        "AdGuard DNS",
        ("dns.adguard-dns.com", "dns.adguard.com"),
        ("94.140.14.14", "94.140.15.15", "2a10:50c0::ad1:ff", "2a10:50c0::ad2:ff"),
        "https://adguard-dns.io/kb/general/dns-providers/",
    ),
    Resolver("NextDNS", ("dns.nextdns.io",), (), "https://nextdns.io/"),
)
TRANSPORT_BY_PORT = {53: "plain DNS", 443: "DNS-over-HTTPS", 853: "DNS-over-TLS"}


@dataclass(frozen=True)
class Attribution:
    """Why a destination is known: the KB tool and outbound id, or a resolver."""

    kind: str  # kb | resolver
    label: str  # "<tool slug>:<outbound id>" or the resolver's provider
    purpose: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": self.label,
            "purpose": self.purpose,
            "source": self.source,
        }


def host_matches(host: str, pattern: str) -> bool:
    host, pattern = host.lower().rstrip("."), pattern.lower().rstrip(".")
    return host == pattern or host.endswith("." + pattern)


def _canonical(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _kb_matches(host: str, tools: Iterable[Tool]) -> list[Attribution]:
    return [
        Attribution(
            "kb",
            f"{tool.slug}:{outbound.id}",
            f"{tool.name}: {outbound.purpose} ({outbound.category})",
            outbound.claim.source,
        )
        for tool in tools
        for outbound in tool.outbound
        if any(host_matches(host, pattern) for pattern in outbound.hosts)
    ]


def _library_matches(host: str) -> list[Attribution]:
    """Libraries many programs embed (Gradio, huggingface_hub, LangSmith) call out too."""
    return [
        Attribution(
            "kb",
            f"{library.name}:{outbound.id}",
            f"{library.name}: {outbound.purpose} ({outbound.category})",
            outbound.claim.source,
        )
        for library in load_libraries().values()
        for outbound in library.outbound
        if any(host_matches(host, pattern) for pattern in outbound.hosts)
    ]


def _resolver_matches(host: str | None, address: str | None, port: int | None) -> list[Attribution]:
    canonical = _canonical(address) if address else None
    transport = TRANSPORT_BY_PORT.get(port or 0, "connection")
    found = []
    for resolver in RESOLVERS:
        by_name = host is not None and any(host_matches(host, name) for name in resolver.names)
        by_address = canonical is not None and canonical in resolver.addresses
        if by_name or by_address:
            purpose = f"public DNS resolver ({transport}), bypassing the system resolver"
            found.append(Attribution("resolver", resolver.provider, purpose, resolver.source))
    return found


def attribute(
    hosts: Iterable[str], address: str | None, port: int | None, tools: Iterable[Tool] | None = None
) -> tuple[Attribution, ...]:
    """Every known owner of a destination seen as `hosts` (DNS name, SNI, HTTP Host)."""
    catalog = list(load_kb().values() if tools is None else tools)
    found: list[Attribution] = []
    names = [host.split(":", 1)[0] for host in hosts if host]
    for host in names:
        found.extend(_kb_matches(host, catalog))
        if tools is None:
            found.extend(_library_matches(host))
    for candidate in [*names, None]:
        found.extend(_resolver_matches(candidate, address, port))
    unique: dict[tuple[str, str], Attribution] = {}
    for item in found:
        unique.setdefault((item.kind, item.label), item)
    return tuple(unique.values())
