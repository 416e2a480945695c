"""Time Machine's backup jobs, from the preferences of a macOS disk audited with --root.

`/Library/Preferences/com.apple.TimeMachine.plist` (binary or XML; stdlib plistlib reads
both). Apple documents no schema for this file, so the keys come from these sources:
- `AutoBackup` (automatic backups on) and `SkipPaths` (paths left out of the startup
  volume): apple/device-management mdm/profiles/com.apple.MCX.TimeMachine.yaml, Apple's
  own description of the same-named keys of the managed Time Machine payload. That they
  are the keys of this file rests on secondary sources: Watchman Monitoring's article
  "Time Machine Exclusions" and pondini.org "How Time Machine works: inclusions and
  exclusions". Confidence: medium-high.
- `ExcludeByPath` (the fixed-path exclusions that `tmutil addexclusion -p` adds; tmutil(8)
  describes the exclusion, not the key): Watchman Monitoring, as above. Confidence: medium.
- `Destinations`, one dictionary per backup disk or share, with `DestinationID` and
  `LastKnownEncryptionState` (`Encrypted` or `NotEncrypted`): osquery
  osquery/tables/system/darwin/time_machine.cpp (table time_machine_destinations, column
  `encryption`). Secondary source, reverse-engineered. Confidence: medium.
Scope: the whole disk minus those paths (entries that are not absolute are ignored).
Not modelled, each making the result err towards "copied": the standard exclusions in
backupd.bundle's StdExclusions.plist, exclusions kept as the
`com.apple.metadata:com_apple_backup_excludeItem` attribute (`tmutil addexclusion`
without -p), and volumes excluded by UUID (`ExcludedVolumeUUIDs`).
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterator
from typing import Any
from xml.parsers.expat import ExpatError

from localproof.collect.fsroot import AuditRoot, describe_error, resolve
from localproof.facts.residue import BackupJob

PROGRAM = "time-machine"
PREFERENCES = "/Library/Preferences/com.apple.TimeMachine.plist"
MAX_PREFERENCES = 4 << 20
EXCLUSION_KEYS = ("SkipPaths", "ExcludeByPath")
ENCRYPTION_STATES = {"Encrypted": True, "NotEncrypted": False}
PLIST_ERRORS = (
    plistlib.InvalidFileException, ExpatError, ValueError, TypeError, LookupError,
    OverflowError, RecursionError, EOFError,
)  # fmt: skip


def read_jobs(root: AuditRoot) -> Iterator[BackupJob]:
    """One job per configured backup destination; none when Time Machine has none."""
    try:
        data = root.read_bytes(PREFERENCES, MAX_PREFERENCES + 1)
    except FileNotFoundError:
        return
    except OSError as error:
        yield BackupJob(PROGRAM, PREFERENCES, error=describe_error(error))
        return
    preferences = _parse(data)
    if isinstance(preferences, str):
        yield BackupJob(PROGRAM, PREFERENCES, error=preferences)
        return
    destinations = preferences.get("Destinations")
    if not isinstance(destinations, list) or not destinations:
        return  # no backup disk chosen: nothing is copied
    rules, excluded = _exclusions(root, preferences)
    schedule = _schedule(preferences.get("AutoBackup"))
    for number, destination in enumerate(destinations, start=1):
        encrypted, state = _encryption(destination)
        basis = (
            f"Time Machine copies the whole disk except {excluded} excluded path(s) to "
            f"backup destination {number} of {len(destinations)}; {schedule}; {state}"
        )
        yield BackupJob(PROGRAM, PREFERENCES, ("/",), rules, encrypted, basis)


def _parse(data: bytes) -> dict[str, Any] | str:
    """The preferences, or the reason they cannot be used."""
    if len(data) > MAX_PREFERENCES:
        return f"larger than {MAX_PREFERENCES >> 20} MiB, not read"
    try:
        preferences = plistlib.loads(data)
    except PLIST_ERRORS:
        return "not a valid property list (binary or XML)"
    if not isinstance(preferences, dict):
        return "the property list does not hold a dictionary of settings"
    return preferences


def _exclusions(root: AuditRoot, preferences: dict[str, Any]) -> tuple[tuple[str, ...], int]:
    """The excluded paths as rules (each also in its resolved form), and how many."""
    listed = [preferences.get(key) for key in EXCLUSION_KEYS]
    items = [p for entries in listed if isinstance(entries, list) for p in entries]
    absolute = sorted({p for p in items if isinstance(p, str) and p.startswith("/")})
    rules = {form for path in absolute for form in (path, resolve(root, path))}
    return tuple(sorted(rules)), len(absolute)


def _schedule(auto_backup: object) -> str:
    if auto_backup is True:
        return "automatic backups on"
    if auto_backup is False:
        return "automatic backups off (earlier copies remain)"
    return "automatic backups not recorded"


def _encryption(destination: object) -> tuple[bool | None, str]:
    state = destination.get("LastKnownEncryptionState") if isinstance(destination, dict) else None
    if isinstance(state, str) and state in ENCRYPTION_STATES:
        word = "encrypted" if ENCRYPTION_STATES[state] else "not encrypted"
        return ENCRYPTION_STATES[state], f"macOS last saw that destination {word}"
    return None, "macOS recorded no encryption state for that destination"
