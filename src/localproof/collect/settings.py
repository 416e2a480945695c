"""Read the knowledge base's settings knobs from tools' settings files.

Formats: JSON objects (nested keys joined with `.`; a top-level key stands for itself)
and Qt's INI format as QSettings writes it (https://doc.qt.io/qt-6/qsettings.html:
`[group]` sections, keys read as `group/key`, `[General]` keys stand alone).

A JSON knob with a `saved_as` path is looked up along it instead (kb.settingpath): Jan
0.8.4+ saves each store as JSON text under its name in `<data folder>/settings.json`
(janhq/jan: src-tauri/src/core/app/settings_store.rs), zustand's `{"state": {...},
"version": N}`. A store that is not valid JSON makes its knobs unreadable, with the
reason, and leaves the others readable. Only the knobs' values are kept; of the secrets
the knowledge base names (credentials and secret settings, e.g. Jan's `apiKey` and
`proxyPassword`), only whether each is set.

A `webkit-localstorage` store (Jan 0.6 to 0.8.3 on Linux) holds the same stores in a web
view's localStorage database (collect.webstorage): its entries are read as if they were
the keys of such a JSON file. Where the same user's JSON settings file of the tool yields
any knob or secret (Jan 0.8.4+ moved the stores there), that file wins and the database,
left behind by the migration, is not reported.
"""

from __future__ import annotations

import configparser
import dataclasses
import json

from localproof.collect import webstorage
from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.collect.sqlitecopy import CopyError
from localproof.facts import StoreFile
from localproof.facts.settings import SettingsFile
from localproof.kb import Tool
from localproof.kb.settingpath import SettingPath, parse_setting_path

MAX_SETTINGS = 8 << 20  # Jan's settings.json holds every saved store, model lists included
LOCAL_STORAGE = "webkit-localstorage"


class LayoutError(ValueError):
    """A setting's place in the file is damaged or not laid out as the app writes it."""


def _flatten(data: object, prefix: str = "") -> dict[str, str]:
    if isinstance(data, dict):
        flat: dict[str, str] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, bool):
        return {prefix: "true" if data else "false"}
    if data is None or isinstance(data, list):
        return {}
    return {prefix: str(data)}


def _parse_ini(text: str) -> dict[str, str]:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keep key case
    parser.read_string(text)
    values: dict[str, str] = {}
    for section in parser.sections():
        for key, value in parser.items(section):
            name = key if section == "General" else f"{section}/{key}"
            values[name] = value.strip().strip('"')
    return values


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, list | dict):
        return None
    return str(value)


class _JsonDocument:
    """A parsed JSON settings file; JSON text inside it is decoded once per place."""

    def __init__(self, data: object) -> None:
        self.data = data
        self._decoded: dict[tuple[str, ...], object] = {}
        self._flat: dict[str, str] | None = None

    def flat(self, name: str) -> str | None:
        if self._flat is None:
            self._flat = _flatten(self.data)
        return self._flat.get(name)

    def follow(self, path: SettingPath) -> str | None:
        """The value at `path`, None when unset; LayoutError when it cannot be read."""
        node = self.data
        seen: tuple[str, ...] = ()
        for depth, keys in enumerate(path.layers):
            if depth:
                node = self._decode(node, seen)
            for key in keys:
                if not isinstance(node, dict):
                    raise LayoutError(f"{_place(seen)} is not a JSON object")
                if key not in node:
                    return None
                node, seen = node[key], (*seen, key)
        return _scalar(node)

    def _decode(self, node: object, seen: tuple[str, ...]) -> object:
        if isinstance(node, dict):
            return node  # already an object: nothing to decode
        if not isinstance(node, str):
            raise LayoutError(f"{_place(seen)} is not JSON text")
        if seen not in self._decoded:
            try:
                self._decoded[seen] = json.loads(node)
            except (ValueError, RecursionError):
                raise LayoutError(f"{_place(seen)} is not valid JSON") from None
        return self._decoded[seen]


def _place(keys: tuple[str, ...]) -> str:
    return f"the {'.'.join(keys)!r} entry" if keys else "the file"


def _json_values(
    document: _JsonDocument, wanted: dict[str, SettingPath | None]
) -> tuple[dict[str, str], dict[str, str]]:
    """(values, unreadable) of the wanted knobs, by knob name."""
    values: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for name, path in wanted.items():
        try:
            value = document.flat(name) if path is None else document.follow(path)
        except LayoutError as error:
            unreadable[name] = str(error)
            continue
        if value is not None:
            values[name] = value
    return values, unreadable


