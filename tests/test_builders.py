"""The fixture builders write what real parsers read.

Every check decodes the fixture independently (struct/ipaddress, sqlite3, json, configparser)
instead of trusting the builder's own helpers.
"""

from __future__ import annotations

import configparser
import hashlib
import ipaddress
import json
import os
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import BindMount, HostBuilder, PortPublish, VolumeMount
from tests.builders.ollama import write_repl_history, write_server_json
from tests.builders.openwebui import Chat, Message, User, write_webui_db

REPO_ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = os.geteuid() == 0
little_endian_only = pytest.mark.skipif(
    sys.byteorder != "little", reason="/proc/net rows are in host byte order"
)


def decode_endpoint(text: str) -> tuple[str, int]:
    """Independent decoder for /proc/net/{tcp,udp}[6] addresses (proc_net_tcp.rst)."""
    address, port = text.split(":")
    raw = bytes.fromhex(address)
    words = struct.unpack(f">{len(raw) // 4}I", raw)
    packed = struct.pack(f"<{len(words)}I", *words)
    return str(ipaddress.ip_address(packed)), int(port, 16)


def socket_rows(path: Path) -> list[dict[str, object]]:
    rows = []
    for line in path.read_text().splitlines()[1:]:
        fields = line.split()
        rows.append(
            {
                "local": decode_endpoint(fields[1]),
                "remote": decode_endpoint(fields[2]),
                "state": int(fields[3], 16),
                "uid": int(fields[7]),
                "inode": int(fields[9]),
            }
        )
    return rows


