"""Witness reports brought into an audit (evidence/*.json, written by real witness runs):
`localproof audit` under the witness (offline), a program that contacted ollama.com
(attributed to Ollama's outbound calls), and a truncated report."""

from __future__ import annotations

from tests.builders import HostBuilder


def build(host: HostBuilder) -> None:
    host.user("gus", 1000)
    host.ensure_net_tables()
