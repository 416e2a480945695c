"""Where a setting sits in a JSON settings file: the `saved_as` of a `setting` knob.

A path is keys joined by `.`. A `::` marks a value that is itself JSON text, decoded
before the path goes on: Jan 0.8.4+ keeps each saved store as a JSON string in
`<data folder>/settings.json` (janhq/jan: src-tauri/src/core/app/settings_store.rs,
`{"setting-local-api-server": "{\\"state\\":{\\"serverHost\\":...},\\"version\\":3}"}`), so
the API server's host is `setting-local-api-server::state.serverHost`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from localproof.kb.schema import KBError

JSON_TEXT = "::"
KEY = re.compile(r"[^\s.:]+")


@dataclass(frozen=True)
class SettingPath:
    """The keys to follow in each JSON document: the file, then each decoded JSON text."""

    layers: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        return JSON_TEXT.join(".".join(keys) for keys in self.layers)


def parse_setting_path(text: str) -> SettingPath:
    """Split `entry::state.key`; raises KBError unless every key is non-empty and has
    no white space, `.` or `:` of its own."""
    layers = tuple(tuple(part.split(".")) for part in text.split(JSON_TEXT))
    if not all(KEY.fullmatch(key) for keys in layers for key in keys):
        raise KBError(f"saved_as {text!r} must be keys joined by '.', with '::' into JSON text")
    return SettingPath(layers)
