"""The at-rest and residue checks print paths, modes, devices and account names, never what
they read: canaries planted in every file those checks touch stay out of every format,
and the fixture tree is unchanged by the audit (the fscrypt ioctl only reads flags)."""

from __future__ import annotations

import pytest

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.test_contracts import FORMATS, run_cli, tree_state

CANARIES = ("CANARY-b71c-history", "CANARY-29fe-key", "CANARY-c0d3-coredump", "CANARY-5a1e-unit")


def build(host: HostBuilder) -> None:
    home = host.user("alice", 1000, groups=("sudo",), home_mode=0o755)
    host.user("bob", 1001, groups=("docker",))
    write_repl_history(home / ".ollama" / "history", [f"about {CANARIES[0]}"]).chmod(0o644)
    host.file("/home/alice/.ollama/id_ed25519", f"{CANARIES[1]}\n", mode=0o644)
    host.chown_tree("/home/alice", 1000, 1000)
    host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        dropins={"core.conf": f"[Service]\n# {CANARIES[3]}\nLimitCORE=infinity\n"},
    )
    host.process(900, ["/usr/local/bin/ollama", "serve"], uid=1000)
    host.mount("/dev/sda2", "/", "ext4")
    host.directory("/.fscrypt/policies")
    host.swap("/swapfile", kind="file")
    host.core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h")
    host.file("/etc/systemd/coredump.conf", f"[Coredump]\n# {CANARIES[2]}\nStorage=journal\n")
    host.file("/proc/sys/crypto/fips_enabled", "0\n", mode=0o444)


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_canary_in_any_format_and_nothing_modified(
    host: HostBuilder, output_format: str
) -> None:
    build(host)
    before = tree_state(host.root)
    done = run_cli("audit", "--root", str(host.root), "--format", output_format)
    assert done.returncode == 0, done.stderr
    for check in ("encryption", "swap", "core-dump", "shared-host", "secret-private"):
        assert check in done.stdout
    for canary in CANARIES:
        assert canary not in done.stdout
        assert canary not in done.stderr
    assert tree_state(host.root) == before
