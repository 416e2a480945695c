"""Strict reading of TOML tables: every key must be consumed, every value well typed."""

from __future__ import annotations

from typing import Any


class KBError(ValueError):
    """A knowledge-base file that does not follow the schema."""


class Table:
    """A TOML table read key by key; `finish()` rejects any key nobody asked for."""

    def __init__(self, data: dict[str, Any], origin: str) -> None:
        self._data = data
        self._origin = origin
        self._seen: set[str] = set()

    @property
    def origin(self) -> str:
        """Where the table comes from, for error messages (`jan.toml [knob]`)."""
        return self._origin

    def _get(self, key: str) -> Any:  # noqa: ANN401 - TOML values are untyped until checked
        self._seen.add(key)
        return self._data.get(key)

    def _fail(self, key: str, expected: str) -> KBError:
        return KBError(f"{self._origin}: {key!r} must be {expected}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, "a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self._get(key)
        if value is not None and not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def integer(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(key, "an integer")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in allowed:
            raise self._fail(key, "one of " + ", ".join(allowed))
        return value

    def texts(
        self, key: str, default: tuple[str, ...] | None = None, *, allow_empty: bool = False
    ) -> tuple[str, ...]:
        value = self._get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, list) or not all(
            isinstance(v, str) and (v or allow_empty) for v in value
        ):
            raise self._fail(key, "a list of strings")
        return tuple(value)

    def tables(self, key: str) -> list[Table]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(key, "an array of tables")
        return [read_table(item, f"{self._origin} [{key}]") for item in value]

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            raise KBError(f"{self._origin}: unknown keys {', '.join(unknown)}")


def read_table(data: dict[str, Any], origin: str) -> Table:
    return Table(data, origin)
