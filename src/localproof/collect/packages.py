"""Installed Python distributions of known tools, read from their `.dist-info` metadata.

Format: the Python Packaging core metadata specification (`Version:` in METADATA) and the
binary distribution format (`{name}-{version}.dist-info`, name normalised with `_`).
Versions are read from files, never by running the tool.
"""

from __future__ import annotations

import re

from localproof.collect.fsroot import AuditRoot
from localproof.facts import PackageInstall, Process
from localproof.kb import Tool

SITE_PACKAGES = (
    "{home}/.local/lib/python3*/site-packages",
    "{home}/*/lib/python3*/site-packages",
    "{home}/*/*/lib/python3*/site-packages",
    "/usr/lib/python3/dist-packages",
    "/usr/local/lib/python3*/dist-packages",
    "/usr/local/lib/python3*/site-packages",
    "/opt/*/lib/python3*/site-packages",
    "/opt/*/*/lib/python3*/site-packages",
)
MAX_SITES = 200


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _process_sites(root: AuditRoot, processes: tuple[Process, ...]) -> list[str]:
    """The environment a running program comes from: `/venv/bin/x` -> `/venv/lib/...`."""
    sites: list[str] = []
    for process in processes:
        for arg in process.cmdline[:2]:
            head, _, _ = arg.rpartition("/bin/")
            if head.startswith("/"):
                sites.extend(root.glob(f"{head}/lib/python3*/site-packages"))
    return sites


def site_dirs(root: AuditRoot, homes: list[str], processes: tuple[Process, ...]) -> list[str]:
    sites: list[str] = []
    for pattern in SITE_PACKAGES:
        expanded = (
            [pattern.replace("{home}", h) for h in homes] if "{home}" in pattern else [pattern]
        )
        for candidate in expanded:
            sites.extend(root.glob(candidate))
    sites.extend(_process_sites(root, processes))
    return sorted(set(sites))[:MAX_SITES]


def _version(root: AuditRoot, dist_info: str) -> str | None:
    try:
        text = root.read_text(f"{dist_info}/METADATA", 64 << 10)
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip() or None
        if not line.strip():
            break  # headers end at the first blank line
    return None


def find_packages(
    root: AuditRoot, tools: dict[str, Tool], homes: list[str], processes: tuple[Process, ...]
) -> tuple[PackageInstall, ...]:
    wanted = {_normalise(p): t.slug for t in tools.values() for p in t.python_packages}
    if not wanted:
        return ()
    found: list[PackageInstall] = []
    for site in site_dirs(root, homes, processes):
        try:
            names = root.listdir(site)
        except OSError:
            continue
        for name in names:
            if not name.endswith(".dist-info"):
                continue
            distribution = _normalise(name[: -len(".dist-info")].split("-", 1)[0])
            if distribution in wanted:
                path = f"{site}/{name}"
                found.append(PackageInstall(wanted[distribution], path, _version(root, path)))
    return tuple(found)
