"""From the timeline to destinations and a verdict: pure functions of a `WitnessResult`.

A destination is one (kind, name, address, port); retries of the same call collapse into
one row with a count and first/last seen. `--allow` patterns are shell globs matched
case-insensitively against a destination's DNS name, SNI, HTTP Host and address.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from localproof.witness.attribution import Attribution, attribute
from localproof.witness.model import Attempt, WitnessResult

EXIT_EGRESS = 1  # like findings at or above --fail-on; 2 stays usage or sandbox error
MAX_PATHS = 20


@dataclass
class Destination:
    """Attempts to one place, folded together."""

    kind: str
    name: str | None
    address: str | None
    port: int | None
    protocols: set[str] = field(default_factory=set)
    sni: set[str] = field(default_factory=set)
    http: set[tuple[str, str, str]] = field(default_factory=set)  # method, host, path
    dns_types: set[str] = field(default_factory=set)
    count: int = 0
    first_seen: float = 0.0
    last_seen: float = 0.0
    attribution: tuple[Attribution, ...] = ()
    allowed: bool = False

    @property
    def label(self) -> str:
        where = self.name or self.address or "?"
        if self.port is None or self.kind == "dns":
            return f"{self.kind} {where}"
        return f"{self.kind} {f'[{where}]' if ':' in where else where}:{self.port}"

    def identifiers(self) -> list[str]:
        hosts = [self.name, *self.sni, *(host for _m, host, _p in self.http)]
        names = [host.split(":", 1)[0].lower() for host in hosts if host]
        return [*names, *([self.address] if self.address else [])]

    def add(self, attempt: Attempt) -> None:
        if self.count == 0:
            self.first_seen = attempt.t
        self.count += 1
        self.last_seen = attempt.t
        self.protocols.add(attempt.protocol)
        if attempt.sni:
            self.sni.add(attempt.sni)
        if attempt.dns_type:
            self.dns_types.add(attempt.dns_type)
        if attempt.http_method and len(self.http) < MAX_PATHS:
            host = attempt.http_host or ""
            self.http.add((attempt.http_method, host, attempt.http_path or ""))


def is_allowed(identifiers: Iterable[str], allow: Sequence[str]) -> bool:
    lowered = [identifier.lower() for identifier in identifiers]
    return any(fnmatchcase(item, pattern.lower()) for pattern in allow for item in lowered)


def destinations(result: WitnessResult, allow: Sequence[str] | None = None) -> list[Destination]:
    """Per-destination summary in order of first attempt, attributed and judged."""
    patterns = result.allow if allow is None else tuple(allow)
    folded: dict[tuple[str, str | None, str | None, int | None], Destination] = {}
    for attempt in result.attempts:
        key = (attempt.kind, attempt.name, attempt.address, attempt.port)
        if key not in folded:
            folded[key] = Destination(attempt.kind, attempt.name, attempt.address, attempt.port)
        folded[key].add(attempt)
    for item in folded.values():
        hosts = [host for host in item.identifiers() if host != item.address]
        item.attribution = attribute(hosts, item.address, item.port)
        item.allowed = is_allowed(item.identifiers(), patterns)
    return sorted(folded.values(), key=lambda item: item.first_seen)


def unexpected(result: WitnessResult, allow: Sequence[str] | None = None) -> list[Destination]:
    return [item for item in destinations(result, allow) if not item.allowed]


def verdict(result: WitnessResult, allow: Sequence[str] | None = None) -> str:
    """`offline` (no attempt at all), `allowed` (all covered by --allow) or `egress`."""
    if not result.attempts:
        return "offline"
    return "egress" if unexpected(result, allow) else "allowed"


def exit_status(result: WitnessResult, allow: Sequence[str] | None = None) -> int:
    """EXIT_EGRESS (3) when an attempt is not covered by `allow`; else the program's code.

    The program's own code passes through (128 + N when signal N ended it); a program the
    witness stopped at `--duration` counts as 0, since the observation window just ended.
    `allow` defaults to the patterns given to `run_witness`.
    """
    if verdict(result, allow) == "egress":
        return EXIT_EGRESS
    return 0 if result.stopped_by_duration else result.exit_code
