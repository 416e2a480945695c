"""Values from a GSettings keyfile, `$XDG_CONFIG_HOME/glib-2.0/settings/keyfile`: where GLib's
keyfile settings backend keeps an application's settings (a Flatpak app without dconf access
stores them there, see collect/flatpakapp.py).

Learnt from the upstream sources (no code taken from them):
- GNOME/glib gio/gkeyfilesettingsbackend.c (commit c2237ff1): the file is
  `g_get_user_config_dir()/glib-2.0/settings/keyfile`; convert_path puts the key
  `/org/gnome/deja-dup/local/folder` in the group `[org/gnome/deja-dup/local]` as `folder=`.
  set_to_keyfile writes `g_variant_print (value, FALSE)`; get_from_keyfile reads the raw
  value with `g_variant_parse` for the type the schema declares, so a value of another type
  is ignored and the schema default applies, except that a string key also takes a value
  not starting with `"` as the text of a string (wrapped in double quotes, `"` escaped).
  The group and key syntax is the one `dconf dump` and dconf's keyfiles use ("It can be
  produced from a dconf database using: dconf dump"), so collect/dconfdb.py reads it.
- GNOME/glib glib/gvariant-parser.c (same commit) token_stream_prepare, string_parse,
  unicode_unescape, typedecl_get_value: strings in single or double quotes;
  `\\a \\b \\f \\n \\r \\t \\v`, `\\uXXXX` and `\\UXXXXXXXX` (non-zero) escapes, a backslash
  before a newline drops both, before any other character stands for that character;
  arrays `[a, b]`; blanks between tokens. An `@TYPE` or a keyword such as `string` before a
  value is skipped when the caller asks for a type, as GSettings does: `@ao ['/a']` reads
  as the strings `['/a']` (checked with GLib 2.74.6 `gsettings get`).
- flatpak/flatpak common/flatpak-run.c (commit 55ec5bd5) add_dconf_key_to_keyfile: when an
  app's metadata asks for a one-time migration from dconf (`[X-DConf] migrate-path`), the
  keyfile is written with type annotations (`g_variant_print (value, TRUE)`: `@as []`).

Values are read for the types strings, arrays of strings, booleans and numbers, the way
GLib reads them: a value GLib rejects leaves the schema default. A file that is not a
keyfile (GKeyFile's syntax, checked by collect/dconfdb.py) is a `DconfError`, so the
caller can say `unknown`.
"""

from __future__ import annotations

from localproof.collect.dconfdb import (
    RANGES,
    TYPE_KEYWORDS,
    DconfError,
    keyfile_values,
    parse_value,
)
from localproof.collect.fsroot import AuditRoot
from localproof.collect.gvdb import GValue

BLANKS = " \t\n\v\f\r"  # g_ascii_isspace
ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\n": ""}
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
KEYWORDS = frozenset((*TYPE_KEYWORDS, "string", "objectpath", "signature"))
MAX_FILE = 8 << 20
WHERE = "GSettings keyfile"


