"""Read what a client wanted from its first bytes: TLS ClientHello (SNI, ALPN) or HTTP.

Pure functions on bytes. Each returns `None` while more bytes are needed, so the sink can
keep reading until the record is complete: post-quantum key shares make ClientHellos larger
than one segment, and a ClientHello may span several TLS records. Only the SNI, ALPN and
the HTTP method, Host and path are kept; query strings, fragments and all other header
values are dropped because they carry tokens.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

TLS_HANDSHAKE = 0x16
CLIENT_HELLO = 1
EXT_SERVER_NAME = 0
EXT_ALPN = 16
HTTP_METHODS = (
    b"GET",
    b"POST",
    b"PUT",
    b"HEAD",
    b"DELETE",
    b"OPTIONS",
    b"PATCH",
    b"CONNECT",
    b"TRACE",
    b"PRI",
)
MAX_HTTP_HEAD = 16_384


@dataclass(frozen=True)
class Hello:
    sni: str | None
    alpn: tuple[str, ...]


@dataclass(frozen=True)
class HttpRequest:
    method: str
    host: str | None
    path: str


def looks_like_tls(data: bytes) -> bool:
    return len(data) >= 1 and data[0] == TLS_HANDSHAKE


def looks_like_http(data: bytes) -> bool:
    head = data[:8]
    return any(head.startswith(method + b" ") for method in HTTP_METHODS) or (
        len(head) < 8 and any(method.startswith(head) for method in HTTP_METHODS) and head != b""
    )


def _handshake_bytes(data: bytes) -> bytes | None:
    """Concatenate handshake records until the ClientHello message is complete.

    `None` means "read more"; `b""` means the bytes are not a TLS handshake.
    """
    payload = b""
    offset = 0
    while len(payload) < 4 or len(payload) < 4 + int.from_bytes(payload[1:4], "big"):
        if offset + 5 > len(data):
            return None
        content_type, _version, length = struct.unpack_from("!BHH", data, offset)
        if content_type != TLS_HANDSHAKE:
            return b""
        if offset + 5 + length > len(data):
            return None
        payload += data[offset + 5 : offset + 5 + length]
        offset += 5 + length
    return payload


def _extensions(body: bytes) -> dict[int, bytes]:
    """Extensions of a ClientHello body (after the 4-byte handshake header)."""
    offset = 2 + 32  # legacy_version, random
    offset += 1 + body[offset]  # session id
    offset += 2 + int.from_bytes(body[offset : offset + 2], "big")  # cipher suites
    offset += 1 + body[offset]  # compression methods
    if offset + 2 > len(body):
        return {}
    end = offset + 2 + int.from_bytes(body[offset : offset + 2], "big")
    offset += 2
    found: dict[int, bytes] = {}
    while offset + 4 <= min(end, len(body)):
        kind, length = struct.unpack_from("!HH", body, offset)
        found[kind] = body[offset + 4 : offset + 4 + length]
        offset += 4 + length
    return found


def _server_name(data: bytes) -> str | None:
    offset = 2
    while offset + 3 <= len(data):
        kind = data[offset]
        length = int.from_bytes(data[offset + 1 : offset + 3], "big")
        if kind == 0:
            return data[offset + 3 : offset + 3 + length].decode("ascii", "replace").lower()
        offset += 3 + length
    return None


def _alpn(data: bytes) -> tuple[str, ...]:
    names: list[str] = []
    offset = 2
    while offset < len(data):
        length = data[offset]
        names.append(data[offset + 1 : offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    return tuple(names)


def parse_client_hello(data: bytes) -> Hello | None:
    """SNI and ALPN of a ClientHello; `None` if incomplete, empty `Hello` if malformed."""
    handshake = _handshake_bytes(data)
    if handshake is None:
        return None
    if len(handshake) < 4 or handshake[0] != CLIENT_HELLO:
        return Hello(None, ())
    try:
        found = _extensions(handshake[4:])
    except IndexError:
        return Hello(None, ())
    sni = _server_name(found[EXT_SERVER_NAME]) if EXT_SERVER_NAME in found else None
    alpn = _alpn(found[EXT_ALPN]) if EXT_ALPN in found else ()
    return Hello(sni, alpn)


def _path_only(target: str, method: str) -> tuple[str, str | None]:
    """Path of a request target without query or fragment, and the host of absolute URLs."""
    if method == "CONNECT":
        return "", target
    host = None
    if "://" in target:
        rest = target.split("://", 1)[1]
        host, _, tail = rest.partition("/")
        target = "/" + tail
    return target.split("?", 1)[0].split("#", 1)[0], host


def parse_http_request(data: bytes) -> HttpRequest | None:
    """Method, Host and path of an HTTP/1 request head; `None` until the head is complete."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        if len(data) < MAX_HTTP_HEAD:
            return None
        end = len(data)
    lines = data[:end].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    method = parts[0]
    path, host = _path_only(parts[1] if len(parts) > 1 else "", method)
    for line in lines[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "host":
            host = value.strip()
            break
    return HttpRequest(method=method, host=host, path=path)
