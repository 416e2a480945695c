"""Find the knowledge base's data stores on disk: per user home, system-wide, and inside
the volumes and bind mounts of the tools' containers."""

from __future__ import annotations

from localproof.collect.fsroot import AuditRoot
from localproof.facts import Container, StoreFile, User
from localproof.kb import Store, Tool

MAX_MATCHES_PER_PATTERN = 200
NO_LOGIN_SHELLS = ("nologin", "false")


def user_homes(users: tuple[User, ...]) -> list[tuple[str, str]]:
    """(user, home) for accounts that have a home worth looking in."""
    seen: set[str] = set()
    homes = []
    for user in users:
        home = user.home.rstrip("/") or "/"
        if home in seen or home in ("/", "/nonexistent", "/dev/null"):
            continue
        seen.add(home)
        homes.append((user.name, home))
    return homes


def find_stores(
    root: AuditRoot,
    tools: dict[str, Tool],
    users: tuple[User, ...],
    containers: tuple[Container, ...],
) -> tuple[StoreFile, ...]:
    homes = user_homes(users)
    found: dict[str, StoreFile] = {}
    for tool in tools.values():
        for store in tool.stores:
            if store.os == "windows":
                continue
            for path, owner in _host_candidates(root, store, homes):
                found.setdefault(path, _store_file(root, tool, store, path, owner))
            for path, owner, inner in _container_candidates(root, tool, store, containers):
                found.setdefault(path, _store_file(root, tool, store, path, owner, inner))
    return tuple(found[path] for path in sorted(found))


def _store_file(
    root: AuditRoot, tool: Tool, store: Store, path: str, owner: str, inner: str | None = None
) -> StoreFile:
    return StoreFile(
        tool=tool.slug,
        kind=store.kind,
        format=store.format,
        file=root.stat(path),
        owner=owner,
        container_path=inner,
    )


def _host_candidates(
    root: AuditRoot, store: Store, homes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    results: list[tuple[str, str]] = []
    for pattern in store.paths:
        if "{home}" in pattern:
            for user, home in homes:
                expanded = pattern.replace("{home}", home)
                results.extend((m, user) for m in root.glob(expanded, MAX_MATCHES_PER_PATTERN))
        else:
            results.extend((m, "system") for m in root.glob(pattern, MAX_MATCHES_PER_PATTERN))
    return results


def _container_candidates(
    root: AuditRoot, tool: Tool, store: Store, containers: tuple[Container, ...]
) -> list[tuple[str, str, str]]:
    results: list[tuple[str, str, str]] = []
    for container in containers:
        if not any(image.matches(container.image) for image in tool.containers):
            continue
        for inner in store.container_paths:
            host = _host_side(container, inner)
            if host and root.stat(host, follow=False).exists:
                results.append((host, f"container:{container.name}", inner))
    return results


def _host_side(container: Container, inner: str) -> str | None:
    """Translate a path inside a container to the host path of the mount that holds it."""
    best = None
    for mount in container.mounts:
        prefix = mount.destination.rstrip("/")
        inside = inner == prefix or inner.startswith(prefix + "/")
        if mount.source and inside and (best is None or len(prefix) > len(best[0])):
            best = (prefix, mount.source)
    if best is None:
        return None
    return best[1].rstrip("/") + inner[len(best[0]) :]
