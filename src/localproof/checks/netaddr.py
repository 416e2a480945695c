"""Pure helpers for listen addresses as tools and sockets express them."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

WILDCARDS = {"0.0.0.0", "::", "*", ""}  # noqa: S104 - recognising wildcards, not binding
LOCAL_SUFFIXES = (".local", ".internal", ".lan", ".localhost", ".home.arpa")


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_host(host: str) -> bool:
    """Loopback, private or link-local addresses, and names that only resolve nearby."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        name = host.lower().rstrip(".")
        return "." not in name or name.endswith(LOCAL_SUFFIXES)
    return address.is_loopback or address.is_private or address.is_link_local


def scope(host: str) -> str:
    """`loopback`, `all interfaces`, or `network address` for a bind host."""
    host = host.strip("[]")
    if host in WILDCARDS:
        return "all interfaces"
    return "loopback" if is_loopback(host) else "network address"


def bind_host(value: str, syntax: str, default_host: str) -> str | None:
    """The host part of a bind setting (`0.0.0.0:11434`, `http://[::]:80`, `:8080`).

    Returns None for a port-only setting, which does not move the bind address.
    """
    text = value.strip()
    if syntax == "port":
        return None
    if syntax == "url" or "://" in text:
        host = urlsplit(text if "://" in text else f"//{text}").hostname
        return host if host is not None else default_host
    if syntax == "host":
        return text or default_host
    if text.startswith("["):
        return text[1 : text.find("]")] or default_host
    if text.count(":") == 1:
        return text.split(":", 1)[0] or default_host
    return text or default_host
