"""Settings files of known tools, reduced to the keys the knowledge base asks about."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class SettingsFile:
    """A tool's settings file (JSON, or Qt-style INI where keys read `group/key`).

    `values` holds only the keys that are knowledge-base knobs of the tool, by knob name;
    it stays in memory for the checks and is never written into a report. `error` says
    why the file could not be read, `unreadable` why single knobs or secrets could not (a
    damaged store inside the file), by name. `secrets` names the credentials and secret
    settings written in the file with a value (an API key, a password): only their names
    are kept, never the values.
    """

    tool: str
    path: str
    owner: str
    values: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    error: str | None = None
    unreadable: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    secrets: tuple[str, ...] = ()


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


class KeyState(StrEnum):
    """Whether a provider's API key is in the settings file, never the key itself."""

    SET = "set"  # a non-empty key is written in the file
    NONE = "none"  # the file holds no key for it
    ELSEWHERE = "elsewhere"  # the app keeps keys outside the file (the OS keyring)


@dataclass(frozen=True)
class ConfiguredProvider:
    """A model provider as an app's settings describe it: its name, the host of its base
    URL (only the host: the URL can carry tokens), whether it is switched on, whether it
    has an API key, and whether it is the one selected for chats."""

    name: str
    host: str | None
    active: bool
    key: KeyState
    selected: bool = False


@dataclass(frozen=True)
class ProviderSettings:
    """A tool's model-provider settings file (Jan's settings store or extension settings).

    `keys` is where the app keeps API keys (`file` or `os-keyring`); `disable` how to
    switch a provider off in the app. `error` says why the file could not be read."""

    tool: str
    path: str
    owner: str
    keys: str
    disable: str
    providers: tuple[ConfiguredProvider, ...] = ()
    error: str | None = None
