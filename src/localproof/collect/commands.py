"""Facts that only a command can tell (macOS `fdesetup`, Windows `manage-bde`, ...).

Collectors ask a `CommandRunner`; the live runner executes the command with a short
timeout and no shell, and `RecordedCommands` replays outputs saved from real machines so
that parsers are tested against what the commands really print.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

TIMEOUT_SECONDS = 10
MAX_OUTPUT = 1 << 20


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    returncode: int
    stdout: str


class CommandRunner(Protocol):
    def run(self, argv: Sequence[str]) -> CommandResult | None:
        """The command's result, or None when the command is not available here."""


class LiveCommands:
    """Runs read-only status commands on this host."""

    def run(self, argv: Sequence[str]) -> CommandResult | None:
        if shutil.which(argv[0]) is None:
            return None
        try:
            done = subprocess.run(
                list(argv),
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"},
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        text = done.stdout[:MAX_OUTPUT].decode("utf-8", "replace")
        return CommandResult(tuple(argv), done.returncode, text)


class RecordedCommands:
    """Replays outputs recorded from real machines: `{"fdesetup status": path}`."""

    def __init__(self, recordings: Mapping[str, Path]) -> None:
        self._recordings = dict(recordings)

    def run(self, argv: Sequence[str]) -> CommandResult | None:
        path = self._recordings.get(" ".join(argv))
        if path is None:
            return None
        return CommandResult(tuple(argv), 0, path.read_text(encoding="utf-8"))


_FILEVAULT = re.compile(r"FileVault is (On|Off)")


def filevault_enabled(runner: CommandRunner) -> bool | None:
    """macOS full-disk encryption from `fdesetup status` (None: could not tell)."""
    result = runner.run(("fdesetup", "status"))
    if result is None:
        return None
    match = _FILEVAULT.search(result.stdout)
    return None if match is None else match.group(1) == "On"


_BITLOCKER = re.compile(r"Protection Status:\s+Protection (On|Off)")


def bitlocker_enabled(runner: CommandRunner, volume: str = "C:") -> bool | None:
    """Windows BitLocker protection of a volume from `manage-bde -status <volume>`."""
    result = runner.run(("manage-bde", "-status", volume))
    if result is None:
        return None
    match = _BITLOCKER.search(result.stdout)
    return None if match is None else match.group(1) == "On"
