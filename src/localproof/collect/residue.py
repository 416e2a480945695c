"""Copies and traces of conversations: backups, sync folders, prompts in histories and
logs, and the age of stored conversations (see facts/residue.py).

Each table is read on its own: a reader that fails on input nobody anticipated leaves an
entry carrying the reason (which the checks turn into `unknown`), never a crashed audit or
a silent gap."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from localproof.collect import backups, conversations, histories, syncclients
from localproof.collect.fsroot import AuditRoot
from localproof.facts import Process, StoreFile, SystemdUnit
from localproof.facts.residue import BackupJob, PromptTrace, Residue, SyncFolder

T = TypeVar("T")


def read_residue(
    root: AuditRoot,
    homes: list[tuple[str, str]],
    processes: tuple[Process, ...],
    units: tuple[SystemdUnit, ...],
    stores: tuple[StoreFile, ...],
) -> Residue:
    """Every residue table, read through the same root as the other facts.

    A home folder that cannot be opened (another user's, without root) is one `unknown`
    per table, not one per file that might have been in it."""
    ages, measured_at = conversations.read_conversation_ages(root, stores)
    open_homes, closed = _split_homes(root, homes)
    reason = "home folder not readable (run as root to check it)"
    return Residue(
        backups=_guarded(
            lambda: backups.read_backup_jobs(root, open_homes, units),
            lambda reason: (BackupJob("backup settings", "backup settings", error=reason),),
        )
        + tuple(BackupJob("backup", home, error=reason) for _, home in closed),
        syncs=_guarded(
            lambda: syncclients.read_sync_folders(root, open_homes),
            lambda reason: (SyncFolder("sync", "sync client settings", "", error=reason),),
        )
        + tuple(SyncFolder("sync", home, user, error=reason) for user, home in closed),
        prompts=_guarded(
            lambda: histories.read_prompt_traces(root, open_homes, processes, units),
            lambda reason: (PromptTrace("shell-history", "histories", "", error=reason),),
        )
        + tuple(PromptTrace("shell-history", home, user, error=reason) for user, home in closed),
        conversations=ages,
        collected_at=measured_at,
    )


def _split_homes(
    root: AuditRoot, homes: list[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Homes that can be listed (or do not exist) and homes that cannot be opened."""
    open_homes, closed = [], []
    for user, home in homes:
        try:
            root.listdir(home)
        except PermissionError:
            closed.append((user, home))
            continue
        except OSError:
            pass
        open_homes.append((user, home))
    return open_homes, closed


def _guarded(read: Callable[[], T], failed: Callable[[str], T]) -> T:
    try:
        return read()
    except Exception as error:  # noqa: BLE001 - unexpected input must not end the audit
        return failed(f"localproof could not read them ({type(error).__name__}); please report it")
