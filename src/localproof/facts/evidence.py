"""Egress observed by `localproof witness` or `localproof watch`, brought into an audit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Destination:
    """One destination a program tried to reach, and what the knowledge base says it is."""

    what: str  # "tcp ollama.com:443", "dns ollama.com"
    attribution: str  # "ollama:model-recommendations (telemetry)", or ""


@dataclass(frozen=True)
class ObservedEgress:
    """A witness or watch report given to `audit --evidence`; `error` if unreadable."""

    source: str  # the report's file name
    kind: str  # witness | watch
    program: str
    tool: str | None  # the knowledge-base tool the destinations belong to, if any
    unexpected: tuple[Destination, ...] = ()
    error: str | None = None
