"""Docker containers from the engine's on-disk state, without talking to the daemon.

Formats: moby/moby: container/container.go (config.v2.json: ID, Name, Config.Image,
Config.Env, State.Running, MountPoints) and api/types/container/hostconfig.go
(hostconfig.json: PortBindings `{"8080/tcp": [{"HostIp": "", "HostPort": "3000"}]}`,
NetworkMode). Rootful state lives in /var/lib/docker; rootless Docker keeps the same
layout in ~/.local/share/docker.
"""

from __future__ import annotations

import json
from typing import Any

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import Container, ContainerMount, PortBinding, Problem

MAX_CONTAINERS = 2_000
MAX_JSON = 8 << 20


def docker_dirs(homes: list[str]) -> list[str]:
    return ["/var/lib/docker", *(f"{h.rstrip('/')}/.local/share/docker" for h in homes)]


def read_containers(
    root: AuditRoot, homes: list[str]
) -> tuple[tuple[Container, ...], list[Problem]]:
    containers: list[Container] = []
    problems: list[Problem] = []
    for base in docker_dirs(homes):
        try:
            ids = root.listdir(f"{base}/containers")[:MAX_CONTAINERS]
        except OSError:
            continue
        for container_id in ids:
            folder = f"{base}/containers/{container_id}"
            try:
                config = _load_json(root, f"{folder}/config.v2.json")
                host_config = _load_json(root, f"{folder}/hostconfig.json")
            except (OSError, ValueError) as error:
                reason = describe_error(error) if isinstance(error, OSError) else str(error)
                problems.append(Problem(folder, reason))
                continue
            containers.append(_container(base, container_id, config, host_config))
    return tuple(containers), problems


def _load_json(root: AuditRoot, path: str) -> dict[str, Any]:
    try:
        data = json.loads(root.read_bytes(path, MAX_JSON))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.rsplit('/', 1)[-1]} is not valid JSON") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path.rsplit('/', 1)[-1]} is not a JSON object")
    return data


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _container(
    base: str, container_id: str, config: dict[str, Any], host: dict[str, Any]
) -> Container:
    settings = _dict(config.get("Config"))
    env: dict[str, str] = {}
    for entry in settings.get("Env") or []:
        if isinstance(entry, str) and "=" in entry:
            key, value = entry.split("=", 1)
            env[key] = value
    return Container(
        id=str(config.get("ID") or container_id),
        name=str(config.get("Name") or "").lstrip("/") or container_id[:12],
        image=str(settings.get("Image") or config.get("Image") or ""),
        running=bool(_dict(config.get("State")).get("Running")),
        pid=_int(_dict(config.get("State")).get("Pid")),
        env=env,
        ports=_port_bindings(_dict(host.get("PortBindings"))),
        mounts=_mounts(base, _dict(config.get("MountPoints"))),
        network_mode=str(host.get("NetworkMode") or "default"),
    )


def _port_bindings(bindings: dict[str, Any]) -> tuple[PortBinding, ...]:
    ports: list[PortBinding] = []
    for key, entries in sorted(bindings.items()):
        port_text, _, proto = key.partition("/")
        if not port_text.isdigit():
            continue
        for entry in entries or []:
            host_port = str(_dict(entry).get("HostPort") or "")
            ports.append(
                PortBinding(
                    container_port=int(port_text),
                    proto=proto or "tcp",
                    host_ip=str(_dict(entry).get("HostIp") or ""),
                    host_port=int(host_port) if host_port.isdigit() else 0,
                )
            )
    return tuple(ports)


def _mounts(base: str, points: dict[str, Any]) -> tuple[ContainerMount, ...]:
    mounts: list[ContainerMount] = []
    for destination, raw in sorted(points.items()):
        point = _dict(raw)
        source = str(point.get("Source") or "")
        if not source and point.get("Name") and point.get("Driver", "local") == "local":
            # the local volume driver keeps data in <docker root>/volumes/<name>/_data
            source = f"{base}/volumes/{point['Name']}/_data"
        mounts.append(
            ContainerMount(
                kind=str(point.get("Type") or ("volume" if point.get("Name") else "bind")),
                source=source,
                destination=str(point.get("Destination") or destination),
                name=str(point["Name"]) if point.get("Name") else None,
            )
        )
    return tuple(mounts)
