"""Results of the optional active probe (`audit --probe`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProbeResult:
    """One read-only request to a tool's listener on one of this host's own addresses.

    `status` is the HTTP status line's code when the listener answered; `error` says why
    it did not (refused, timed out). Response bodies are never kept.
    """

    tool: str
    address: str
    port: int
    path: str
    status: int | None
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def endpoint(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"