def _secrets_set(
    document: _JsonDocument, secrets: dict[str, SettingPath]
) -> tuple[tuple[str, ...], dict[str, str]]:
    """(names set, unreadable) of the secrets: a value is looked at and dropped at once."""
    found: list[str] = []
    unreadable: dict[str, str] = {}
    for name, path in secrets.items():
        try:
            value = document.follow(path)
        except LayoutError as error:
            unreadable[name] = str(error)
            continue
        if value is not None and value.strip():
            found.append(name)
    return tuple(found), unreadable


def _ini_values(text: str, wanted: dict[str, SettingPath | None]) -> dict[str, str]:
    parsed = _parse_ini(text)
    return {name: parsed[name] for name in wanted if name in parsed}


def _wanted(tool: Tool) -> dict[str, SettingPath | None]:
    """The tool's setting knobs by name, with their path in a JSON file if they have one."""
    knobs = [(k.name, k.saved_as) for k in tool.knobs if k.kind == "setting"]
    knobs += [(k.name, k.saved_as) for k in tool.bind_knobs if k.kind == "setting"]
    return {name: parse_setting_path(path) if path else None for name, path in knobs}


def _secrets(tool: Tool) -> dict[str, SettingPath]:
    """The tool's secrets written in its settings files, by name, with their path."""
    named = [(c.name, c.saved_as) for c in tool.credentials if c.kind == "setting"]
    named += [(s.name, s.saved_as) for s in tool.secret_settings]
    return {name: parse_setting_path(path) for name, path in named if path}


def _read(root: AuditRoot, store: StoreFile, tool: Tool) -> SettingsFile:
    base = SettingsFile(store.tool, store.file.path, store.owner)
    if store.format == LOCAL_STORAGE:
        return _read_local_storage(root, base, tool)
    if store.file.size > MAX_SETTINGS:
        return dataclasses.replace(base, error=f"larger than {MAX_SETTINGS >> 20} MiB, not read")
    wanted = _wanted(tool)
    try:
        text = root.read_text(store.file.path, MAX_SETTINGS)
        if store.format == "ini":
            return dataclasses.replace(base, values=_ini_values(text, wanted))
        return _from_document(base, _JsonDocument(json.loads(text)), tool)
    except OSError as error:
        return dataclasses.replace(base, error=describe_error(error))
    except (ValueError, RecursionError, configparser.Error):
        return dataclasses.replace(base, error="not valid " + store.format)


def _from_document(base: SettingsFile, document: _JsonDocument, tool: Tool) -> SettingsFile:
    values, unreadable = _json_values(document, _wanted(tool))
    secrets, hidden = _secrets_set(document, _secrets(tool))
    unreadable |= hidden
    return dataclasses.replace(base, values=values, unreadable=unreadable, secrets=secrets)


def _read_local_storage(root: AuditRoot, base: SettingsFile, tool: Tool) -> SettingsFile:
    """The stores in a web view's localStorage database, read as a JSON file's keys."""
    paths = [p for p in _wanted(tool).values() if p] + list(_secrets(tool).values())
    entries = tuple(path.layers[0][0] for path in paths)
    try:
        found = webstorage.read_entries(root, base.path, entries)
    except CopyError as error:
        return dataclasses.replace(base, error=str(error))
    return _from_document(base, _JsonDocument(found), tool)


def _superseded(item: SettingsFile, found: list[SettingsFile]) -> bool:
    """A localStorage copy is stale once a JSON settings file of the same user holds stores."""
    return any(
        other.tool == item.tool
        and other.owner == item.owner
        and other.path != item.path
        and (other.values or other.secrets or other.unreadable)
        for other in found
    )


def read_settings(
    root: AuditRoot, tools: dict[str, Tool], stores: tuple[StoreFile, ...]
) -> tuple[SettingsFile, ...]:
    found: list[SettingsFile] = []
    local_storage: list[SettingsFile] = []
    for store in stores:
        if store.kind != "settings" or store.format not in ("json", "ini", LOCAL_STORAGE):
            continue
        if not store.file.exists or store.tool not in tools:
            continue
        tool = tools[store.tool]
        if _wanted(tool) or _secrets(tool):
            target = local_storage if store.format == LOCAL_STORAGE else found
            target.append(_read(root, store, tool))
    found += [item for item in local_storage if not _superseded(item, found)]
    return tuple(found)
