"""Docker Engine's on-disk container state: config.v2.json and hostconfig.json.

Field names follow moby/moby:
- daemon/container/container.go (`Container`, written by toDisk()/WriteHostConfig()),
- daemon/container/state.go (`State`; RemovalInProgress and Removed are not persisted),
- daemon/volume/mounts/mounts.go (`MountPoint`; `Mode` is serialized as "Relabel"),
- daemon/volume/mounts/linux_parser.go (`-v` parsing: absolute source = bind, else volume;
  binds default to "rprivate" propagation),
- daemon/volumes.go (a local named volume gets Source = its _data path and Relabel "z"),
- api/types/container/hostconfig.go (`HostConfig`, `PortBinding` {"HostIp","HostPort"}),
- api/types/mount/mount.go (`Mount` spec, all fields omitempty),
- daemon/network/settings.go (`Settings`, runtime "Ports").
Only the fields an auditor reads are filled in; the rest keep Docker's zero values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DOCKER_ROOT = "/var/lib/docker"
CREATED = "2025-06-02T08:00:00.000000000Z"  # fixed, so fixtures are reproducible
STARTED = "2025-06-02T08:00:01.000000000Z"
ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's time.Time{} in JSON


@dataclass(frozen=True)
class PortPublish:
    """`-p [host_ip:]host_port:container_port[/proto]`; host_ip "" means all interfaces."""

    container_port: int
    host_port: int
    host_ip: str = ""
    proto: str = "tcp"

    @property
    def key(self) -> str:
        return f"{self.container_port}/{self.proto}"


@dataclass(frozen=True)
class VolumeMount:
    """A named volume, `-v name:/dest` (or `--mount type=volume,...` with via_mount_flag)."""

    name: str
    destination: str
    read_only: bool = False
    via_mount_flag: bool = False


@dataclass(frozen=True)
class BindMount:
    """A host directory, `-v /src:/dest` (or `--mount type=bind,...` with via_mount_flag)."""

    source: str
    destination: str
    read_only: bool = False
    via_mount_flag: bool = False


Mount = VolumeMount | BindMount


def stable_id(*parts: str) -> str:
    """A 64-hex id derived from its inputs, so the same fixture always gets the same id."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def volume_data_path(name: str) -> str:
    """moby/moby: daemon/volume/local/local.go — <root>/volumes/<name>/_data."""
    return f"{DOCKER_ROOT}/volumes/{name}/_data"


def _mount_point(mount: Mount) -> dict[str, Any]:
    spec: dict[str, Any]
    if isinstance(mount, VolumeMount):
        spec = {"Type": "volume", "Source": mount.name, "Target": mount.destination}
        fields = {"Source": volume_data_path(mount.name), "Name": mount.name, "Driver": "local"}
        extra = {"Type": "volume", "Relabel": "z"}
    else:
        spec = {"Type": "bind", "Source": mount.source, "Target": mount.destination}
        fields = {"Source": mount.source, "Name": "", "Driver": ""}
        extra = {"Type": "bind", "Propagation": "rprivate"}
    if mount.read_only:
        spec["ReadOnly"] = True
    return {
        **fields,
        "Destination": mount.destination,
        "RW": not mount.read_only,
        **extra,
        "Spec": spec,
        "SkipMountpointCreation": isinstance(mount, BindMount) and mount.via_mount_flag,
    }


def _bind_string(mount: Mount) -> str:
    source = mount.name if isinstance(mount, VolumeMount) else mount.source
    suffix = ":ro" if mount.read_only else ""
    return f"{source}:{mount.destination}{suffix}"


def _port_map(ports: Sequence[PortPublish], *, runtime: bool) -> dict[str, list[dict[str, str]]]:
    """PortBindings as requested (HostIp "" = all interfaces), or the runtime view in
    NetworkSettings.Ports, where "" is resolved to both 0.0.0.0 and ::."""
    result: dict[str, list[dict[str, str]]] = {}
    for port in ports:
        host_ips = ["0.0.0.0", "::"] if runtime and not port.host_ip else [port.host_ip]
        bindings = result.setdefault(port.key, [])
        bindings += [{"HostIp": ip, "HostPort": str(port.host_port)} for ip in host_ips]
    return result


