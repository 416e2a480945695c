"""Read the knowledge base's settings knobs from tools' settings files.

Formats: JSON objects (nested keys joined with `.`; a top-level key stands for itself)
and Qt's INI format as QSettings writes it (https://doc.qt.io/qt-6/qsettings.html:
`[group]` sections, keys read as `group/key`, `[General]` keys stand alone).
"""

from __future__ import annotations

import configparser
import json

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import StoreFile
from localproof.facts.settings import SettingsFile
from localproof.kb import Tool

MAX_SETTINGS = 1 << 20


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


def _parse(text: str, file_format: str) -> dict[str, str]:
    if file_format == "json":
        return _flatten(json.loads(text))
    if file_format == "ini":
        return _parse_ini(text)
    return {}


def read_settings(
    root: AuditRoot, tools: dict[str, Tool], stores: tuple[StoreFile, ...]
) -> tuple[SettingsFile, ...]:
    found: list[SettingsFile] = []
    for store in stores:
        if store.kind != "settings" or store.format not in ("json", "ini"):
            continue
        if not store.file.exists or store.tool not in tools:
            continue
        wanted = {k.name for k in tools[store.tool].knobs if k.kind == "setting"}
        wanted |= {k.name for k in tools[store.tool].bind_knobs if k.kind == "setting"}
        if not wanted:
            continue
        path = store.file.path
        try:
            parsed = _parse(root.read_text(path, MAX_SETTINGS), store.format)
        except OSError as error:
            found.append(SettingsFile(store.tool, path, store.owner, error=describe_error(error)))
            continue
        except (ValueError, configparser.Error):
            found.append(
                SettingsFile(store.tool, path, store.owner, error="not valid " + store.format)
            )
            continue
        values = {key: value for key, value in parsed.items() if key in wanted}
        found.append(SettingsFile(store.tool, path, store.owner, values))
    return tuple(found)
