"""Settings files of known tools, reduced to the keys the knowledge base asks about."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SettingsFile:
    """A tool's settings file (JSON, or Qt-style INI where keys read `group/key`).

    `values` holds only the keys that are knowledge-base knobs of the tool; it stays in
    memory for the checks and is never written into a report. `error` says why the file
    could not be read.
    """

    tool: str
    path: str
    owner: str
    values: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    error: str | None = None


@dataclass(frozen=True)
class SavedSettings:
    """Settings an app keeps in its own database (Open WebUI's `config` table), keyed by
    the knowledge-base knob they stand for, and how many accounts the database holds."""

    tool: str
    path: str
    owner: str
    values: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    accounts: int | None = None
    error: str | None = None
