"""`HostBuilder`: a fake Linux root (files, users, /proc, /sys, systemd, Docker) for `--root`.

Everything is written in the real on-disk or kernel text format; the function or module that
produces each format names its upstream source. Ownership is applied only when running as
root (without root a fixture still builds, with the current user as owner).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.builders import docker, procfs

# Debian/Ubuntu base-passwd gids for groups that tests name without a gid.
WELL_KNOWN_GIDS: Mapping[str, int] = {"root": 0, "adm": 4, "wheel": 10, "sudo": 27, "video": 44}
_SYSTEM_GID_MAX = 999  # groupadd -r allocates downwards from SYS_GID_MAX (shadow: login.defs)
_FIRST_INODE = 40000


def _is_root() -> bool:
    return os.geteuid() == 0


class HostBuilder:
    """Builds a tree that localproof audits exactly as if it were `/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._passwd: list[str] = []
        self._users: dict[int, tuple[str, int]] = {}  # uid -> (name, primary gid)
        self._groups: dict[str, tuple[int, list[str]]] = {}  # name -> (gid, members)
        self._net_rows: dict[str, list[str]] = {}
        self._next_inode = _FIRST_INODE
        self._next_fd: dict[int, int] = {}
        self._proc_owner: dict[int, tuple[int, int]] = {}
        self._mounts: list[str] = []
        self._swaps: list[str] = []

    # -- plain files -------------------------------------------------------------------------

    def path(self, abs_path: str) -> Path:
        """The host path of `abs_path` inside the fixture: "/etc/x" -> root/"etc/x"."""
        if not abs_path.startswith("/"):
            raise ValueError(f"expected an absolute path, got {abs_path!r}")
        return self.root / abs_path.lstrip("/")

    def file(
        self,
        abs_path: str,
        content: bytes | str = b"",
        *,
        mode: int = 0o644,
        uid: int | None = None,
        gid: int | None = None,
    ) -> Path:
        """Write a file (missing parents get mode 0o755) with the given mode and owner."""
        target = self.path(abs_path)
        self._make_parents(target)
        if target.is_symlink() or target.exists():
            target.unlink()  # it may be read-only (0444 like most of /proc)
        data = content.encode() if isinstance(content, str) else content
        target.write_bytes(data)
        target.chmod(mode)
        self._chown(target, uid, gid)
        return target

    def directory(
        self, abs_path: str, *, mode: int = 0o755, uid: int | None = None, gid: int | None = None
    ) -> Path:
        target = self.path(abs_path)
        self._make_parents(target)
        target.mkdir(exist_ok=True)
        target.chmod(mode)
        self._chown(target, uid, gid)
        return target

    def symlink(self, abs_path: str, target: str) -> Path:
        """A symlink whose target is stored verbatim (absolute targets mean fixture paths)."""
        link = self.path(abs_path)
        self._make_parents(link)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
        return link

    def chown_tree(self, abs_path: str, uid: int, gid: int) -> None:
        """Give a path and everything below it to uid:gid (a no-op unless running as root)."""
        top = self.path(abs_path)
        for item in [top, *top.rglob("*")]:
            self._chown(item, uid, gid)

    # -- accounts (shadow-utils formats: passwd(5), group(5)) --------------------------------

    def group(self, name: str, gid: int, members: Sequence[str] = ()) -> None:
        """Add a group to etc/group, or add members to an existing one with the same gid."""
        known_gid, known_members = self._groups.get(name, (gid, []))
        if known_gid != gid:
            raise ValueError(f"group {name} already has gid {known_gid}")
        if name not in self._groups and gid in self._gids():
            raise ValueError(f"gid {gid} is already taken")
        self._groups[name] = (gid, known_members + [m for m in members if m not in known_members])
        self._write_groups()

    def user(
        self,
        name: str,
        uid: int,
        *,
        gid: int | None = None,
        home: str | None = None,
        shell: str = "/bin/bash",
        groups: Sequence[str] = (),
        gecos: str = "",
        home_mode: int = 0o750,
    ) -> Path:
        """Add a passwd entry, its own group (gid defaults to uid, as useradd -U does),
        memberships in `groups` (created with a system gid if unknown), and the home
        directory. Returns the home directory's host path."""
        primary_gid = uid if gid is None else gid
        home = home or ("/root" if uid == 0 else f"/home/{name}")
        if primary_gid not in self._gids():
            self.group(name, primary_gid)
        for group_name in groups:
            self.group(group_name, self._gid_for(group_name), members=[name])
        self._passwd.append(f"{name}:x:{uid}:{primary_gid}:{gecos}:{home}:{shell}\n")
        self._users[uid] = (name, primary_gid)
        self.file("/etc/passwd", "".join(self._passwd))
        return self.directory(home, mode=home_mode, uid=uid, gid=primary_gid)

    # -- processes (Linux: Documentation/filesystems/proc.rst, fs/proc/base.c) ---------------

    def process(
        self,
        pid: int,
        cmdline: Sequence[str],
        *,
        uid: int = 0,
        environ: Mapping[str, str] | None = None,
        exe: str | None = None,
        comm: str | None = None,
        gid: int | None = None,
        ppid: int = 1,
    ) -> None:
        """proc/<pid>/{cmdline,environ,comm,status,exe,fd/}, owned by the process's user as in
        the real /proc; environ is 0400 and fd/ 0700 so other users cannot read them (the
        kernel's 0555/0500 directories are left writable so fixtures stay deletable without
        root). fds 0-2 point at /dev/null."""
        user_name, primary_gid = self._users.get(uid, ("", uid))
        gid = primary_gid if gid is None else gid
        name = comm or procfs.comm_of(cmdline[0])
        base = f"/proc/{pid}"
        self.directory(base, uid=uid, gid=gid)
        self._proc_owner[pid] = (uid, gid)
        # fs/proc/base.c: cmdline is argv with each argument NUL-terminated; environ alike.
        argv = b"".join(f"{arg}\0".encode() for arg in cmdline)
        self.file(f"{base}/cmdline", argv, mode=0o444, uid=uid, gid=gid)
        env_block = b"".join(f"{k}={v}\0".encode() for k, v in (environ or {}).items())
        self.file(f"{base}/environ", env_block, mode=0o400, uid=uid, gid=gid)
        self.file(f"{base}/comm", f"{name}\n", mode=0o644, uid=uid, gid=gid)
        groups = self._supplementary_gids(user_name, gid)
        status = procfs.status_text(name=name, pid=pid, ppid=ppid, uid=uid, gid=gid, groups=groups)
        self.file(f"{base}/status", status, mode=0o444, uid=uid, gid=gid)
        exe_path = exe or (cmdline[0] if cmdline[0].startswith("/") else f"/usr/bin/{cmdline[0]}")
        self._chown(self.symlink(f"{base}/exe", exe_path), uid, gid)
        self.directory(f"{base}/fd", mode=0o700, uid=uid, gid=gid)
        self._next_fd[pid] = 0
        for _ in range(3):
            self._add_fd(pid, "/dev/null")

    # -- sockets (Linux: Documentation/networking/proc_net_tcp.rst) --------------------------

    def listen(
        self, pid: int | None, address: str, port: int, *, proto: str = "tcp", uid: int = 0
    ) -> int:
        """A listening TCP (state 0A) or bound UDP (state 07) socket row in proc/net/<proto>;
        with a pid, also proc/<pid>/fd/<n> -> socket:[inode]. Returns the inode."""
        tcp = proto.startswith("tcp")
        any_address = "::" if proto.endswith("6") else "0.0.0.0"
        state = procfs.TCP_LISTEN if tcp else procfs.TCP_CLOSE
        return self._socket(pid, proto, ((address, port), (any_address, 0)), state=state, uid=uid)

    def connect(
        self,
        pid: int | None,
        local: tuple[str, int],
        remote: tuple[str, int],
        *,
        proto: str = "tcp",
        uid: int = 0,
    ) -> int:
        """An ESTABLISHED (01) TCP connection row; returns the inode."""
        if not proto.startswith("tcp"):
            raise ValueError("connect() is for tcp and tcp6")
        return self._socket(pid, proto, (local, remote), state=procfs.TCP_ESTABLISHED, uid=uid)

    def ensure_net_tables(self) -> None:
        """Write header-only proc/net/{tcp,tcp6,udp,udp6} for protocols with no socket yet."""
        for proto in procfs.NET_HEADERS:
            self._write_net_table(proto)

    # -- mounts, block devices, swap, core dumps ---------------------------------------------

    def mount(
        self, device: str, mountpoint: str, fstype: str, options: str = "rw,relatime"
    ) -> None:
        """A proc/mounts line (fs/proc_namespace.c show_vfsmnt(): "dev mnt type opts 0 0")."""
        fields = f"{procfs.mangle(device)} {procfs.mangle(mountpoint)} {fstype} {options}"
        self._mounts.append(f"{fields} 0 0\n")
        self.file("/proc/mounts", "".join(self._mounts), mode=0o444)

    def crypt_device(
        self,
        dm: str = "dm-0",
        *,
        name: str | None = None,
        uuid: str | None = None,
        slaves: Sequence[str] = ("sda2",),
    ) -> None:
        """A device-mapper node in sysfs (drivers/md/dm-sysfs.c: dm/name, dm/uuid, dm/suspended).

        Defaults describe an open LUKS2 volume the way cryptsetup names it (lib/setup.c:
        dm uuid "CRYPT-LUKS2-<uuid without dashes>-<dm name>", name "luks-<uuid>"); pass
        e.g. uuid="LVM-<64 hex>" and name="vg0-root" for a plain LVM volume.
        """
        luks_uuid = _uuid_for(dm)
        name = name or f"luks-{luks_uuid}"
        uuid = uuid or f"CRYPT-LUKS2-{luks_uuid.replace('-', '')}-{name}"
        device = f"/sys/devices/virtual/block/{dm}"
        self.file(f"{device}/dm/name", f"{name}\n", mode=0o444)
        self.file(f"{device}/dm/uuid", f"{uuid}\n", mode=0o444)
        self.file(f"{device}/dm/suspended", "0\n", mode=0o444)
        self.directory(f"{device}/slaves")
        for slave in slaves:
            # Real targets point into the physical disk's device path; only the name matters.
            self.symlink(f"{device}/slaves/{slave}", f"../../../../{slave}")
        self.symlink(f"/sys/block/{dm}", f"../devices/virtual/block/{dm}")

    def swap(
        self, filename: str, *, kind: str = "partition", size_kb: int = 2097148, used_kb: int = 0
    ) -> None:
        """A proc/swaps entry; priorities count down from -2 like swapon without -p."""
        priority = -2 - len(self._swaps)
        self._swaps.append(procfs.swaps_line(filename, kind, size_kb, used_kb, priority))
        self.file("/proc/swaps", procfs.SWAPS_HEADER + "".join(self._swaps), mode=0o444)

    def core_pattern(self, pattern: str) -> None:
        """proc/sys/kernel/core_pattern (Documentation/admin-guide/sysctl/kernel.rst)."""
        self.file("/proc/sys/kernel/core_pattern", f"{pattern}\n", mode=0o644)

    # -- services ----------------------------------------------------------------------------

    def systemd_unit(
        self,
        name: str,
        *,
        exec_start: str,
        user: str | None = None,
        environment: Mapping[str, str] | None = None,
        environment_file: str | None = None,
        dropins: Mapping[str, str] | None = None,
        directory: str = "/etc/systemd/system",
        description: str | None = None,
        enabled: bool = True,
    ) -> Path:
        """A service unit (systemd.unit(5), systemd.service(5), systemd.exec(5)), its drop-ins
        under <name>.d/, and when enabled the default.target.wants/ symlink `systemctl
        enable` creates. Returns the unit file's host path."""
        unit = name if "." in name else f"{name}.service"
        service = [f"ExecStart={exec_start}"]
        if user:
            service += [f"User={user}", f"Group={user}"]
        service += ["Restart=always", "RestartSec=3"]
        service += [f'Environment="{key}={value}"' for key, value in (environment or {}).items()]
        if environment_file:
            service.append(f"EnvironmentFile={environment_file}")
        text = (
            f"[Unit]\nDescription={description or unit}\nAfter=network-online.target\n\n"
            "[Service]\n" + "".join(f"{line}\n" for line in service) + "\n"
            "[Install]\nWantedBy=default.target\n"
        )
        path = self.file(f"{directory}/{unit}", text)
        for dropin, content in (dropins or {}).items():
            self.file(f"{directory}/{unit}.d/{dropin}", content)
        if enabled:
            self.symlink(f"{directory}/default.target.wants/{unit}", f"{directory}/{unit}")
        return path

    def docker_container(
        self,
        name: str,
        image: str,
        *,
        env: Mapping[str, str] | None = None,
        ports: Sequence[docker.PortPublish] = (),
        mounts: Sequence[docker.Mount] = (),
        running: bool = True,
        container_id: str | None = None,
        pid: int = 0,
        cmd: Sequence[str] = (),
        restart: str = "no",
        extra_hosts: Sequence[str] = (),
    ) -> str:
        """var/lib/docker/containers/<id>/{config.v2.json,hostconfig.json}, written 0600 like
        moby's atomicwriter, in directories of mode 0710. Named volumes are created too.
        Returns the container id (derived from the name unless given)."""
        container_id = container_id or docker.stable_id("container", name)
        for mount in mounts:
            if isinstance(mount, docker.VolumeMount):
                self.docker_volume(mount.name)
        for directory in ("", "/containers", f"/containers/{container_id}"):
            self.directory(f"{docker.DOCKER_ROOT}{directory}", mode=0o710)
        config = docker.config_v2(
            container_id=container_id,
            name=name,
            image=image,
            env=env or {},
            cmd=cmd,
            ports=ports,
            mounts=mounts,
            running=running,
            pid=pid,
        )
        hostconfig = docker.host_config(
            ports=ports, mounts=mounts, restart=restart, extra_hosts=extra_hosts
        )
        base = f"{docker.DOCKER_ROOT}/containers/{container_id}"
        self.file(f"{base}/config.v2.json", _go_json(config), mode=0o600)
        self.file(f"{base}/hostconfig.json", _go_json(hostconfig), mode=0o600)
        return container_id

    def docker_volume(self, name: str) -> Path:
        """A local volume (moby/moby: daemon/volume/local/local.go): volumes/ and
        volumes/<name>/ are 0701, volumes/<name>/_data is 0755. Returns _data's host path.
        (Docker's volume index, volumes/metadata.db, is a BoltDB file and is not written.)"""
        self.directory(docker.DOCKER_ROOT, mode=0o710)
        self.directory(f"{docker.DOCKER_ROOT}/volumes", mode=0o701)
        self.directory(f"{docker.DOCKER_ROOT}/volumes/{name}", mode=0o701)
        return self.directory(docker.volume_data_path(name), mode=0o755)

    # -- internals ---------------------------------------------------------------------------

    def _make_parents(self, target: Path) -> None:
        missing = [p for p in target.parents if not p.exists() and self.root in p.parents]
        for parent in reversed(missing):
            parent.mkdir()
            parent.chmod(0o755)

    def _chown(self, target: Path, uid: int | None, gid: int | None) -> None:
        if _is_root() and (uid is not None or gid is not None):
            os.chown(
                target,
                -1 if uid is None else uid,
                -1 if gid is None else gid,
                follow_symlinks=False,
            )

    def _gids(self) -> set[int]:
        return {gid for gid, _ in self._groups.values()}

    def _gid_for(self, group_name: str) -> int:
        if group_name in self._groups:
            return self._groups[group_name][0]
        if group_name in WELL_KNOWN_GIDS:
            return WELL_KNOWN_GIDS[group_name]
        taken = self._gids() | set(WELL_KNOWN_GIDS.values())
        return next(gid for gid in range(_SYSTEM_GID_MAX, 100, -1) if gid not in taken)

    def _supplementary_gids(self, user_name: str, gid: int) -> list[int]:
        """What initgroups() gives a service started with User=: its groups plus its own."""
        member_of = {g for g, members in self._groups.values() if user_name in members}
        return sorted(member_of | {gid}) if user_name else [gid]

    def _write_groups(self) -> None:
        lines = [
            f"{name}:x:{gid}:{','.join(members)}\n" for name, (gid, members) in self._groups.items()
        ]
        self.file("/etc/group", "".join(lines))

    def _add_fd(self, pid: int, target: str) -> None:
        fd_dir = self.path(f"/proc/{pid}/fd")
        if not fd_dir.is_dir():
            raise ValueError(f"call process({pid}, ...) before giving it sockets")
        fd = self._next_fd[pid]
        self._next_fd[pid] = fd + 1
        (fd_dir / str(fd)).symlink_to(target)
        self._chown(fd_dir / str(fd), *self._proc_owner[pid])

    def _socket(
        self,
        pid: int | None,
        proto: str,
        ends: tuple[tuple[str, int], tuple[str, int]],
        *,
        state: int,
        uid: int,
    ) -> int:
        local, remote = ends
        if proto not in procfs.NET_HEADERS:
            raise ValueError(f"unknown protocol {proto!r}")
        inode = self._next_inode
        self._next_inode += 1
        rows = self._net_rows.setdefault(proto, [])
        rows.append(
            procfs.net_row(proto, len(rows), local, remote, state=state, uid=uid, inode=inode)
        )
        self._write_net_table(proto)
        if pid is not None:
            self._add_fd(pid, f"socket:[{inode}]")
        return inode

    def _write_net_table(self, proto: str) -> None:
        rows = self._net_rows.get(proto, [])
        self.file(f"/proc/net/{proto}", procfs.net_table(proto, rows), mode=0o444)


def _uuid_for(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"localproof-fixture:{seed}"))


def _go_json(value: object) -> str:
    """JSON as Go's json.Encoder writes it: compact, HTML characters escaped, newline-ended."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def remove_tree(path: Path) -> None:
    """Delete a fixture tree if it exists (it may hold files owned by other uids as root)."""
    if path.exists():
        shutil.rmtree(path)
