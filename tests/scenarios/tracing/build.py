"""LangSmith tracing turned on in a user's shell profile and in a service unit, turned off
in another profile, and a system start-up file the audit cannot read (a symlink loop)."""

from __future__ import annotations

from tests.builders import HostBuilder


def build(host: HostBuilder) -> None:
    host.user("hal", 1000)
    host.user("ivy", 1001)
    host.file("/home/hal/.bashrc", "alias ll='ls -l'\nexport LANGCHAIN_TRACING_V2=true\n")
    host.file("/home/ivy/.zshenv", "export LANGSMITH_TRACING=false\n")
    host.systemd_unit(
        "rag-worker",
        exec_start="/opt/rag/bin/python -m worker",
        environment={"LANGSMITH_TRACING": "true"},
    )
    host.symlink("/etc/environment", "/etc/environment")
