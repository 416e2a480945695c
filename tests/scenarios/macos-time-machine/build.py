"""A macOS disk audited with --root (homes under /Users, no passwd entries): Time Machine
backs the whole disk up to a destination macOS last saw unencrypted; mia's Ollama history
is copied, noor excluded hers with `tmutil addexclusion -p`."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktopbackup import time_machine_plist
from tests.builders.ollama import write_repl_history


def build(host: HostBuilder) -> None:
    for name in ("mia", "noor"):
        host.directory(f"/Users/{name}", mode=0o750)
        write_repl_history(host.path(f"/Users/{name}/.ollama/history"), ["quarterly figures"])
    time_machine_plist(
        host,
        encryption_states=["NotEncrypted"],
        skip_paths=["/Users/mia/Downloads", "/Users/noor/Movies"],
        exclude_by_path=["/Users/noor/.ollama"],
    )
