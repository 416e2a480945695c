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


def test_absolute_link_above_the_path_is_followed_inside_the_root(tree: Path) -> None:
    (tree / "data" / "ollama").mkdir(parents=True)
    (tree / "data" / "ollama" / "history").write_text("hi\n")
    (tree / "home" / "alice" / ".ollama").symlink_to("/data/ollama")
    root = AuditRoot(tree)
    assert root.glob("/home/*/.ollama/history") == ["/home/alice/.ollama/history"]
    unfollowed = root.stat("/home/alice/.ollama/history", follow=False)
    assert unfollowed.kind is FileKind.FILE
    assert unfollowed.resolved == "/data/ollama/history"
    assert root.stat("/home/alice/.ollama", follow=False).kind is FileKind.SYMLINK
    assert root.read_text("/home/alice/.ollama/history") == "hi\n"


def test_absolute_link_chain_above_the_path(tree: Path) -> None:
    (tree / "mnt" / "big" / "Jan").mkdir(parents=True)
    (tree / "mnt" / "big" / "Jan" / "settings.json").write_text("{}")
    (tree / "mnt" / "disk").symlink_to("/mnt/big")
    (tree / "home" / "alice" / "Jan").symlink_to("/mnt/disk/Jan")
    root = AuditRoot(tree)
    assert root.glob("/home/alice/Jan/*.json") == ["/home/alice/Jan/settings.json"]
    fact = root.stat("/home/alice/Jan/settings.json", follow=False)
    assert fact.resolved == "/mnt/big/Jan/settings.json"


def test_link_in_the_last_place_is_not_followed_but_its_parents_are(tree: Path) -> None:
    (tree / "data").mkdir()
    (tree / "data" / "key").symlink_to("/etc/passwd")
    (tree / "home" / "alice" / "data").symlink_to("/data")
    root = AuditRoot(tree)
    assert root.stat("/home/alice/data/key", follow=False).kind is FileKind.SYMLINK
    assert root.readlink("/home/alice/data/key") == "/etc/passwd"
    assert root.stat("/home/alice/data/key").resolved == "/etc/passwd"


def test_dangling_absolute_link_above_the_path_is_missing(tree: Path) -> None:
    # /tmp exists on the host running the test, never in this tree
    (tree / "home" / "alice" / ".ollama").symlink_to("/tmp")
    root = AuditRoot(tree)
    assert root.stat("/home/alice/.ollama/x", follow=False).kind is FileKind.MISSING
    assert root.glob("/home/alice/.ollama/*") == []
    assert not root.present("/home/alice/.ollama/history")


def test_loop_above_the_path_is_kept_as_a_fact(tree: Path) -> None:
    (tree / "a").symlink_to("/b")
    (tree / "b").symlink_to("/a/")
    (tree / "home" / "alice" / ".ollama").symlink_to("/a")
    root = AuditRoot(tree)
    fact = root.stat("/home/alice/.ollama/history", follow=False)
    assert (fact.kind, fact.error) == (FileKind.ERROR, "symlink loop")
    assert root.glob("/home/alice/.ollama/history") == ["/home/alice/.ollama/history"]
    assert root.glob("/home/alice/.ollama/*") == []
    with pytest.raises(OSError, match="symlink loop"):
        root.readlink("/home/alice/.ollama/history")


def test_link_climbing_above_the_root_stays_at_the_root(tmp_path: Path) -> None:
    # a real folder beside the root: the host kernel would follow the link there
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_text("not audited")
    base = tmp_path / "root"
    (base / "home" / "alice").mkdir(parents=True)
    (base / "home" / "alice" / "up").symlink_to("../../../outside")
    root = AuditRoot(base)
    assert root.resolve("/home/alice/up/secret") == "/outside/secret"
    assert root.stat("/home/alice/up/secret", follow=False).kind is FileKind.MISSING
    assert root.glob("/home/alice/up/*") == []
    with pytest.raises(FileNotFoundError):
        root.read_text("/home/alice/up/secret")


def test_a_wildcard_does_not_turn_an_unrelated_loop_into_a_match(tree: Path) -> None:
    (tree / "home" / "alice" / ".bash_history").symlink_to(".bash_history")
    (tree / "home" / "alice" / "tgw" / "user_data").mkdir(parents=True)
    root = AuditRoot(tree)
    assert root.glob("/home/alice/*/user_data") == ["/home/alice/tgw/user_data"]
    assert root.glob("/home/alice/.bash_history/user_data") == [
        "/home/alice/.bash_history/user_data"
    ]
