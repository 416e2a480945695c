"""Inputs the audit cannot read: an unreadable process environment, a store behind a
symlink loop, corrupt container state, and no account database."""

from __future__ import annotations

from tests.builders import HostBuilder


def build(host: HostBuilder) -> None:
    host.directory("/home/frank/.ollama")
    host.symlink("/home/frank/.ollama/history", "/home/frank/.ollama/history")
    host.process(42, ["/usr/local/bin/open-webui", "serve"])
    host.path("/proc/42/environ").unlink()
    host.ensure_net_tables()
    host.directory("/var/lib/docker/containers/0123abcd", mode=0o710)
    host.file("/var/lib/docker/containers/0123abcd/config.v2.json", b'{"ID": "0123')
    host.file("/var/lib/docker/containers/0123abcd/hostconfig.json", b"{}")
