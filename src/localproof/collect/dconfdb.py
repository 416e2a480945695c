"""The value dconf gives a key for one user: the user's database and the system databases
of the dconf profile, with the administrator's locks.

Learnt from GNOME/dconf (commit 7683ac95; no code taken from it):
- docs/dconf-overview.xml and engine/dconf-engine-profile.c: without `DCONF_PROFILE` the
  profile is `/etc/dconf/profile/user`, else `XDG_DATA_DIRS/dconf/profile/user`
  (`/usr/local/share`, `/usr/share`), else the single line `user-db:user`. Each line
  names a database (`#` starts a comment, unknown lines are ignored): `user-db:NAME` is
  `~/.config/dconf/NAME`, `system-db:NAME` is `/etc/dconf/db/NAME`, compiled by
  `dconf update` from the keyfiles in `/etc/dconf/db/NAME.d/` and the key lists in
  `NAME.d/locks/`.
- engine/dconf-engine.c dconf_engine_read: the value comes from the first database in
  profile order that has the key, unless a database other than the first locks it; then
  only the last such database and those after it count.
- bin/dconf.c read_directory, keyfile_foreach, read_locks_directory: keyfiles are every
  regular file not starting with `.`, and where two set a key the lexicographically last
  wins; a group `[org/gnome/desktop/session]` and key `idle-delay` make the key
  `/org/gnome/desktop/session/idle-delay`; each value is GVariant text
  (GNOME/glib docs/reference/glib/gvariant-text-format.md, commit c2237ff1): `true`,
  `false`, numbers (decimal, `0x` hex, `0` octal; `int32` unless a type keyword such as
  `uint32` or a type code such as `@u` says otherwise, `double` with a point or an
  exponent). An invalid keyfile or value makes `dconf update` fail. A lock is every line
  starting with `/`, taken as written.
- The keyfile syntax is GLib's (glib/gkeyfile.c, g_key_file_parse_line): blank lines,
  `#` comments, `[group]` and `key=value` lines, leading whitespace ignored.

Not modelled: `DCONF_PROFILE` set in a session, `service-db:` and `file-db:` sources
(reported as unreadable), and a compiled system database whose keyfiles are gone or out
of date (`dconf update` keeps the two in step).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from localproof.collect.fsroot import AuditRoot, TextFileError, describe_error, read_text_file
from localproof.collect.gvdb import GValue, GvdbError, typed_values
from localproof.facts import FileKind

PROFILES = ("/etc/dconf/profile/user", "/usr/local/share/dconf/profile/user",
            "/usr/share/dconf/profile/user")  # fmt: skip
DEFAULT_PROFILE = ("user-db:user",)
SYSTEM_DBS = "/etc/dconf/db"
MAX_FILE = 1 << 20
MAX_FILES = 500
TYPE_KEYWORDS = {
    "boolean": "b", "byte": "y", "int16": "n", "uint16": "q", "int32": "i", "uint32": "u",
    "handle": "h", "int64": "x", "uint64": "t", "double": "d",
}  # fmt: skip
RANGES = {
    "y": (0, 0xFF), "n": (-(1 << 15), (1 << 15) - 1), "q": (0, 0xFFFF),
    "i": (-(1 << 31), (1 << 31) - 1), "h": (-(1 << 31), (1 << 31) - 1), "u": (0, 0xFFFFFFFF),
    "x": (-(1 << 63), (1 << 63) - 1), "t": (0, (1 << 64) - 1),
}  # fmt: skip
INTEGER = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)"
)
ANNOTATED = re.compile(r"(?:@(\S+)|([a-z0-9]+))\s+(.*)", re.DOTALL)


class DconfError(ValueError):
    """The dconf settings cannot be read (the message says which file and why)."""


@dataclass(frozen=True)
class Found:
    """A key's value as dconf gives it: its GVariant type, the file it came from, and
    whether an administrator's lock enforces it."""

    type_string: str
    value: GValue
    source: str
    system: bool
    locked: bool


@dataclass(frozen=True)
class _Database:
    path: str
    values: dict[str, tuple[str, GValue, str]]  # key -> type string, value, file
    locks: frozenset[str]
    system: bool


def read_keys(root: AuditRoot, home: str, keys: Iterable[str]) -> dict[str, Found]:
    """The value in effect for each of `keys` (full paths) that some database sets."""
    wanted = tuple(keys)
    databases = [_database(root, home, line, wanted) for line in _profile(root)]
    found: dict[str, Found] = {}
    for key in wanted:
        level = max((i for i, db in enumerate(databases) if i and key in db.locks), default=0)
        for database in databases[level:]:
            if key in database.values:
                type_string, value, source = database.values[key]
                system = database.system
                found[key] = Found(type_string, value, source, system, level > 0)
                break
    return found


def _profile(root: AuditRoot) -> list[str]:
    for path in PROFILES:
        if root.stat(path).kind is FileKind.MISSING:
            continue
        text = _read_text(root, path)  # an unreadable profile is an error, not a default
        lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
        return [line for line in lines if line]
    return list(DEFAULT_PROFILE)


def _database(root: AuditRoot, home: str, line: str, keys: tuple[str, ...]) -> _Database:
    kind, _, name = line.partition(":")
    if kind in ("service-db", "file-db"):
        raise DconfError(f"the dconf profile names a {kind} source, which is not read")
    if kind not in ("user-db", "system-db") or not name or "/" in name or name.startswith("."):
        return _Database(line, {}, frozenset(), system=True)  # dconf ignores such a line
    if kind == "user-db":
        return _user_database(root, f"{home}/.config/dconf/{name}", keys)
    return _system_database(root, name, keys)


