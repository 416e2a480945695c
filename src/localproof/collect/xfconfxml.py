"""A strict, read-only reader of Xfce's xfconf channel files (the per-channel XML format),
cascaded from the system defaults to the user's file as xfconfd does.

Learnt from xfce-mirror/xfconf (commit eab15332; no code taken from it):
- docs/spec/perchannel-xml.txt and perchannel-xml.dtd: one `<channel name version>`
  element holding nested `<property name type value>` elements (a property's path is the
  names from the top joined by `/`, e.g. `/lock/enabled`) and `<value type value>` inside
  `type="array"` properties. Files live under `xfce4/xfconf/xfce-perchannel-xml/` of each
  `XDG_CONFIG_DIRS` entry (`/etc/xdg`) and of the user's `~/.config`.
- xfconfd/xfconf-backend-perchannel-xml.c load_channel, merge_file and the element
  handlers: system files are read first, the user's file last (a later value wins); an
  unknown element or attribute, a missing name or type, a major version other than 1, an
  unknown type or a value that does not parse for its type stops the parse (xfconfd
  warns and keeps what it read so far; this reader rejects the file, so that it becomes
  an `unknown`); `locked`/`unlocked` (`;`-separated user names and `@group`s) are allowed
  only in system files: a locked property or channel keeps the administrator's value and
  the user's file does not change it.
- common/xfconf-gvaluefuncs.c _xfconf_gvalue_from_string and _xfconf_gtype_from_string:
  `bool` is exactly `true` or `false`; integers are C `strtol`/`strtoul` text (decimal,
  `0x` hex, `0` octal) within the type's range.
- xfconf/xfconf-channel.c xfconf_channel_get_bool and get_int: a value of another type
  than asked for is ignored and the caller's default used (kept here as the type name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from localproof.collect.fsroot import AuditRoot, TextFileError, read_text_file
from localproof.facts import Group

MAX_FILE = 1 << 20
MAX_DEPTH = 32
TYPES = frozenset(("string", "uchar", "char", "uint16", "int16", "uint", "int", "uint64",
                   "int64", "float", "double", "bool", "array", "empty"))  # fmt: skip
RANGES = {
    "uchar": (0, 0xFF), "char": (-128, 127), "uint16": (0, 0xFFFF),
    "int16": (-(1 << 15), (1 << 15) - 1), "uint": (0, 0xFFFFFFFF),
    "int": (-(1 << 31), (1 << 31) - 1), "uint64": (0, (1 << 64) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
}  # fmt: skip
INTEGER = re.compile(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
ATTRIBUTES = {
    "channel": {"name", "version", "locked", "unlocked"},
    "property": {"name", "type", "value", "locked", "unlocked"},
    "value": {"type", "value"},
}


class XfconfError(ValueError):
    """A channel file that cannot be read or parsed (the message says which and why)."""


@dataclass(frozen=True)
class Property:
    """A property's value (a bool or an integer; text of other types), its xfconf type,
    the file that set it, and whether an administrator's lock enforces it."""

    type_name: str
    value: bool | int | str
    source: str
    system: bool
    locked: bool


def read_channel(
    root: AuditRoot,
    system_files: Sequence[str],
    user_file: str,
    user: str,
    groups: Sequence[Group] = (),
) -> dict[str, Property]:
    """The properties of one channel after cascading the system files (lowest priority
    first) and the user's file; missing files are skipped, damaged ones raise."""
    merged: dict[str, Property] = {}
    channel_locked = False
    for path in (*system_files, user_file):
        system = path != user_file
        if channel_locked and not system:
            break
        text = _read(root, path)
        if text is None:
            continue
        channel = _parse(text, path)
        if not system and _has_lock(channel):
            raise XfconfError(f"{path}: `locked` is allowed only in system files")
        locks_channel = system and _is_locked(channel, user, groups)
        if channel_locked and not locks_channel:
            continue  # xfconfd refuses a file that drops the channel's lock
        if locks_channel and not channel_locked:
            merged, channel_locked = {}, True
        for name, element in _properties(channel, "", path, 0):
            previous = merged.get(name)
            was_locked = previous is not None and previous.locked
            if was_locked and not system:
                continue
            locked = channel_locked or was_locked or (system and _is_locked(element, user, groups))
            typed = _typed(element, path, name)
            if typed is not None:
                merged[name] = Property(*typed, path, system, locked)
    return merged


