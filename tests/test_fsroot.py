"""AuditRoot keeps every access inside the audited tree, and reports failures as facts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from localproof.collect.fsroot import AuditRoot
from localproof.facts import FileKind


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (tmp_path / "home" / "alice").mkdir(parents=True)
    return tmp_path


def test_absolute_symlink_target_is_read_inside_the_root(tree: Path) -> None:
    (tree / "home" / "alice" / "link").symlink_to("/etc/passwd")
    root = AuditRoot(tree)
    assert root.resolve("/home/alice/link") == "/etc/passwd"
    assert root.read_text("/home/alice/link").startswith("root:x:0:0")


def test_dotdot_cannot_climb_above_the_root(tree: Path) -> None:
    (tree / "home" / "alice" / "up").symlink_to("../../../../../../etc")
    root = AuditRoot(tree)
    assert root.resolve("/home/alice/up/passwd") == "/etc/passwd"
    fact = root.stat("/home/alice/up/passwd")
    assert fact.kind is FileKind.FILE
    assert fact.resolved == "/etc/passwd"


def test_symlink_to_host_file_outside_root_is_not_followed_out(tree: Path) -> None:
    # /etc/hostname exists on the host running the test, but not in the tree
    (tree / "home" / "alice" / "host").symlink_to("/etc/hostname")
    root = AuditRoot(tree)
    assert root.stat("/home/alice/host").kind is FileKind.MISSING


def test_symlink_loop_is_an_error_fact(tree: Path) -> None:
    (tree / "a").symlink_to("/b")
    (tree / "b").symlink_to("/a")
    fact = AuditRoot(tree).stat("/a")
    assert fact.kind is FileKind.ERROR
    assert fact.error == "symlink loop"


def test_reads_are_bounded(tree: Path) -> None:
    (tree / "big").write_bytes(b"x" * 100_000)
    assert len(AuditRoot(tree).read_bytes("/big", limit=1000)) == 1000


def test_fifo_is_not_read(tree: Path) -> None:
    os.mkfifo(tree / "pipe")
    with pytest.raises(OSError, match="not a regular file"):
        AuditRoot(tree).read_bytes("/pipe")


def test_undecodable_names_are_listed_and_statted(tree: Path) -> None:
    odd = os.fsencode(str(tree / "home")) + b"/\xff\xfename"
    Path(os.fsdecode(odd)).write_text("x")
    root = AuditRoot(tree)
    names = root.listdir("/home")
    strange = next(n for n in names if n != "alice")
    assert root.stat(f"/home/{strange}").kind is FileKind.FILE


def test_glob_expands_inside_the_root_only(tree: Path) -> None:
    site = tree / "home" / "alice" / ".local" / "lib" / "python3.11" / "site-packages"
    (site / "open_webui" / "data").mkdir(parents=True)
    (site / "open_webui" / "data" / "webui.db").write_bytes(b"")
    root = AuditRoot(tree)
    pattern = "/home/alice/.local/lib/python3*/site-packages/open_webui/data/webui.db"
    assert root.glob(pattern) == [
        "/home/alice/.local/lib/python3.11/site-packages/open_webui/data/webui.db"
    ]
    assert root.glob("/home/*/nothing-here") == []


def test_missing_and_denied_become_facts(tree: Path) -> None:
    root = AuditRoot(tree)
    assert root.stat("/no/such/file").kind is FileKind.MISSING
    assert root.stat("/etc/passwd\0oops").kind is FileKind.ERROR