def _user_database(root: AuditRoot, path: str, keys: tuple[str, ...]) -> _Database:
    try:
        data = root.read_bytes(path, MAX_FILE + 1)
    except FileNotFoundError:
        return _Database(path, {}, frozenset(), system=False)
    except OSError as error:
        raise DconfError(f"{path}: {describe_error(error)}") from None
    if len(data) > MAX_FILE:
        raise DconfError(f"{path}: larger than {MAX_FILE >> 20} MiB, not read")
    values: dict[str, tuple[str, GValue, str]] = {}
    try:
        for directory in sorted({key.rsplit("/", 1)[0] + "/" for key in keys}):
            for name, typed in typed_values(data, directory).items():
                if directory + name in keys:
                    values[directory + name] = (typed.type_string, typed.value, path)
    except GvdbError as error:
        raise DconfError(f"{path}: damaged dconf database ({error})") from None
    return _Database(path, values, frozenset(), system=False)


def _system_database(root: AuditRoot, name: str, keys: tuple[str, ...]) -> _Database:
    folder = f"{SYSTEM_DBS}/{name}.d"
    fact = root.stat(folder)
    if fact.kind is FileKind.ERROR:
        raise DconfError(f"{folder}: {fact.error}")
    if fact.kind is not FileKind.DIRECTORY:
        if root.stat(f"{SYSTEM_DBS}/{name}").exists:
            raise DconfError(f"{SYSTEM_DBS}/{name} has no keyfiles ({folder}), not read")
        return _Database(folder, {}, frozenset(), system=True)
    values: dict[str, tuple[str, GValue, str]] = {}
    for path in _files(root, folder):
        for key, raw in keyfile_values(_read_text(root, path), path).items():
            if key in keys:
                values[key] = (*parse_value(raw, f"{path}: {key}"), path)
    locks = {
        line
        for path in _files(root, f"{folder}/locks")
        for line in _read_text(root, path).split("\n")
        if line.startswith("/")
    }
    return _Database(folder, values, frozenset(locks), system=True)


def _files(root: AuditRoot, folder: str) -> list[str]:
    """Regular files not starting with `.`, in the order where the last one wins."""
    try:
        names = root.listdir(folder)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise DconfError(f"{folder}: {describe_error(error)}") from None
    paths = [f"{folder}/{n}" for n in names[:MAX_FILES] if not n.startswith(".")]
    return [path for path in paths if root.stat(path).kind is FileKind.FILE]


def _read_text(root: AuditRoot, path: str) -> str:
    try:
        return read_text_file(root, path, MAX_FILE)
    except FileNotFoundError:
        raise DconfError(f"{path}: missing") from None
    except TextFileError as error:
        raise DconfError(str(error)) from None


def keyfile_values(text: str, path: str) -> dict[str, str]:
    """Full dconf key -> raw value text of one keyfile, rejecting what GKeyFile rejects."""
    values: dict[str, str] = {}
    group: str | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.rstrip(" \t").endswith("]") and "]" in line[1:]:
            group = line.rstrip(" \t")[1:-1]
            if "]" in group or "[" in group:
                raise DconfError(f"{path}: line {number}: invalid group header")
            continue
        key, equals, value = line.partition("=")
        if not equals or not key.strip():
            raise DconfError(f"{path}: line {number} is not a group, a key or a comment")
        if group is None:
            raise DconfError(f"{path}: line {number}: a key before the first group")
        full = ("/" if group == "/" else f"/{group}/") + key.rstrip()
        if "//" in full or full.endswith("/") or (not group.strip("/") and group != "/"):
            raise DconfError(f"{path}: line {number}: {full!r} is not a dconf key")
        values[full] = value.lstrip()
    return values


def parse_value(text: str, where: str) -> tuple[str, GValue]:
    """(type string, value) of a boolean or number in GVariant text, as `dconf update`
    stores it; anything else it cannot read is a `DconfError`."""
    stripped = text.strip()
    annotated = ANNOTATED.fullmatch(stripped)
    wanted: str | None = None
    if annotated and stripped not in ("true", "false"):
        code, keyword, stripped = annotated.group(1), annotated.group(2), annotated.group(3)
        wanted = code if code is not None else TYPE_KEYWORDS.get(keyword or "")
        if wanted is None or wanted not in (*RANGES, "b", "d"):
            raise DconfError(f"{where}: not a boolean or a number")
        stripped = stripped.strip()
    if stripped in ("true", "false"):
        if wanted not in (None, "b"):
            raise DconfError(f"{where}: a boolean where {wanted} is declared")
        return "b", stripped == "true"
    if wanted == "b":
        raise DconfError(f"{where}: not a boolean")
    return _number(stripped, wanted, where)


def _number(text: str, wanted: str | None, where: str) -> tuple[str, GValue]:
    integer = INTEGER.fullmatch(text)
    if integer:
        sign, digits = integer.groups()
        octal = digits.startswith("0") and len(digits) > 1
        base = 16 if digits[:2].lower() == "0x" else 8 if octal else 10
        value = int(sign + digits, base)
        if wanted == "d":
            return "d", float(value)
        low, high = RANGES[wanted or "i"]
        if not low <= value <= high:
            raise DconfError(f"{where}: number out of range for type {wanted or 'i'}")
        return wanted or "i", value
    if FLOAT.fullmatch(text) and wanted in (None, "d"):
        return "d", float(text)
    raise DconfError(f"{where}: not a boolean or a number")
