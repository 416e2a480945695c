"""Facts about copies and traces of conversations outside the tools' own stores: backup
jobs, sync clients, prompts in histories and logs, and the age of stored conversations.

Collectors fill these with paths, counts, line numbers and timestamps only: never the text
of a history line, a message or a configuration value, so nothing read can reach a report.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackupJob:
    """One backup configuration: which paths it copies and whether the copy is encrypted.

    Timeshift and Time Machine copy the whole disk: the source `/` minus `excludes`. Déjà
    Dup's job has the source `/` too, its folders as `+ ` rules and excluded folders as
    plain ones, the most specific first, ending with `**` (what it was not told to copy).
    `encrypted` is None when the configuration does not say (an unknown, not a pass);
    `destination` is a local path when the copy stays on this host (to look up the disk it
    lands on), never shown in reports. `error` says why a configuration could not be read.
    """

    program: str  # restic | borg | borgmatic | rsnapshot | rsync | duplicity | timeshift
    #               | deja-dup | time-machine
    config: str  # the file that declares it, with a line number where one applies
    sources: tuple[str, ...] = ()  # absolute paths, resolved inside the audit root
    excludes: tuple[str, ...] = ()  # rsync-style patterns; "+ " marks an include rule
    encrypted: bool | None = None
    encryption_basis: str = ""  # why `encrypted` has its value, in words
    destination: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class SyncFolder:
    """A folder a sync client uploads to a third party, from the client's own settings."""

    client: str  # dropbox | nextcloud | owncloud | syncthing | onedrive | icloud | google-drive
    config: str
    owner: str
    path: str | None = None  # resolved inside the audit root
    error: str | None = None


@dataclass(frozen=True)
class PromptTrace:
    """Prompts found in one history or log file: how many, and on which lines.

    `kind`: shell-history | repl-history | llm-log | request-log | request-logging.
    `patterns` counts matches per pattern name (`ollama run`, `curl /api/generate`, ...).
    """

    kind: str
    path: str
    owner: str
    prompts: int = 0
    lines: tuple[int, ...] = ()  # first matching line numbers (1-based), at most a few
    entries: int = 0  # lines, commands or rows looked at
    patterns: tuple[tuple[str, int], ...] = ()
    error: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ConversationAge:
    """How many conversations a store holds and when the oldest and newest were written.

    Timestamps are seconds since the epoch; `basis` names the metadata they come from
    (`chat.created_at`, `file mtime`).
    """

    tool: str
    path: str
    owner: str
    count: int | None = None
    oldest: float | None = None
    newest: float | None = None
    basis: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Residue:
    """Everything the residue collectors learned; `collected_at` anchors every age."""

    backups: tuple[BackupJob, ...] = ()
    syncs: tuple[SyncFolder, ...] = ()
    prompts: tuple[PromptTrace, ...] = ()
    conversations: tuple[ConversationAge, ...] = ()
    collected_at: float = 0.0


def covers(folder: str, path: str) -> bool:
    """Whether `path` is `folder` or lies below it (both absolute, already resolved)."""
    folder = folder.rstrip("/")
    return not folder or path == folder or path.startswith(folder + "/")
