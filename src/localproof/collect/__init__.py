"""Collectors: the only code that touches the host. Read-only and bounded.

`collect_host` gathers every fact table through one `AuditRoot`, so a fixture tree, a
mounted disk and the live system (`/`) are read exactly the same way.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

from localproof.collect import (
    accounts,
    appdb,
    auditrules,
    disk,
    docker,
    locations,
    packages,
    procfs,
    profiles,
    providers,
    residue,
    screenlock,
    settings,
    stores,
    system,
    systemd,
)
from localproof.collect.fsroot import AuditRoot
from localproof.facts import Facts, Problem, Process, Socket
from localproof.kb import Tool, load_libraries


def collect_host(root_path: Path, tools: dict[str, Tool]) -> Facts:
    root = AuditRoot(root_path)
    problems: list[Problem] = []
    users, found = accounts.read_users(root)
    problems += found
    groups, found = accounts.read_groups(root)
    problems += found
    user_homes = stores.user_homes(users, root)
    homes = [home for _, home in user_homes]

    proc_available = root.stat("/proc").exists
    processes: tuple[Process, ...] = ()
    sockets: tuple[Socket, ...] = ()
    if proc_available:
        processes, found = procfs.read_processes(root)
        problems += found
        owners, found = procfs.socket_owners(root, [p.pid for p in processes])
        problems += found
        sockets, found = procfs.read_sockets(root, owners)
        problems += found
    mounts, found = system.read_mounts(root)
    problems += found
    swaps, found = system.read_swaps(root)
    problems += found
    units, found = systemd.read_units(root, homes)
    problems += found
    containers, found = docker.read_containers(root, homes)
    problems += found

    found_stores = stores.find_stores(
        root, tools, user_homes, stores.Runtime(processes, units, containers)
    )
    located = locations.read_locations(root, tools, user_homes)
    problems += located.problems
    found_stores = locations.merge(found_stores, locations.moved_stores(root, tools, located))
    return Facts(
        root=str(root_path),  # as the user gave it
        live=root.live,
        hostname=_hostname(root),
        os=system.read_os_name(root),
        kernel=system.read_first_line(root, "/proc/sys/kernel/osrelease")
        or (platform.release() if root.live else "unknown"),
        running_as_root=os.geteuid() == 0,
        users=users,
        groups=groups,
        processes=processes,
        sockets=sockets,
        mounts=mounts,
        device_mappers=system.read_device_mappers(root),
        swaps=swaps,
        core_pattern=system.read_first_line(root, "/proc/sys/kernel/core_pattern"),
        units=units,
        containers=containers,
        stores=found_stores,
        disk=disk.read_disk(root, found_stores, mounts, units, processes),
        settings=settings.read_settings(root, tools, found_stores),
        saved_settings=appdb.read_saved_settings(root, tools, found_stores),
        provider_settings=providers.read_provider_settings(
            root, tools, user_homes, located.folders
        ),
        packages=packages.find_packages(root, tools, homes, processes),
        problems=tuple(problems),
        proc_available=proc_available,
        residue=residue.read_residue(root, user_homes, processes, units, found_stores),
        profiles=profiles.scan_profiles(root, homes, _library_variables()),
        desktops=screenlock.read_desktops(root, users, user_homes, groups),
        audit_rules=auditrules.read_audit_rules(root, processes, proc_available),
    )


def _library_variables() -> set[str]:
    """Environment variables of the knowledge base's libraries (e.g. LangSmith tracing)."""
    return {k.name for lib in load_libraries().values() for k in lib.knobs if k.kind == "env"}


def _hostname(root: AuditRoot) -> str:
    name = system.read_first_line(root, "/etc/hostname", "/proc/sys/kernel/hostname")
    if name:
        return name
    return platform.node() if root.live else "unknown"