@little_endian_only
def test_socket_tables_decode_like_the_kernel_documents(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    host.process(4242, ["/usr/local/bin/ollama", "serve"], uid=998)
    inode = host.listen(4242, "127.0.0.1", 631, uid=998)
    inode6 = host.listen(4242, "::1", 11434, proto="tcp6", uid=998)
    udp_inode = host.listen(None, "0.0.0.0", 5353, proto="udp")
    host.connect(None, ("192.168.1.20", 50000), ("93.184.216.34", 443))
    host.ensure_net_tables()

    tcp_text = (tmp_path / "proc/net/tcp").read_text()
    # Documentation/networking/proc_net_tcp.rst: "0100007F:0277" is 127.0.0.1:631.
    assert "0100007F:0277 00000000:0000 0A" in tcp_text
    assert all(len(line) == 149 for line in tcp_text.splitlines())  # tcp4_seq_show padding
    assert tcp_text.startswith("  sl  local_address rem_address   st tx_queue")
    tcp = socket_rows(tmp_path / "proc/net/tcp")
    assert tcp[0] == {
        "local": ("127.0.0.1", 631),
        "remote": ("0.0.0.0", 0),
        "state": 0x0A,
        "uid": 998,
        "inode": inode,
    }
    assert tcp[1]["state"] == 0x01
    assert tcp[1]["remote"] == ("93.184.216.34", 443)
    assert socket_rows(tmp_path / "proc/net/tcp6")[0]["local"] == ("::1", 11434)
    assert "00000000000000000000000001000000:2CAA" in (tmp_path / "proc/net/tcp6").read_text()
    udp = socket_rows(tmp_path / "proc/net/udp")
    assert udp[0]["state"] == 0x07
    assert udp[0]["inode"] == udp_inode
    assert socket_rows(tmp_path / "proc/net/udp6") == []

    fd_dir = tmp_path / "proc/4242/fd"
    targets = {str(fd.readlink()) for fd in fd_dir.iterdir()}
    assert targets == {"/dev/null", f"socket:[{inode}]", f"socket:[{inode6}]"}
    assert len({inode, inode6, udp_inode}) == 3


def test_process_files_have_proc_formats(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    host.user("ollama", 998, home="/usr/share/ollama", shell="/bin/false", groups=["video"])
    argv = ["/opt/tools/a-very-long-process-name", "--flag", "two words"]
    host.process(77, argv, uid=998, environ={"OLLAMA_HOST": "0.0.0.0", "HOME": "/x"}, ppid=1)

    proc = tmp_path / "proc/77"
    assert (proc / "cmdline").read_bytes().split(b"\0") == [*(a.encode() for a in argv), b""]
    assert (proc / "environ").read_bytes() == b"OLLAMA_HOST=0.0.0.0\0HOME=/x\0"
    assert (proc / "comm").read_text() == "a-very-long-pro\n"  # TASK_COMM_LEN - 1
    status = dict(line.split(":\t", 1) for line in (proc / "status").read_text().splitlines())
    assert status["Name"] == "a-very-long-pro"
    assert status["Pid"] == "77"
    assert status["PPid"] == "1"
    assert status["Uid"].split("\t") == ["998"] * 4
    assert status["Gid"].split("\t") == ["998"] * 4
    assert status["Groups"].split() == ["44", "998"]
    assert str((proc / "exe").readlink()) == argv[0]
    assert stat.S_IMODE((proc / "environ").stat().st_mode) == 0o400
    assert stat.S_IMODE((proc / "fd").stat().st_mode) == 0o700
    if IS_ROOT:
        assert (proc / "environ").stat().st_uid == 998


def test_accounts_use_passwd_and_group_formats(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    host.user("root", 0, home_mode=0o700)
    home = host.user("alice", 1000, groups=("sudo", "docker"), gecos="Alice,,,")
    host.group("docker", 999, members=["bob"])

    passwd = [line.split(":") for line in (tmp_path / "etc/passwd").read_text().splitlines()]
    assert passwd[1] == ["alice", "x", "1000", "1000", "Alice,,,", "/home/alice", "/bin/bash"]
    groups = {
        fields[0]: (int(fields[2]), fields[3].split(",") if fields[3] else [])
        for fields in (line.split(":") for line in (tmp_path / "etc/group").read_text().split())
    }
    assert groups["alice"] == (1000, [])
    assert groups["sudo"] == (27, ["alice"])
    assert groups["docker"] == (999, ["alice", "bob"])
    assert home == tmp_path / "home/alice"
    assert stat.S_IMODE(home.stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "root").stat().st_mode) == 0o700
    if IS_ROOT:
        assert (home.stat().st_uid, home.stat().st_gid) == (1000, 1000)
    with pytest.raises(ValueError, match="gid"):
        host.group("sudo", 28)


def test_files_directories_and_symlinks(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    secret = host.file("/home/alice/.config/x/db.sqlite", b"data", mode=0o600, uid=1000, gid=1000)
    link = host.symlink("/usr/local/bin/tool", "/usr/local/lib/tool/tool")
    assert host.path("/home/alice/.config/x/db.sqlite") == secret
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "home/alice/.config").stat().st_mode) == 0o755
    assert str(link.readlink()) == "/usr/local/lib/tool/tool"
    host.file("/proc/x", "a", mode=0o444)
    host.file("/proc/x", "b", mode=0o444)  # read-only files can be rewritten
    assert (tmp_path / "proc/x").read_text() == "b"
    if IS_ROOT:
        assert secret.stat().st_uid == 1000


def test_mounts_swaps_core_pattern_and_dm_devices(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    host.mount("/dev/mapper/luks-1", "/", "ext4")
    host.mount("/dev/sdb1", "/media/alice/My Disk", "exfat", "rw,nosuid")
    host.swap("/dev/nvme0n1p3")
    host.swap("/swap file", kind="file", size_kb=12_000_000, used_kb=512)
    host.core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h")
    host.crypt_device("dm-0", slaves=("nvme0n1p3",))
    host.crypt_device("dm-1", name="vg0-root", uuid="LVM-" + "a" * 64, slaves=("dm-0",))

    mounts = [line.split(" ") for line in (tmp_path / "proc/mounts").read_text().splitlines()]
    assert mounts[0] == ["/dev/mapper/luks-1", "/", "ext4", "rw,relatime", "0", "0"]
    assert mounts[1][1] == "/media/alice/My\\040Disk"
    swaps = (tmp_path / "proc/swaps").read_text().splitlines()
    assert swaps[0].split() == ["Filename", "Type", "Size", "Used", "Priority"]
    assert swaps[1].split() == ["/dev/nvme0n1p3", "partition", "2097148", "0", "-2"]
    assert swaps[1].index("partition") == 40
    assert swaps[2].split() == ["/swap\\040file", "file", "12000000", "512", "-3"]
    core = (tmp_path / "proc/sys/kernel/core_pattern").read_text()
    assert core == "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n"

    dm0 = tmp_path / "sys/block/dm-0"
    name = (dm0 / "dm/name").read_text().strip()
    uuid = (dm0 / "dm/uuid").read_text().strip()
    assert name.startswith("luks-")
    assert uuid.startswith("CRYPT-LUKS2-")
    assert uuid.endswith(f"-{name}")
    assert len(uuid.split("-")[2]) == 32
    assert [slave.name for slave in (dm0 / "slaves").iterdir()] == ["nvme0n1p3"]
    assert (tmp_path / "sys/block/dm-1/dm/uuid").read_text().startswith("LVM-")


def test_systemd_unit_parses_as_ini(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    unit = host.systemd_unit(
        "ollama",
        exec_start="/usr/local/bin/ollama serve",
        user="ollama",
        environment={"PATH": "/usr/bin:/bin"},
        environment_file="/etc/default/ollama",
        dropins={"override.conf": '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'},
    )
    assert unit == tmp_path / "etc/systemd/system/ollama.service"
    parser = configparser.RawConfigParser(strict=False)
    parser.read(unit)
    assert parser["Service"]["ExecStart"] == "/usr/local/bin/ollama serve"
    assert parser["Service"]["User"] == "ollama"
    assert parser["Service"]["Environment"] == '"PATH=/usr/bin:/bin"'
    assert parser["Service"]["EnvironmentFile"] == "/etc/default/ollama"
    assert parser["Install"]["WantedBy"] == "default.target"
    dropin = tmp_path / "etc/systemd/system/ollama.service.d/override.conf"
    assert "OLLAMA_HOST=0.0.0.0" in dropin.read_text()
    wants = tmp_path / "etc/systemd/system/default.target.wants/ollama.service"
    assert str(wants.readlink()) == "/etc/systemd/system/ollama.service"


def test_docker_container_json_has_dockers_fields(tmp_path: Path) -> None:
    host = HostBuilder(tmp_path)
    container_id = host.docker_container(
        "open-webui",
        "ghcr.io/open-webui/open-webui:main",
        env={"WEBUI_AUTH": "False", "OLLAMA_BASE_URL": "http://host.docker.internal:11434"},
        ports=[PortPublish(8080, 3000), PortPublish(53, 5353, host_ip="127.0.0.1", proto="udp")],
        mounts=[
            VolumeMount("open-webui", "/app/backend/data"),
            BindMount("/srv/models", "/models", read_only=True, via_mount_flag=True),
        ],
        pid=2063,
    )
    assert len(container_id) == 64
    base = tmp_path / f"var/lib/docker/containers/{container_id}"
    config = json.loads((base / "config.v2.json").read_text())
    hostconfig = json.loads((base / "hostconfig.json").read_text())
    assert stat.S_IMODE((base / "config.v2.json").stat().st_mode) == 0o600

    assert config["ID"] == container_id
    assert config["Name"] == "/open-webui"
    assert config["Config"]["Image"] == "ghcr.io/open-webui/open-webui:main"
    assert "WEBUI_AUTH=False" in config["Config"]["Env"]
    assert config["Config"]["ExposedPorts"] == {"8080/tcp": {}, "53/udp": {}}
    assert config["State"]["Running"] is True
    assert config["State"]["Pid"] == 2063
    volume = config["MountPoints"]["/app/backend/data"]
    assert volume["Type"] == "volume"
    assert volume["Name"] == "open-webui"
    assert volume["Source"] == "/var/lib/docker/volumes/open-webui/_data"
    assert volume["RW"] is True
    assert config["MountPoints"]["/models"]["RW"] is False
    assert config["NetworkSettings"]["Ports"]["8080/tcp"][0] == {
        "HostIp": "0.0.0.0",
        "HostPort": "3000",
    }
    assert hostconfig["PortBindings"]["8080/tcp"] == [{"HostIp": "", "HostPort": "3000"}]
    assert hostconfig["PortBindings"]["53/udp"] == [{"HostIp": "127.0.0.1", "HostPort": "5353"}]
    assert hostconfig["Binds"] == ["open-webui:/app/backend/data"]
    assert hostconfig["Mounts"] == [
        {"Type": "bind", "Source": "/srv/models", "Target": "/models", "ReadOnly": True}
    ]
    data = tmp_path / "var/lib/docker/volumes/open-webui/_data"
    assert data.is_dir()
    assert host.docker_volume("open-webui") == data
    assert stat.S_IMODE(data.parent.stat().st_mode) == 0o701


def _chat(title: str, created_at: int) -> Chat:
    return Chat(
        title=title,
        messages=[
            Message("user", f"question about {title}"),
            Message("assistant", f"answer about {title}"),
        ],
        created_at=created_at,
    )


def _read_rows(db_path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(query).fetchall()


def test_webui_db_has_the_release_schema_and_rows(tmp_path: Path) -> None:
    path = write_webui_db(
        tmp_path / "webui.db",
        users=[User("Alice", "alice@example.org", role="admin")],
        chats=[_chat("Bread", 1748937600), _chat("Hiking", 1749024000)],
        config={"ui": {"enable_signup": True, "default_user_role": "user"}},
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not path.with_name("webui.db-wal").exists()
    assert path.read_bytes()[18:20] == b"\x02\x02"  # WAL mode, as the app leaves it
    tables = {row[0] for row in _read_rows(path, "SELECT name FROM sqlite_master")}
    assert {"chat", "chat_message", "user", "auth", "config", "alembic_version"} <= tables
    assert _read_rows(path, "SELECT version_num FROM alembic_version") == [("0bd252b206fb",)]

    (user_id, role), *_ = _read_rows(path, "SELECT id, role FROM user")
    assert role == "admin"
    assert _read_rows(path, "SELECT id, active FROM auth") == [(user_id, 1)]
    chats = _read_rows(path, "SELECT id, user_id, title, chat FROM chat ORDER BY created_at")
    assert [title for _, _, title, _ in chats] == ["Bread", "Hiking"]
    chat_id, owner, _, blob_text = chats[0]
    assert owner == user_id
    blob = json.loads(str(blob_text))
    history = blob["history"]["messages"]
    current = history[blob["history"]["currentId"]]
    assert current["role"] == "assistant"
    assert history[current["parentId"]]["content"] == "question about Bread"
    assert [m["content"] for m in blob["messages"]] == [
        "question about Bread",
        "answer about Bread",
    ]
    assert blob["timestamp"] == 1748937600 * 1000
    messages = _read_rows(
        path, f"SELECT id, role, content FROM chat_message WHERE chat_id = '{chat_id}'"
    )
    assert len(messages) == 2
    assert all(str(message_id).startswith(f"{chat_id}-") for message_id, _, _ in messages)
    assert {json.loads(str(content)) for _, _, content in messages} == {
        "question about Bread",
        "answer about Bread",
    }
    config = {
        str(key): json.loads(str(value))
        for key, value in _read_rows(path, "SELECT key, value FROM config")
    }
    assert config == {"ui.enable_signup": True, "ui.default_user_role": "user"}


def test_webui_db_wal_holds_the_last_chat_only_in_the_wal_file(tmp_path: Path) -> None:
    live = tmp_path / "live"
    path = write_webui_db(
        live / "webui.db",
        users=[User("Alice", "alice@example.org")],
        chats=[_chat("Settled", 1748937600), _chat("Pending", 1749024000)],
        wal=True,
    )
    wal = path.with_name("webui.db-wal")
    assert wal.stat().st_size > 0

    main_only = tmp_path / "main-only"
    main_only.mkdir()
    shutil.copy(path, main_only / "webui.db")
    titles = _read_rows(main_only / "webui.db", "SELECT title FROM chat")
    assert titles == [("Settled",)]

    with_wal = tmp_path / "with-wal"
    with_wal.mkdir()
    shutil.copy(path, with_wal / "webui.db")
    shutil.copy(wal, with_wal / "webui.db-wal")
    titles = _read_rows(with_wal / "webui.db", "SELECT title FROM chat ORDER BY created_at")
    assert titles == [("Settled",), ("Pending",)]
    pending_messages = _read_rows(
        with_wal / "webui.db",
        "SELECT count(*) FROM chat_message JOIN chat ON chat.id = chat_id WHERE title='Pending'",
    )
    assert pending_messages == [(2,)]


def test_ollama_history_and_server_json(tmp_path: Path) -> None:
    history = write_repl_history(tmp_path / ".ollama/history", [f"prompt {n}" for n in range(105)])
    lines = history.read_text().splitlines()
    assert lines[0] == "prompt 5"  # readline/history.go keeps the last 100
    assert len(lines) == 100
    assert history.read_text().endswith("prompt 104\n")
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    with pytest.raises(ValueError, match="single"):
        write_repl_history(tmp_path / "h", ["two\nlines"])

    on = write_server_json(tmp_path / ".ollama/server.json", disable_cloud=True)
    assert json.loads(on.read_text()) == {"disable_ollama_cloud": True}
    off = write_server_json(tmp_path / "other/server.json", disable_cloud=False)
    assert json.loads(off.read_text()) == {}


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest.update(f"{path.relative_to(root)}:{stat.S_IMODE(info.st_mode):o}".encode())
        if path.is_symlink():
            digest.update(str(path.readlink()).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@little_endian_only
def test_demo_host_script_builds_a_deterministic_root(tmp_path: Path) -> None:
    script = REPO_ROOT / "examples/build_demo_host.py"
    for dest in ("first", "second"):
        subprocess.run(
            [sys.executable, str(script), str(tmp_path / dest)],
            check=True,
            capture_output=True,
        )
    root = tmp_path / "first"
    assert _tree_digest(root) == _tree_digest(tmp_path / "second")

    override = root / "etc/systemd/system/ollama.service.d/override.conf"
    assert 'Environment="OLLAMA_HOST=0.0.0.0"' in override.read_text()
    assert "ollama:x:998:998::/usr/share/ollama:/bin/false" in (root / "etc/passwd").read_text()
    environ = (root / "proc/1204/environ").read_bytes().split(b"\0")
    assert b"OLLAMA_HOST=0.0.0.0" in environ
    listening = {row["local"] for row in socket_rows(root / "proc/net/tcp")}
    assert {("0.0.0.0", 11434), ("0.0.0.0", 3000)} <= listening
    db = root / "var/lib/docker/volumes/open-webui/_data/webui.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o644
    assert len(_read_rows(db, "SELECT id FROM chat")) == 2
    (container,) = (root / "var/lib/docker/containers").iterdir()
    hostconfig = json.loads((container / "hostconfig.json").read_text())
    assert hostconfig["PortBindings"] == {"8080/tcp": [{"HostIp": "", "HostPort": "3000"}]}
    assert (root / "home/alice/.ollama/history").read_text().count("\n") == 4
    assert (root / "proc/mounts").read_text().startswith("/dev/nvme0n1p2 / ext4 ")
    assert not (root / "sys/block").exists()  # no dm-crypt device: the disk is unencrypted
