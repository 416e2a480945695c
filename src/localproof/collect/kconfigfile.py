"""A strict, read-only reader of one group of a KDE configuration file (KConfig's INI
dialect), cascaded from the system-wide file to the user's as KConfig does.

Learnt from KDE/kconfig (commit c21442bc; no code taken from it):
- src/core/kconfigini.cpp KConfigIniBackend::parseConfig: lines are trimmed; blank lines
  and lines starting with `#` are skipped; `[Group]` starts a group (`[A][B]` a nested
  one), `[$i]` after the group name makes the group immutable and `[$i]` alone at the top
  the whole file; `Key=Value` with whitespace trimmed around both; options follow the key
  in brackets (`Key[$i]=` immutable, `Key[$d]` deleted) and a locale too (`Key[de]=`,
  not the value read here). KConfig warns about and skips an invalid group header, a
  line without `=` and a key with an unclosed `[`; this reader rejects the file instead,
  so that a damaged file becomes an `unknown` with the reason.
- src/core/kconfig.cpp parseSystemConfigFiles and parseUserConfigFiles: the files of
  `XDG_CONFIG_DIRS` (`/etc/xdg`) are read first as defaults, then the user's
  `~/.config/<name>`; an immutable file, group or key stops later files from changing it.
Values are returned as written (escapes such as `\\s` are not expanded: the settings read
with this are booleans and numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localproof.collect.fsroot import AuditRoot, TextFileError, read_text_file

MAX_FILE = 1 << 20


class KConfigError(ValueError):
    """A configuration file that cannot be read or parsed (the message says why)."""


@dataclass(frozen=True)
class Entry:
    """A key's value as written, the file that set it, and whether it is locked there."""

    value: str
    source: str
    immutable: bool


@dataclass(frozen=True)
class _Parsed:
    entries: dict[str, Entry]
    deleted: frozenset[str]
    file_immutable: bool
    group_immutable: bool


def read_group(root: AuditRoot, paths: Sequence[str], group: str) -> dict[str, Entry]:
    """The entries of `group` after cascading `paths`, lowest priority first; a missing
    file is skipped, an unreadable or damaged one raises `KConfigError`."""
    merged: dict[str, Entry] = {}
    group_locked = False
    for path in paths:
        text = _read(root, path)
        if text is None:
            continue
        parsed = parse_group(text, path, group)
        if not group_locked:
            for key in parsed.deleted:
                if not (key in merged and merged[key].immutable):
                    merged.pop(key, None)
            for key, entry in parsed.entries.items():
                if not (key in merged and merged[key].immutable):
                    merged[key] = entry
        group_locked = group_locked or parsed.group_immutable
        if parsed.file_immutable:
            break
    return merged


def _read(root: AuditRoot, path: str) -> str | None:
    try:
        return read_text_file(root, path, MAX_FILE)
    except FileNotFoundError:
        return None
    except TextFileError as error:
        raise KConfigError(str(error)) from None


def parse_group(text: str, path: str, group: str) -> _Parsed:
    entries: dict[str, Entry] = {}
    deleted: set[str] = set()
    file_immutable = group_immutable = False
    current = "<default>"
    immutable_here = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}: line {number}"
        if line.startswith("["):
            name, locked = _group_header(line, where)
            if name is None:
                file_immutable = file_immutable or locked
                continue
            current, immutable_here = name, file_immutable or locked
            group_immutable = group_immutable or (current == group and immutable_here)
            continue
        key, options, value = _entry(line, where)
        if current != group or key is None:
            continue
        if "d" in options:
            deleted.add(key)
            entries.pop(key, None)
        else:
            locked = immutable_here or "i" in options
            entries[key] = Entry(value, path, locked)
    return _Parsed(entries, frozenset(deleted), file_immutable, group_immutable)


def _group_header(line: str, where: str) -> tuple[str | None, bool]:
    """(group name, immutable) of a header line; the name is None for a bare `[$i]`."""
    parts: list[str] = []
    locked = False
    rest = line
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            raise KConfigError(f"{where}: invalid group header")
        part, rest = rest[1:end], rest[end + 1 :]
        if part == "$i" and not rest:
            locked = True
        else:
            parts.append(part)
    if rest:
        raise KConfigError(f"{where}: invalid group header")
    return ("\x1d".join(parts) if parts else None), locked


def _entry(line: str, where: str) -> tuple[str | None, str, str]:
    """(key, option letters, value); the key is None for a localised entry."""
    key, equals, value = line.partition("=")
    key = key.strip()
    options = ""
    localised = False
    while key.endswith("]"):
        start = key.rfind("[")
        if start < 0:
            raise KConfigError(f"{where}: invalid entry (missing '[')")
        inside, key = key[start + 1 : -1], key[:start]
        if inside.startswith("$"):
            options += inside[1:]
        else:
            localised = True
    if "[" in key:
        raise KConfigError(f"{where}: invalid entry (missing ']')")
    if not key:
        raise KConfigError(f"{where}: invalid entry (empty key)")
    if not equals and "d" not in options:
        raise KConfigError(f"{where}: invalid entry (missing '=')")
    return (None if localised else key), options, value.strip()
