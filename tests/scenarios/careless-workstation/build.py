"""A careless workstation across every data-at-rest check in one host: a world-readable chat
database, no disk encryption, swap on a plain partition, core dumps kept, an rsnapshot
copy of /home on a plain USB disk, prompts in the bash and Ollama histories, and a second
sudo user who can log in over SSH. It fails each of those categories."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.builders import HostBuilder
from tests.builders.residue import bash_history, rsnapshot_conf


def _careless_disk() -> object:
    path = Path(__file__).parent.parent / "careless-disk" / "build.py"
    spec = importlib.util.spec_from_file_location("careless_disk", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(host: HostBuilder) -> None:
    _careless_disk().build(host)  # type: ignore[attr-defined]
    host.mount("/dev/sdb1", "/mnt/backup", "ext4")
    rsnapshot_conf(host, snapshot_root="/mnt/backup/snapshots/", backups=["/home/"])
    bash_history(
        host, "/home/alice", ['ollama run llama3.2 "what are my rights as a tenant"'], uid=1000
    )
