"""Environment variables set in shell start-up files and /etc/environment."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EnvAssignment:
    """`NAME=value` in a start-up file; the value stays in memory and is never reported."""

    path: str
    line: int
    name: str
    value: str = field(repr=False, hash=False, compare=False)


@dataclass(frozen=True)
class ProfileScan:
    """What the start-up files set, for the names asked about, and what could not be read."""

    assignments: tuple[EnvAssignment, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()  # (path, reason)
    files_read: int = 0
