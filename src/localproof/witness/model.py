"""Plain data of a witness run: what was attempted, where the sandbox stood, how it ended.

Frozen dataclasses, so the renderers are pure functions of them (as for the audit). An
`Attempt` never carries payload: only the DNS name, the destination, the TLS SNI/ALPN and
the HTTP method, Host and path (query string dropped), because paths and bodies carry tokens.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA_VERSION = 1

KINDS = ("dns", "tcp", "udp", "icmp", "other")


@dataclass(frozen=True)
class Attempt:
    """One outbound attempt, as the sandbox answered it.

    `t` is seconds since the program started; `name` is the DNS name asked for (kind
    `dns`) or the name the synthetic address was handed out for (other kinds), `None`
    when the program used an address it never looked up.
    """

    t: float
    kind: str  # dns | tcp | udp | icmp | other
    protocol: str  # dns | dns-tcp | tls | http | quic | ping | unknown | <udp/ip detail>
    family: int  # 4 or 6
    address: str | None = None
    port: int | None = None
    name: str | None = None
    dns_type: str | None = None
    dns_server: str | None = None
    sni: str | None = None
    alpn: tuple[str, ...] = ()
    http_method: str | None = None
    http_host: str | None = None
    http_path: str | None = None
    size: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["alpn"] = list(self.alpn)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attempt:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["alpn"] = tuple(values.get("alpn") or ())
        return cls(**values)


@dataclass(frozen=True)
class SandboxInfo:
    """How the sandbox was built, so a reader can judge what it could and could not see."""

    mode: str  # "root" (plain namespaces) or "user-namespace"
    tcp_any_port: bool  # every TCP port answered (BPF sk_lookup) or only `tcp_ports`
    tcp_ports: tuple[int, ...]
    packet_capture: bool
    hidden_paths: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "tcp_any_port": self.tcp_any_port,
            "tcp_ports": list(self.tcp_ports),
            "packet_capture": self.packet_capture,
            "hidden_paths": list(self.hidden_paths),
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxInfo:
        return cls(
            mode=str(data["mode"]),
            tcp_any_port=bool(data["tcp_any_port"]),
            tcp_ports=tuple(int(port) for port in data["tcp_ports"]),
            packet_capture=bool(data["packet_capture"]),
            hidden_paths=tuple(str(path) for path in data["hidden_paths"]),
            notes=tuple(str(note) for note in data.get("notes", ())),
        )


@dataclass(frozen=True)
class WitnessResult:
    """The outcome of `run_witness`: the program's own exit and every attempt it made.

    `exit_code` is the program's code, or 128 + signal number when a signal ended it (the
    shell convention); `stopped_by_duration` is true when the witness ended it at
    `--duration`.
    """

    command: tuple[str, ...]
    exit_code: int
    stopped_by_duration: bool
    started_at: str  # ISO 8601 UTC
    elapsed: float
    sandbox: SandboxInfo
    attempts: tuple[Attempt, ...] = field(default=())
    truncated: bool = False  # more attempts than the recorder keeps
    allow: tuple[str, ...] = ()  # --allow patterns the run was judged against
