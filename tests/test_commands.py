"""Command-output facts, parsed from outputs in the vendors' documented format."""

from __future__ import annotations

from pathlib import Path

from localproof.collect.commands import (
    LiveCommands,
    RecordedCommands,
    bitlocker_enabled,
    filevault_enabled,
)

DATA = Path(__file__).parent / "data" / "commands"


def test_filevault_on_and_off() -> None:
    on = RecordedCommands({"fdesetup status": DATA / "fdesetup-status-on.txt"})
    off = RecordedCommands({"fdesetup status": DATA / "fdesetup-status-off.txt"})
    assert filevault_enabled(on) is True
    assert filevault_enabled(off) is False


def test_bitlocker_protection_on() -> None:
    runner = RecordedCommands({"manage-bde -status C:": DATA / "manage-bde-status-on.txt"})
    assert bitlocker_enabled(runner) is True


def test_unavailable_command_is_unknown_not_false() -> None:
    assert filevault_enabled(RecordedCommands({})) is None
    # a Linux machine has no fdesetup: the live runner says so instead of guessing
    assert filevault_enabled(LiveCommands()) is None


def test_unexpected_output_is_unknown(tmp_path: Path) -> None:
    garbage = tmp_path / "out.txt"
    garbage.write_text("something else entirely\n")
    assert filevault_enabled(RecordedCommands({"fdesetup status": garbage})) is None
