"""Strict reading of TOML tables: every key typed, unknown keys are errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localproof.threat.catalog import ThreatModelError


class Fields:
    """One TOML table being read; `done()` rejects keys nobody asked for."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise ThreatModelError(f"{where}: expected a table")
        self.raw: Mapping[str, Any] = raw
        self.where = where
        self.used: set[str] = set()

    def _get(self, key: str, default: object = ...) -> object:
        self.used.add(key)
        if key in self.raw:
            return self.raw[key]
        if default is ...:
            raise ThreatModelError(f"{self.where}: missing key {key!r}")
        return default

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, ... if default is None else default)
        if not isinstance(value, str) or not value.strip():
            raise ThreatModelError(f"{self.where}: {key!r} must be a non-empty string")
        return value

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self._get(key, ... if default is None else list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ThreatModelError(f"{self.where}: {key!r} must be a list of strings")
        return tuple(value)

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self._get(key, ... if default is None else default)
        if not isinstance(value, bool):
            raise ThreatModelError(f"{self.where}: {key!r} must be true or false")
        return value

    def number(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ThreatModelError(f"{self.where}: {key!r} must be an integer")
        return value

    def mapping(self, key: str, default: Mapping[str, str] | None = None) -> dict[str, str]:
        value = self._get(key, ... if default is None else dict(default))
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise ThreatModelError(f"{self.where}: {key!r} must be a table of strings")
        return dict(value)

    def has(self, key: str) -> bool:
        return key in self.raw

    def done(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            raise ThreatModelError(f"{self.where}: unknown key(s) {', '.join(unknown)}")


def items(
    document: Mapping[str, Any], key: str, where: str, siblings: tuple[str, ...] = ()
) -> list[object]:
    """The array of tables `key` of a document, which holds nothing but it and `siblings`."""
    unknown = sorted(set(document) - {key, *siblings})
    if unknown:
        raise ThreatModelError(f"{where}: unknown key(s) {', '.join(unknown)}")
    value = document.get(key, [])
    if not isinstance(value, list):
        raise ThreatModelError(f"{where}: {key!r} must be an array of tables")
    return value
