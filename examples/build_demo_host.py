"""Build the demo host: a small, deterministic Linux root for `localproof audit --root`.

    python examples/build_demo_host.py [DEST]        (default: examples/demo-host)

DEST is deleted and rebuilt. The host is a typical single-user AI workstation with the
usual mistakes: Ollama installed with the official script and then exposed on 0.0.0.0 through
a systemd drop-in, Open WebUI in Docker published on all interfaces without authentication,
its database world-readable, no disk encryption, swap on a plain partition, and core dumps
collected by systemd-coredump.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.builders import HostBuilder, PortPublish, VolumeMount, remove_tree  # noqa: E402
from tests.builders.ollama import write_repl_history  # noqa: E402
from tests.builders.openwebui import Chat, Message, User, write_webui_db  # noqa: E402

DEFAULT_DEST = REPO_ROOT / "examples" / "demo-host"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ALICE_UID = 1000
OLLAMA_UID = 998
OPEN_WEBUI_IMAGE = "ghcr.io/open-webui/open-webui:main"

# Process ids (fixed so the tree is reproducible).
PID_SYSTEMD, PID_DOCKERD, PID_OLLAMA = 1, 812, 1204
PID_PROXY_V4, PID_PROXY_V6, PID_SHIM, PID_WEBUI = 2011, 2012, 2040, 2063


def build_accounts(host: HostBuilder) -> None:
    host.file("/etc/hostname", "ai-workstation\n")
    host.file("/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    host.user("root", 0, home="/root", home_mode=0o700)
    host.user("alice", ALICE_UID, groups=("sudo", "docker"), gecos="Alice,,,")
    # ollama/ollama scripts/install.sh: useradd -r -s /bin/false -U -m -d /usr/share/ollama
    # ollama; usermod -a -G video ollama; and the installing user joins group ollama.
    host.user("ollama", OLLAMA_UID, home="/usr/share/ollama", shell="/bin/false", groups=("video",))
    host.group("ollama", OLLAMA_UID, members=["alice"])


def build_disks(host: HostBuilder) -> None:
    host.mount("/dev/nvme0n1p2", "/", "ext4", "rw,relatime,errors=remount-ro")
    host.mount("/dev/nvme0n1p1", "/boot/efi", "vfat", "rw,relatime,fmask=0077,dmask=0077")
    host.mount("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime")
    host.mount("tmpfs", "/run", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size=1631264k,mode=755")
    host.swap("/dev/nvme0n1p3", kind="partition", size_kb=8388604)
    host.core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h")


def build_ollama(host: HostBuilder) -> None:
    # install.sh unpacks the release into /usr/local (bin/ollama + lib/ollama/).
    host.file("/usr/local/bin/ollama", b"\x7fELF placeholder\n", mode=0o755)
    host.directory("/usr/local/lib/ollama")
    host.directory("/usr/share/ollama/.ollama/models", uid=OLLAMA_UID, gid=OLLAMA_UID)
    host.chown_tree("/usr/share/ollama/.ollama", OLLAMA_UID, OLLAMA_UID)
    host.systemd_unit(
        "ollama.service",
        description="Ollama Service",
        exec_start="/usr/local/bin/ollama serve",
        user="ollama",
        environment={"PATH": SYSTEM_PATH},
        dropins={"override.conf": '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'},
    )
    environ = {
        "LANG": "C.UTF-8",
        "PATH": SYSTEM_PATH,
        "HOME": "/usr/share/ollama",
        "LOGNAME": "ollama",
        "USER": "ollama",
        "SHELL": "/bin/false",
        "INVOCATION_ID": "4b6f1c0e9a7d4e2f8c3b5a6d7e8f9012",
        "JOURNAL_STREAM": "8:21907",
        "SYSTEMD_EXEC_PID": str(PID_OLLAMA),
        "OLLAMA_HOST": "0.0.0.0",
    }
    host.process(PID_OLLAMA, ["/usr/local/bin/ollama", "serve"], uid=OLLAMA_UID, environ=environ)
    # Go's net.Listen("tcp", "0.0.0.0:11434") opens an IPv4-only socket.
    host.listen(PID_OLLAMA, "0.0.0.0", 11434, uid=OLLAMA_UID)

    history = host.path("/home/alice/.ollama/history")
    write_repl_history(
        history,
        [
            "why is the sky blue?",
            "/set parameter num_ctx 8192",
            "give me three ideas for a vegetarian dinner",
            "translate 'good morning' into Italian",
        ],
    )
    host.chown_tree("/home/alice/.ollama", ALICE_UID, ALICE_UID)


def build_open_webui(host: HostBuilder) -> None:
    volume = VolumeMount("open-webui", "/app/backend/data")
    # Image ENV (open-webui/open-webui: Dockerfile) with the user's -e values merged in.
    env = {
        "PATH": SYSTEM_PATH,
        "LANG": "C.UTF-8",
        "ENV": "prod",
        "PORT": "8080",
        "OLLAMA_BASE_URL": "http://host.docker.internal:11434",
        "OPENAI_API_BASE_URL": "",
        "SCARF_NO_ANALYTICS": "true",
        "DO_NOT_TRACK": "true",
        "ANONYMIZED_TELEMETRY": "false",
        "HOME": "/root",
        "WEBUI_AUTH": "False",
    }
    container_id = host.docker_container(
        "open-webui",
        OPEN_WEBUI_IMAGE,
        env=env,
        ports=[PortPublish(container_port=8080, host_port=3000)],
        mounts=[volume],
        pid=PID_WEBUI,
        cmd=["bash", "start.sh"],
        restart="always",
        extra_hosts=["host.docker.internal:host-gateway"],
    )
    data = host.docker_volume(volume.name)
    chats = [
        Chat(
            title="Sourdough starter",
            messages=[
                Message("user", "How often should I feed a sourdough starter?"),
                Message("assistant", "Once a day at room temperature, weekly in the fridge."),
            ],
            created_at=1748937600,
        ),
        Chat(
            title="Trip packing list",
            messages=[
                Message("user", "What should I pack for three days of hiking in May?"),
                Message("assistant", "Layers, a rain shell, sturdy boots, water and snacks."),
            ],
            created_at=1749024000,
        ),
    ]
    write_webui_db(
        data / "webui.db",
        users=[User("User", "admin@localhost", role="admin")],
        chats=chats,
        config={"ui": {"enable_signup": False}},
        mode=0o644,
    )

    dockerd = ["/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"]
    host.process(PID_DOCKERD, dockerd, environ={"PATH": SYSTEM_PATH, "LANG": "C.UTF-8"})
    for pid, host_ip, proto in ((PID_PROXY_V4, "0.0.0.0", "tcp"), (PID_PROXY_V6, "::", "tcp6")):
        proxy = ["/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", host_ip]
        proxy += ["-host-port", "3000", "-container-ip", "172.17.0.2", "-container-port", "8080"]
        host.process(pid, proxy, ppid=PID_DOCKERD)
        host.listen(pid, host_ip, 3000, proto=proto)
    shim = ["/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", container_id]
    host.process(PID_SHIM, [*shim, "-address", "/run/containerd/containerd.sock"])
    # backend/start.sh ends with: exec "$PYTHON_CMD" -m uvicorn open_webui.main:app ...
    uvicorn = ["/usr/local/bin/python3", "-m", "uvicorn", "open_webui.main:app", "--host"]
    uvicorn += ["0.0.0.0", "--port", "8080", "--forwarded-allow-ips", "*", "--workers", "1"]
    container_environ = {**env, "HOSTNAME": container_id[:12]}
    host.process(PID_WEBUI, uvicorn, environ=container_environ, ppid=PID_SHIM)


def build_demo_host(dest: Path) -> HostBuilder:
    remove_tree(dest)
    host = HostBuilder(dest)
    build_onto(host)
    return host


def build_onto(host: HostBuilder) -> None:
    """Build the demo host into an existing builder (the test scenarios reuse it)."""
    build_accounts(host)
    host.process(PID_SYSTEMD, ["/sbin/init"], exe="/usr/lib/systemd/systemd", comm="systemd")
    build_disks(host)
    build_ollama(host)
    build_open_webui(host)
    host.ensure_net_tables()


def main(argv: list[str]) -> int:
    dest = Path(argv[1]) if len(argv) > 1 else DEFAULT_DEST
    build_demo_host(dest)
    print(f"demo host written to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
