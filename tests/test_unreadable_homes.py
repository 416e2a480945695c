"""A home folder the auditor cannot open is one `unknown` per table, not a flood.

Root reads every folder, so as root the collectors run in a forked child that has given
up root (setuid to nobody); as another user the folder is simply made unreadable."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from localproof.collect.fsroot import AuditRoot
from localproof.collect.profiles import scan_profiles
from localproof.collect.residue import read_residue

NOBODY = 65534


@pytest.fixture
def root_with_closed_home() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="localproof-closed-"))
    base.chmod(0o755)
    home = base / "home" / "kim"
    home.mkdir(parents=True)
    (home.parent).chmod(0o755)
    (home / ".bashrc").write_text("export LANGSMITH_TRACING=true\n")
    (home / ".bash_history").write_text('ollama run llama3 "secret plans"\n')
    home.chmod(0o700 if os.geteuid() == 0 else 0o000)
    yield base
    home.chmod(0o700)
    shutil.rmtree(base)


def _as_unprivileged(work: Callable[[], object]) -> object:
    if os.geteuid() != 0:
        return work()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        os.write(writer, json.dumps(work()).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        data = pipe.read()
    os.waitpid(child, 0)
    return json.loads(data)


def test_profiles_report_the_closed_home_once(root_with_closed_home: Path) -> None:
    def work() -> object:
        scan = scan_profiles(AuditRoot(root_with_closed_home), ["/home/kim"], {"LANGSMITH_TRACING"})
        return [list(item) for item in scan.unreadable]

    assert _as_unprivileged(work) == [
        ["/home/kim", "home folder not readable (run as root to check it)"]
    ]


def test_residue_reports_the_closed_home_once_per_table(root_with_closed_home: Path) -> None:
    def work() -> object:
        residue = read_residue(AuditRoot(root_with_closed_home), [("kim", "/home/kim")], (), (), ())
        return {
            "backups": [(j.config, j.error) for j in residue.backups],
            "syncs": [(f.config, f.error) for f in residue.syncs],
            "prompts": [(t.path, t.error) for t in residue.prompts],
        }

    result = _as_unprivileged(work)
    assert isinstance(result, dict)
    reason = "home folder not readable (run as root to check it)"
    for table in ("backups", "syncs", "prompts"):
        assert [tuple(row) for row in result[table]] == [("/home/kim", reason)], table