def read_schema_values(
    root: AuditRoot, path: str, directory: str, types: dict[str, str]
) -> dict[str, GValue] | None:
    """`schema_values` of the keyfile at `path`, None when there is no such file; OSError
    when it cannot be read, `DconfError` when it is not a keyfile GLib would read."""
    try:
        data = root.read_bytes(path, MAX_FILE + 1)
    except FileNotFoundError:
        return None
    if len(data) > MAX_FILE:
        raise DconfError(f"{WHERE}: larger than {MAX_FILE >> 20} MiB, not read")
    if b"\x00" in data:
        raise DconfError(f"{WHERE}: binary data, not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DconfError(f"{WHERE}: not UTF-8") from None
    return schema_values(text, WHERE, directory, types)


def schema_values(
    text: str, where: str, directory: str, types: dict[str, str]
) -> dict[str, GValue]:
    """The values GSettings takes for the keys under `directory` (such as
    `/org/gnome/deja-dup/`) named in `types` (relative name -> schema type string), as
    relative name -> value; keys unset or set to another type are left out."""
    raw = keyfile_values(text, where)
    values: dict[str, GValue] = {}
    for name, type_string in types.items():
        if directory + name in raw:
            value = typed_value(raw[directory + name], type_string)
            if value is not None:
                values[name] = value
    return values


def typed_value(text: str, type_string: str) -> GValue | None:
    """The value GSettings takes from one keyfile entry for a key of schema type
    `type_string` (`s`, `as`, `b` or a number type), or None when GLib rejects the text
    for that type and the schema default applies."""
    try:
        value, end = _value(text, _skip(text, 0), type_string)
        if text[_skip(text, end) :]:
            raise _RejectedError
    except (_RejectedError, DconfError):
        if type_string == "s" and not text.startswith('"'):
            return _unquoted_string(text)
        return None
    return value


class _RejectedError(Exception):
    """g_variant_parse fails for the requested type."""


def _value(text: str, index: int, type_string: str) -> tuple[GValue, int]:
    """The literal at `index` read as `type_string`, after any `@TYPE` or type keyword
    (ignored when the type is requested: gvariant-parser.c typedecl_get_value)."""
    index = _skip(text, _annotation_end(text, index))
    if type_string == "s" and text[index : index + 1] in ("'", '"'):
        return _string(text, index)
    if type_string == "as" and text.startswith("[", index):
        return _array(text, index)
    token_end = index
    while token_end < len(text) and (text[token_end].isalnum() or text[token_end] in "+-."):
        token_end += 1
    if type_string == "b" and text[index:token_end] in ("true", "false"):
        return text[index:token_end] == "true", token_end
    if type_string in RANGES or type_string == "d":
        return parse_value(f"@{type_string} {text[index:token_end]}", "")[1], token_end
    raise _RejectedError


def _annotation_end(text: str, index: int) -> int:
    if text.startswith("@", index):
        end = index + 1
        while end < len(text) and text[end] not in f"{BLANKS},:>]":
            end += 1
        if any(char in "['\"" for char in text[index:end]):
            raise _RejectedError  # `@as['a']`: GLib reads the bracket as part of the type
        return _annotation_end(text, _skip(text, end))
    end = index
    while end < len(text) and text[end].isalnum():
        end += 1
    return _annotation_end(text, _skip(text, end)) if text[index:end] in KEYWORDS else index


def _unquoted_string(text: str) -> str | None:
    wrapped = '"' + text.replace('"', '\\"') + '"'
    try:
        value, end = _string(wrapped, 0)
    except _RejectedError:
        return None
    return value if end == len(wrapped) else None


def _string(text: str, start: int) -> tuple[str, int]:
    """The string whose opening quote is at `start`, and the index after its closing one."""
    quote = text[start]
    out: list[str] = []
    index = start + 1
    while index < len(text) and text[index] != quote:
        char = text[index]
        index += 1
        if char != "\\":
            out.append(char)
        elif index < len(text) and text[index] in "uU":
            width = 4 if text[index] == "u" else 8
            out.append(_code_point(text[index + 1 : index + 1 + width]))
            index += 1 + width
        elif index < len(text):
            out.append(ESCAPES.get(text[index], text[index]))
            index += 1
    if index >= len(text):
        raise _RejectedError  # unterminated
    return "".join(out), index + 1


def _code_point(digits: str) -> str:
    if len(digits) not in (4, 8) or not set(digits) <= HEX_DIGITS:
        raise _RejectedError
    code = int(digits, 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _RejectedError  # GLib refuses a zero escape; the others are not UTF-8
    return chr(code)


def _array(text: str, start: int) -> tuple[tuple[str, ...], int]:
    """An array of strings whose `[` is at `start`, and the index after its `]`."""
    items: list[str] = []
    index = _skip(text, start + 1)
    if text.startswith("]", index):
        return (), index + 1
    while True:
        item, index = _value(text, index, "s")
        items.append(str(item))
        index = _skip(text, index)
        if text.startswith("]", index):
            return tuple(items), index + 1
        if not text.startswith(",", index):
            raise _RejectedError
        index = _skip(text, index + 1)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in BLANKS:
        index += 1
    return index
