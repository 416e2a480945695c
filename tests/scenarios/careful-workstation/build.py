"""The careful workstation: LUKS under LVM for / and swap, stores 0600 in 0700 folders,
no prompt kept anywhere (OLLAMA_NOHISTORY), no backup or sync copy, core dumps not kept,
one person on the host. It fails none of the data-at-rest categories."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.openwebui import Chat, Message, User, write_webui_db

LVM = "LVM-" + "4f" * 16


def build(host: HostBuilder) -> None:
    home = host.user("erin", 1000, home_mode=0o700)
    host.file("/etc/hostname", "erin-laptop\n")
    host.directory("/home/erin/.ollama", mode=0o700, uid=1000, gid=1000)
    host.file("/home/erin/.ollama/id_ed25519", "OPENSSH KEY PLACEHOLDER\n", mode=0o600, uid=1000)
    data = home / "owui"
    write_webui_db(
        data / "webui.db",
        users=[User("Erin", "erin@example.org", role="admin")],
        chats=[Chat(title="notes", messages=[Message("user", "hello")])],
        mode=0o600,
    )
    data.chmod(0o700)
    host.chown_tree("/home/erin", 1000, 1000)
    host.process(
        900, ["/usr/local/bin/ollama", "serve"], uid=1000, environ={"OLLAMA_NOHISTORY": "1"}
    )
    host.listen(900, "127.0.0.1", 11434, uid=1000)
    host.process(
        901,
        ["/home/erin/venv/bin/open-webui", "serve", "--host", "127.0.0.1"],
        uid=1000,
        environ={"DATA_DIR": "/home/erin/owui"},
    )
    host.ensure_net_tables()
    host.crypt_device("dm-0", name="nvme0n1p3_crypt", slaves=("nvme0n1p3",))
    host.crypt_device("dm-1", name="vg0-root", uuid=LVM + "01" * 16, slaves=("dm-0",))
    host.crypt_device("dm-2", name="vg0-swap", uuid=LVM + "02" * 16, slaves=("dm-0",))
    host.mount("/dev/mapper/vg0-root", "/", "ext4", "rw,relatime")
    host.swap("/dev/dm-2")
    host.core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h")
    host.file("/etc/systemd/coredump.conf.d/50-no-dumps.conf", "[Coredump]\nStorage=none\n")