def _read(root: AuditRoot, path: str) -> str | None:
    try:
        return read_text_file(root, path, MAX_FILE, binary_ok=True)
    except FileNotFoundError:
        return None
    except TextFileError as error:
        raise XfconfError(str(error)) from None


def _parse(text: str, path: str) -> ElementTree.Element:
    if "<!" in text.replace("<!--", ""):
        raise XfconfError(f"{path}: a DOCTYPE or entity declaration, not an xfconf file")
    try:
        channel = ElementTree.fromstring(text)  # noqa: S314 - no DTD, so no entities
    except ElementTree.ParseError as error:
        raise XfconfError(f"{path}: damaged XML ({error})") from None
    if channel.tag != "channel":
        raise XfconfError(f"{path}: the top element is <{channel.tag}>, not <channel>")
    _check_attributes(channel, path)
    if not channel.get("name") or channel.get("version", "").split(".")[0] != "1":
        raise XfconfError(f"{path}: <channel> needs a name and a version 1.x")
    return channel


def _properties(
    parent: ElementTree.Element, prefix: str, path: str, depth: int
) -> list[tuple[str, ElementTree.Element]]:
    """(full name, element) of each property under `parent`, parents first."""
    if depth > MAX_DEPTH:
        raise XfconfError(f"{path}: properties nested more than {MAX_DEPTH} deep")
    found: list[tuple[str, ElementTree.Element]] = []
    for child in parent:
        _check_attributes(child, path)
        if child.tag == "value" and parent.get("type") == "array":
            _typed(child, path, prefix)
            continue
        if child.tag != "property" or not child.get("name") or not child.get("type"):
            raise XfconfError(f"{path}: <{child.tag}> is not a named, typed <property>")
        name = f"{prefix}/{child.get('name')}"
        found.append((name, child))
        found += _properties(child, name, path, depth + 1)
    return found


def _check_attributes(element: ElementTree.Element, path: str) -> None:
    unknown = set(element.attrib) - ATTRIBUTES.get(str(element.tag), set())
    if unknown or element.tag not in ATTRIBUTES:
        raise XfconfError(f"{path}: <{element.tag}> with unknown attributes {sorted(unknown)}")


def _typed(
    element: ElementTree.Element, path: str, name: str
) -> tuple[str, bool | int | str] | None:
    """(type, value) as xfconfd parses them; None for `empty` and `array`."""
    type_name = element.get("type", "")
    if type_name not in TYPES or (element.tag == "value" and type_name in ("array", "empty")):
        raise XfconfError(f"{path}: {name}: unknown type {type_name!r}")
    if type_name in ("array", "empty"):
        return None
    text = element.get("value")
    if text is None:
        raise XfconfError(f"{path}: {name}: a {type_name} without a value")
    if type_name == "bool" and text in ("true", "false"):
        return type_name, text == "true"
    if type_name in RANGES and (number := _integer(text, type_name)) is not None:
        return type_name, number
    if type_name in ("float", "double") and _is_float(text):
        return type_name, text
    if type_name == "string":
        return type_name, text
    raise XfconfError(f"{path}: {name}: not a valid {type_name}")


def _integer(text: str, type_name: str) -> int | None:
    match = INTEGER.fullmatch(text)
    if match is None:
        return None
    sign, digits = match.groups()
    octal = digits.startswith("0") and len(digits) > 1
    value = int(sign + digits, 16 if digits[:2].lower() == "0x" else 8 if octal else 10)
    low, high = RANGES[type_name]
    return value if low <= value <= high else None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return bool(text.strip())


def _has_lock(element: ElementTree.Element) -> bool:
    return any(e.get("locked") or e.get("unlocked") for e in element.iter())


def _is_locked(element: ElementTree.Element, user: str, groups: Sequence[Group]) -> bool:
    unlocked, locked = element.get("unlocked"), element.get("locked")
    if unlocked:
        return not _listed(unlocked, user, groups)
    return bool(locked) and _listed(locked or "", user, groups)


def _listed(names: str, user: str, groups: Sequence[Group]) -> bool:
    """Whether `user` is named in a `;`-separated list of users and `@group`s."""
    member_of = {group.name for group in groups if user in group.members}
    for token in names.split(";"):
        if token == user or (token.startswith("@") and token[1:] in member_of):
            return True
    return False
