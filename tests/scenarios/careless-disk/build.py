"""A careless workstation: Ollama's history and key and Open WebUI's database readable by
everyone, no disk encryption, swap on a plain partition, systemd-coredump keeping dumps
(its default), and a second sudo user who can log in over SSH."""

from __future__ import annotations

from tests.builders import HostBuilder, VolumeMount
from tests.builders.ollama import write_repl_history
from tests.builders.openwebui import Chat, Message, User, write_webui_db


def build(host: HostBuilder) -> None:
    home = host.user("alice", 1000, groups=("sudo", "docker"), home_mode=0o755)
    host.user("bob", 1001, groups=("sudo",))
    host.file("/etc/hostname", "shared-ws\n")
    write_repl_history(home / ".ollama" / "history", ["draft my divorce settlement"]).chmod(0o644)
    host.file("/home/alice/.ollama/id_ed25519", "OPENSSH KEY PLACEHOLDER\n", mode=0o644)
    host.chown_tree("/home/alice", 1000, 1000)
    host.process(900, ["/usr/local/bin/ollama", "serve"], uid=1000)
    host.listen(900, "127.0.0.1", 11434, uid=1000)
    host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:main",
        mounts=[VolumeMount(name="open-webui", destination="/app/backend/data")],
    )
    write_webui_db(
        host.path("/var/lib/docker/volumes/open-webui/_data/webui.db"),
        users=[User("Alice", "alice@example.org", role="admin")],
        chats=[Chat(title="lawyer", messages=[Message("user", "hello")])],
        mode=0o644,
    )
    host.mount("/dev/sda2", "/", "ext4", "rw,relatime,errors=remount-ro")
    host.mount("/dev/sda1", "/boot/efi", "vfat", "rw,relatime,fmask=0077,dmask=0077")
    host.swap("/dev/sda3")
    host.core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h")
    host.file("/etc/systemd/coredump.conf", "[Coredump]\n#Storage=external\n#Compress=yes\n")
    host.process(500, ["/usr/sbin/sshd", "-D"])
    host.listen(500, "0.0.0.0", 22)
    host.listen(500, "::", 22, proto="tcp6")
    host.ensure_net_tables()
    host.systemd_unit("ssh", exec_start="/usr/sbin/sshd -D", description="OpenBSD Secure Shell")
