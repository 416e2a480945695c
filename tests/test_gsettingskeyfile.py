"""GVariant text values in a GSettings keyfile as GLib reads them (glib/gvariant-parser.c,
gio/gkeyfilesettingsbackend.c): strings, arrays of strings, booleans and numbers, and what
GSettings ignores."""

from __future__ import annotations

from pathlib import Path

import pytest

from localproof.collect.dconfdb import DconfError
from localproof.collect.gsettingskeyfile import schema_values, typed_value
from localproof.collect.gvdb import GValue

KEYFILES = Path(__file__).parent / "data" / "gsettings-keyfile"
DEJA_DUP = "/org/gnome/deja-dup/"
TYPES = {"include-list": "as", "exclude-list": "as", "periodic": "b", "backend": "s",
         "tool": "s", "last-backup": "s", "local/folder": "s"}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "type_string", "value"),
    [
        ("['$HOME']", "as", ("$HOME",)),
        ("[ '$TRASH' ,\t\"$HOME/it's\" ]", "as", ("$TRASH", "$HOME/it's")),
        ("[]", "as", ()),
        ("@as []", "as", ()),
        ("@ai []", "as", ()),  # the annotation is skipped for a requested type
        ("@ao ['/a']", "as", ("/a",)),
        ("[string 'a']", "as", ("a",)),
        ("'local'", "s", "local"),
        ("int32 'a'", "s", "a"),
        ('@s "a\'b"', "s", "a'b"),
        ("'tab\\there\\\\ \\'q\\' \\x'", "s", "tab\there\\ 'q' x"),
        ("'caf\\u00e9 \\U0001F600'", "s", "café \U0001f600"),
        ("'a\\\nb'", "s", "ab"),
        ("true", "b", True),
        ("@s true", "b", True),
        ("boolean false ", "b", False),
        ("7", "i", 7),
        ("uint32 600", "u", 600),
        # a string key takes a value not starting with `"` as its text
        ("local", "s", "local"),
        ('/mnt/my "backup"', "s", '/mnt/my "backup"'),
        ("42", "s", "42"),
        # what GLib rejects leaves the schema default
        ('"unterminated', "s", None),
        ("'$HOME'", "as", None),
        ("['a',]", "as", None),
        ("['a' 'b']", "as", None),
        ("['a'", "as", None),
        ("[1, 2]", "as", None),
        ("@as['a']", "as", None),
        ("@i 5", "as", None),
        ("['\\u0000']", "as", None),
        ("['\\u00zz']", "as", None),
        ("$HOME", "as", None),
        ("yes", "b", None),
        ("['a']", "b", None),
        ("'a'", "i", None),
    ],
)
def test_values_as_gsettings_reads_them(text: str, type_string: str, value: GValue) -> None:
    """Each case was checked with GLib 2.74.6: `gsettings get` under GSETTINGS_BACKEND=keyfile."""
    assert typed_value(text, type_string) == value


def test_a_file_that_is_not_a_keyfile_is_an_error() -> None:
    with pytest.raises(DconfError, match=r"^f: line 2 is not a group"):
        schema_values("[org/gnome/deja-dup]\ninclude-list\n", "f", DEJA_DUP, TYPES)


def test_every_keyfile_glib_wrote_reads_fully() -> None:
    files = sorted(KEYFILES.glob("*.keyfile"))
    assert files
    for path in files:
        text = path.read_text()
        values = schema_values(text, path.name, DEJA_DUP, TYPES)
        written = [line.split("=", 1)[0] for line in text.splitlines() if "=" in line]
        assert values, path.name
        assert len(values) <= len(written)
    remote = schema_values((KEYFILES / "ollama-excluded-remote.keyfile").read_text(), "f",
                           DEJA_DUP, TYPES)  # fmt: skip
    assert remote["exclude-list"] == ("$TRASH", "$DOWNLOAD", "$HOME/.ollama", "$HOME/Dana's notes")
    assert remote["periodic"] is True
    local = schema_values((KEYFILES / "home-local.keyfile").read_text(), "f", DEJA_DUP, TYPES)
    assert local["local/folder"] == "/mnt/backup/deja-dup"
