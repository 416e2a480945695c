"""A careful single-user workstation: LVM on LUKS for / and swap, Ollama's history and key
0600 in 0700 directories, systemd-coredump told to keep nothing, no remote login."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history

LVM = "LVM-" + "4f" * 16  # lvm2 names an LV "LVM-<vg uuid><lv uuid>"


def build(host: HostBuilder) -> None:
    home = host.user("erin", 1000, groups=("sudo",), home_mode=0o700)
    host.user("ollama-svc", 998, home="/var/empty", shell="/usr/sbin/nologin")
    host.file("/etc/hostname", "erin-laptop\n")
    write_repl_history(home / ".ollama" / "history", ["summarise my therapy notes"])
    host.file("/home/erin/.ollama/id_ed25519", "OPENSSH KEY PLACEHOLDER\n", mode=0o600)
    host.path("/home/erin/.ollama").chmod(0o700)
    host.chown_tree("/home/erin", 1000, 1000)
    host.process(900, ["/usr/local/bin/ollama", "serve"], uid=1000)
    host.listen(900, "127.0.0.1", 11434, uid=1000)
    host.ensure_net_tables()
    host.crypt_device("dm-0", name="nvme0n1p3_crypt", slaves=("nvme0n1p3",))
    host.crypt_device("dm-1", name="vg0-root", uuid=LVM + "01" * 16, slaves=("dm-0",))
    host.crypt_device("dm-2", name="vg0-swap", uuid=LVM + "02" * 16, slaves=("dm-0",))
    host.mount("/dev/mapper/vg0-root", "/", "ext4", "rw,relatime")
    host.mount("/dev/nvme0n1p2", "/boot", "ext4", "rw,relatime")
    host.swap("/dev/dm-2")
    host.file("/proc/sys/crypto/fips_enabled", "0\n", mode=0o444)
    host.core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h")
    host.file("/etc/systemd/coredump.conf.d/50-no-dumps.conf", "[Coredump]\nStorage=none\n")