def config_v2(
    *,
    container_id: str,
    name: str,
    image: str,
    env: Mapping[str, str],
    cmd: Sequence[str],
    ports: Sequence[PortPublish],
    mounts: Sequence[Mount],
    running: bool,
    pid: int,
) -> dict[str, Any]:
    """The content of containers/<id>/config.v2.json."""
    container_dir = f"{DOCKER_ROOT}/containers/{container_id}"
    state = {
        "Running": running,
        "Paused": False,
        "Restarting": False,
        "OOMKilled": False,
        "Dead": False,
        "Pid": pid if running else 0,
        "ExitCode": 0,
        "Error": "",
        "StartedAt": STARTED,
        "FinishedAt": ZERO_TIME,
        "Health": None,
    }
    config = {
        "Hostname": container_id[:12],
        "Domainname": "",
        "User": "",
        "AttachStdin": False,
        "AttachStdout": False,
        "AttachStderr": False,
        "ExposedPorts": {port.key: {} for port in ports},
        "Tty": False,
        "OpenStdin": False,
        "StdinOnce": False,
        "Env": [f"{key}={value}" for key, value in env.items()],
        "Cmd": list(cmd),
        "Image": image,
        "Volumes": None,
        "WorkingDir": "",
        "Entrypoint": None,
        "OnBuild": None,
        "Labels": {},
    }
    network_settings = {
        "SandboxID": stable_id("sandbox", container_id),
        "SandboxKey": f"/var/run/docker/netns/{stable_id('netns', container_id)[:12]}",
        "Networks": {
            "bridge": {"IPAddress": "172.17.0.2", "Gateway": "172.17.0.1", "IPPrefixLen": 16}
        },
        "Ports": _port_map(ports, runtime=True) if running else {},
        "HasSwarmEndpoint": False,
    }
    return {
        "StreamConfig": {},
        "State": state,
        "ID": container_id,
        "Created": CREATED,
        "Managed": False,
        "Path": cmd[0] if cmd else "",
        "Args": list(cmd[1:]),
        "Config": config,
        "Image": f"sha256:{stable_id('image', image)}",
        "ImageManifest": None,
        "NetworkSettings": network_settings,
        "LogPath": f"{container_dir}/{container_id}-json.log",
        "Name": f"/{name}",
        "Driver": "overlay2",
        "OS": "linux",
        "ImagePlatform": {"architecture": "amd64", "os": "linux"},
        "RestartCount": 0,
        "HasBeenStartedBefore": True,
        "HasBeenManuallyStopped": False,
        "MountPoints": {mount.destination: _mount_point(mount) for mount in mounts},
        "SecretReferences": None,
        "ConfigReferences": None,
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "docker-default",
        "SeccompProfile": "",
        "NoNewPrivileges": False,
        "HostnamePath": f"{container_dir}/hostname",
        "HostsPath": f"{container_dir}/hosts",
        "ShmPath": f"{container_dir}/mounts/shm",
        "ResolvConfPath": f"{container_dir}/resolv.conf",
        "LocalLogCacheMeta": {"HaveNotifyEnabled": False},
    }


def host_config(
    *,
    ports: Sequence[PortPublish],
    mounts: Sequence[Mount],
    restart: str = "no",
    extra_hosts: Sequence[str] = (),
) -> dict[str, Any]:
    """The content of containers/<id>/hostconfig.json (`-v` → Binds, `--mount` → Mounts)."""
    binds = [_bind_string(mount) for mount in mounts if not mount.via_mount_flag]
    mount_specs = [_mount_point(mount)["Spec"] for mount in mounts if mount.via_mount_flag]
    config: dict[str, Any] = {
        "Binds": binds or None,
        "ContainerIDFile": "",
        "LogConfig": {"Type": "json-file", "Config": {}},
        "NetworkMode": "bridge",
        "PortBindings": _port_map(ports, runtime=False),
        "RestartPolicy": {"Name": restart, "MaximumRetryCount": 0},
        "AutoRemove": False,
        "VolumeDriver": "",
        "VolumesFrom": None,
        "ConsoleSize": [0, 0],
        "CapAdd": None,
        "CapDrop": None,
        "CgroupnsMode": "private",
        "Dns": [],
        "DnsOptions": [],
        "DnsSearch": [],
        "ExtraHosts": list(extra_hosts) or None,
        "GroupAdd": None,
        "IpcMode": "private",
        "Privileged": False,
        "PublishAllPorts": False,
        "ReadonlyRootfs": False,
        "SecurityOpt": None,
        "UTSMode": "",
        "UsernsMode": "",
        "ShmSize": 67108864,
        "Runtime": "runc",
        "Isolation": "",
        "MaskedPaths": None,
        "ReadonlyPaths": None,
    }
    if mount_specs:
        config["Mounts"] = mount_specs
    return config
